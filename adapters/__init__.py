"""Translate platforms to the core and back."""

"""Data the tests read, kept in the checkout (provenance in platform/README.md)."""

from pathlib import Path

PLATFORM = Path(__file__).resolve().parent / "platform"

"""Benchmarks: the core's cost per command by room size, and the persisted command rate."""

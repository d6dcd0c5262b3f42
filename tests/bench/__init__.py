"""Benchmarks: numbers and ratios to peers, printed, never asserted. `python -m tests.bench`."""

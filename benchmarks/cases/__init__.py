"""Benchmark cases; each module defines ``CASES``."""

"""Benchmarks of sahelmodel's cores against the peers users would pick instead.

Run ``python -m benchmarks [--quick] [--only NAME ...] [--json PATH]``. Each case times
sahelmodel and each available peer in the same process run and reports medians and the ratio
``peer_seconds / seconds`` (above 1 means sahelmodel is faster).
"""

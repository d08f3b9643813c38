"""The arms-capture coder as it stood before the coding layer was rebuilt (frozen copy).

Kept only as the reference the throughput benchmark (``benchmarks/cases/captures.py``) compares
:func:`sahelmodel.code_captures` with; it is not part of the package and is not maintained.
"""

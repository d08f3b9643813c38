"""Report helpers: figures saved with their numbers, comparison tables, provenance records."""

import lazy_loader as _lazy

# Declared in __init__.pyi, imported on first use: the run store and the provenance helpers do
# not load matplotlib.
__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)

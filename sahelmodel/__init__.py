"""sahelmodel: quantitative research on rivalry between armed groups.

Event data (ACLED, UCDP GED) in one validated table, time-varying rivalry networks, event-count
regressions with high-dimensional fixed effects, multivariate Hawkes processes in which arms
captures excite clashes, and a generative simulator of rival groups.
"""

import lazy_loader as _lazy

# The namespace is declared in __init__.pyi and its modules are imported on first use
# (Scientific Python SPEC 1): ``import sahelmodel.hawkes`` does not load the regression,
# network or plotting code, and ``sahelmodel.fepois`` imports the regression package when asked.
__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)

__version__ = "0.1.0"

"""Dyad × period and actor × period panels with lags, leads and network covariates.

The panels are the tables the count models, the event studies and the simulator's recovery
studies are fitted on; their column names are a contract documented in
:mod:`sahelmodel.panels.dyad` and :mod:`sahelmodel.panels.actor`.
"""

from sahelmodel.panels.actor import ACTOR_OUTCOMES, actor_panel
from sahelmodel.panels.dyad import DYAD_OUTCOMES, dyad_panel

__all__ = ["ACTOR_OUTCOMES", "DYAD_OUTCOMES", "actor_panel", "dyad_panel"]

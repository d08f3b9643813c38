"""sahelmodel: quantitative research on rivalry between armed groups.

Event data (ACLED, UCDP GED) in one validated table, time-varying rivalry networks, event-count
regressions with high-dimensional fixed effects, multivariate Hawkes processes in which arms
captures excite clashes, and a generative simulator of rival groups.
"""

from sahelmodel import coding, dyadic, simulate
from sahelmodel._rng import as_generator
from sahelmodel.coding import (
    CaptureResult,
    actor_id,
    alias_table,
    code_captures,
    materiel_lexicon,
    parse_capture,
)
from sahelmodel.event_times import EventTimes
from sahelmodel.events import EventDataError, EventTable, ReadReport
from sahelmodel.hawkes.model import Hawkes
from sahelmodel.hawkes.results import HawkesResults
from sahelmodel.hawkes.simulate import simulate_hawkes
from sahelmodel.io import read_acled, read_events, read_ucdp_ged
from sahelmodel.network import (
    TemporalNetwork,
    betweenness,
    communities,
    degree,
    reciprocity,
    rem_statistics,
    shared_allies,
    shared_enemies,
    strength,
    triad_census,
)
from sahelmodel.panels import actor_panel, dyad_panel
from sahelmodel.regression import (
    BinaryResults,
    CountResults,
    EventStudyResults,
    Logit,
    NegativeBinomial,
    Poisson,
    Probit,
    capability_shifts,
    capture_effects,
    event_study,
    felogit,
    fenegbin,
    fepois,
    feprobit,
    harmonics,
    interrupted_time_series,
    wild_cluster_bootstrap,
)
from sahelmodel.runner import Runner, Task, run_tasks
from sahelmodel.runner.reproduce import reproduce

__version__ = "0.1.0"

__all__ = [
    "BinaryResults",
    "CaptureResult",
    "CountResults",
    "EventDataError",
    "EventStudyResults",
    "EventTable",
    "EventTimes",
    "Hawkes",
    "HawkesResults",
    "Logit",
    "NegativeBinomial",
    "Poisson",
    "Probit",
    "ReadReport",
    "Runner",
    "Task",
    "TemporalNetwork",
    "__version__",
    "actor_id",
    "actor_panel",
    "alias_table",
    "as_generator",
    "betweenness",
    "capability_shifts",
    "capture_effects",
    "code_captures",
    "coding",
    "communities",
    "degree",
    "dyad_panel",
    "dyadic",
    "event_study",
    "felogit",
    "fenegbin",
    "fepois",
    "feprobit",
    "harmonics",
    "interrupted_time_series",
    "materiel_lexicon",
    "parse_capture",
    "read_acled",
    "read_events",
    "read_ucdp_ged",
    "reciprocity",
    "rem_statistics",
    "reproduce",
    "run_tasks",
    "shared_allies",
    "shared_enemies",
    "simulate",
    "simulate_hawkes",
    "strength",
    "triad_census",
    "wild_cluster_bootstrap",
]

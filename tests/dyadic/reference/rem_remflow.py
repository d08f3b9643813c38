"""Reference values from remflow 0.1.2 (Python port of R's remstats/remstimate) for test_rem.py.

Writes, next to this script:

* ``rem_remflow_stream.csv``: a REM stream simulated by sahelmodel (6 actors, 80 events);
* ``rem_remflow_stats.csv``: remflow's ``remstats(memory="full")`` inertia, reciprocity, otp and
  osp for every ordered pair at every event after the first (columns ``event`` (0-based index
  of the event in the stream), ``sender``, ``receiver`` and the four statistics);
* ``rem_remflow_fit.csv``: ``remstimate`` coefficients of the ordinal (partial-likelihood)
  model with the same four statistics.

Run ``python tests/dyadic/reference/rem_remflow.py`` (needs ``pip install remflow``).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import remflow as rf

from sahelmodel.dyadic.rem_simulate import simulate_rem

HERE = Path(__file__).parent
EFFECTS = "~ inertia() + reciprocity() + otp() + osp()"
NAMES = ["inertia", "reciprocity", "otp", "osp"]

stream = simulate_rem(n_actors=6, n_events=80, rng=11)
edges = pd.DataFrame({"time": stream.times, "actor1": stream.senders.astype(str),
                      "actor2": stream.receivers.astype(str)})
edges.to_csv(HERE / "rem_remflow_stream.csv", index=False, float_format="%.12g")
reh = rf.remify(edges, directed=True, model="tie")
stats = rf.remstats(reh, tie_effects=EFFECTS, memory="full")
values = np.asarray(stats.stats)
risk = reh.risksets[0]
rows = []
for q, event in enumerate(np.asarray(stats.event_indices)):
    for d in range(len(risk)):
        rows.append([int(event), int(risk["sender"].iloc[d]), int(risk["receiver"].iloc[d]),
                     *[values[q, d, stats.names.index(n)] for n in NAMES]])
pd.DataFrame(rows, columns=["event", "sender", "receiver", *NAMES]).to_csv(
    HERE / "rem_remflow_stats.csv", index=False)
reh_o = rf.remify(edges, directed=True, model="tie", ordinal=True)
fit = rf.remstimate(reh_o, rf.remstats(reh_o, tie_effects=EFFECTS, memory="full"))
pd.DataFrame({"term": list(fit.names), "estimate": np.asarray(fit.coef),
              "loglik": fit.log_likelihood}).to_csv(HERE / "rem_remflow_fit.csv", index=False,
                                                     float_format="%.10g")

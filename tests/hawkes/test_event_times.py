"""EventTimes: construction, validation, views, and building from an EventTable."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sahelmodel import EventTable, EventTimes
from sahelmodel.events import EventDataError


def _table() -> EventTable:
    rows = [
        ("e1", "2024-03-24", "is_sahel", "jnim", "battle", True),
        ("e2", "2024-03-24", "jnim", "is_sahel", "battle", False),
        ("e3", "2024-03-30", "jnim", "fama", "battle", False),
        ("e4", "2024-04-02", "is_sahel", None, "violence_against_civilians", False),
        ("e5", "2024-04-10", "fama", "jnim", "remote_violence", True),
    ]
    return EventTable.from_records(
        {
            "event_id": i,
            "date": d,
            "actor1": a1,
            "actor2": a2,
            "event_type": et,
            "fatalities": 1,
            "capture": c,
        }
        for i, d, a1, a2, et, c in rows
    )


def test_sorts_events_and_keeps_dims_and_marks_aligned():
    et = EventTimes([5.0, 1.0, 3.0], dims=[2, 0, 1], marks=[1, 0, 0], end=6.0)
    assert et.times.tolist() == [1.0, 3.0, 5.0]
    assert et.dims.tolist() == [0, 1, 2]
    assert et.marks.tolist() == [0, 0, 1]
    assert et.n_dims == 3 and et.dim_names == ("0", "1", "2")
    assert et.counts.tolist() == [1, 1, 1]
    assert et.marked_counts.tolist() == [0, 0, 1]


def test_ties_keep_their_input_order():
    et = EventTimes([2.0, 2.0, 1.0], dims=[1, 0, 1], end=3.0)
    assert et.dims.tolist() == [1, 1, 0]
    assert et.has_ties


def test_arrays_are_read_only():
    et = EventTimes([1.0, 2.0], end=3.0)
    with pytest.raises(ValueError):
        et.times[0] = 5.0


def test_empty_dimensions_are_kept():
    et = EventTimes([1.0], dims=[0], end=2.0, dim_names=["a", "b", "c"])
    assert et.counts.tolist() == [1, 0, 0]
    parts = et.split()
    assert [p.size for p in parts] == [1, 0, 0]


def test_empty_event_times():
    et = EventTimes([], start=0.0, end=10.0, n_dims=2)
    assert len(et) == 0 and et.counts.tolist() == [0, 0] and not et.has_ties
    assert et.duration == 10.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"times": [1.0, np.nan]}, "non-finite"),
        ({"times": [1.0], "dims": [0, 1]}, "dims has 2 entries"),
        ({"times": [1.0], "dims": [1.5]}, "must be integers"),
        ({"times": [1.0], "dims": [3], "n_dims": 2}, "dims must lie in 0..1"),
        ({"times": [1.0], "dims": [-1]}, "dims must lie"),
        ({"times": [1.0], "marks": [-1]}, "marks must be non-negative"),
        ({"times": [1.0, 5.0], "end": 4.0}, "outside the window"),
        ({"times": [1.0], "start": 2.0, "end": 3.0}, "outside the window"),
        ({"times": [1.0], "start": 2.0, "end": 1.0}, "start <= end"),
        ({"times": [1.0], "dim_names": ["a", "a"]}, "unique"),
        ({"times": [1.0], "dim_names": ["a"], "n_dims": 2}, "disagrees"),
        ({"times": [[1.0], [2.0]]}, "one-dimensional"),
    ],
)
def test_invalid_input_is_named(kwargs, message):
    times = kwargs.pop("times")
    with pytest.raises(ValueError, match=message):
        EventTimes(times, **kwargs)


def test_select_and_restrict():
    et = EventTimes([1.0, 2.0, 3.0, 4.0], dims=[0, 1, 2, 1], marks=[0, 1, 0, 0], end=5.0,
                    dim_names=["a", "b", "c"])
    sub = et.select(["c", "b"])
    assert sub.dim_names == ("c", "b")
    assert sub.times.tolist() == [2.0, 3.0, 4.0]
    assert sub.dims.tolist() == [1, 0, 1]
    assert sub.marks.tolist() == [1, 0, 0]
    with pytest.raises(KeyError, match="no dimension named 'z'"):
        et.select(["z"])
    with pytest.raises(ValueError, match="unique"):
        et.select([0, 0])
    window = et.restrict(1.5, 3.5)
    assert window.times.tolist() == [2.0, 3.0] and (window.start, window.end) == (1.5, 3.5)
    with pytest.raises(ValueError, match="not inside"):
        et.restrict(-1.0, 2.0)


def test_to_frame_round_trip():
    et = EventTimes([0.5, 1.5], dims=[1, 0], marks=[1, 0], end=2.0, dim_names=["x", "y"])
    frame = et.to_frame()
    assert frame.columns.tolist() == ["time", "dim", "dim_name", "mark"]
    assert frame["dim_name"].astype(str).tolist() == ["y", "x"]
    back = EventTimes(frame["time"], dims=frame["dim"], marks=frame["mark"], end=2.0,
                      dim_names=["x", "y"])
    assert back == et


@given(
    st.lists(
        st.tuples(st.floats(0, 100, allow_nan=False), st.integers(0, 3), st.booleans()),
        max_size=40,
    )
)
def test_split_partitions_events_by_dimension(rows):
    times = [r[0] for r in rows]
    dims = [r[1] for r in rows]
    marks = [r[2] for r in rows]
    et = EventTimes(times, dims=dims, marks=marks, end=100.0, n_dims=4)
    parts = et.split()
    assert len(parts) == 4
    assert sum(p.size for p in parts) == len(rows)
    for d, part in enumerate(parts):
        expected = np.sort(np.asarray([t for t, k in zip(times, dims, strict=True) if k == d]))
        np.testing.assert_array_equal(part, expected)
    assert np.all(np.diff(et.times) >= 0)
    assert int(et.marks.sum()) == sum(marks)
    assert et.counts.sum() == len(rows)


# ---------------------------------------------------------------- from an EventTable
def test_from_events_directed_dyads_with_capture_marks():
    et = _table().to_event_times(by="directed_dyad", marks="capture", missing="drop")
    assert et.dim_names == ("fama|jnim", "is_sahel|jnim", "jnim|fama", "jnim|is_sahel")
    assert et.times.tolist() == [0.0, 0.0, 6.0, 17.0]
    assert [et.dim_names[d] for d in et.dims] == [
        "is_sahel|jnim", "jnim|is_sahel", "jnim|fama", "fama|jnim"
    ]
    assert et.marks.tolist() == [1, 0, 0, 1]
    # the window is the table's: first day to the last day observed in full
    assert (et.start, et.end) == (0.0, 18.0)
    assert et.origin == pd.Timestamp("2024-03-24")
    assert et.to_frame()["date"].iloc[-1] == pd.Timestamp("2024-04-10")


def test_from_events_undirected_dyads_merge_both_directions():
    et = EventTimes.from_events(_table(), by="dyad", missing="drop")
    assert et.dim_names == ("fama|jnim", "is_sahel|jnim")
    assert et.counts.tolist() == [2, 2]


def test_from_events_one_sided_event_raises_unless_dropped():
    with pytest.raises(EventDataError, match=r"'e4'.*missing='drop'"):
        EventTimes.from_events(_table(), by="dyad")


def test_from_events_by_column_actor_callable_and_none():
    table = _table()
    by_type = EventTimes.from_events(table, by="event_type")
    assert by_type.dim_names == ("battle", "remote_violence", "violence_against_civilians")
    assert by_type.counts.tolist() == [3, 1, 1]
    by_actor = EventTimes.from_events(table, by="actor")
    assert by_actor.counts.tolist() == [1, 2, 2]  # fama, is_sahel, jnim
    by_fn = EventTimes.from_events(table, by=lambda f: np.where(f["fatalities"] > 0, "k", "n"))
    assert by_fn.dim_names == ("k",)
    single = EventTimes.from_events(table)
    assert single.dim_names == ("all",) and len(single) == 5


def test_from_events_fixed_dim_names_keep_empty_dimensions():
    names = ["jnim|is_sahel", "is_sahel|jnim", "jnim|fama", "fama|jnim", "fama|is_sahel"]
    et = EventTimes.from_events(_table(), by="directed_dyad", dim_names=names, missing="drop")
    assert et.dim_names == tuple(names)
    assert et.counts.tolist() == [1, 1, 1, 1, 0]
    with pytest.raises(EventDataError, match="not in dim_names"):
        EventTimes.from_events(_table(), by="event_type", dim_names=["battle"])


def test_from_events_integer_column_labels_compare_as_text():
    table = _table().with_columns(type_of_violence=[2, 2, 2, 3, 2])
    et = EventTimes.from_events(table, by="type_of_violence", dim_names=["1", "2", "3"])
    assert et.counts.tolist() == [0, 4, 1]


def test_from_events_origin_window_and_unit():
    et = EventTimes.from_events(
        _table(), origin="2024-03-01", start="2024-03-01", end="2024-05-01", unit="W"
    )
    assert et.start == 0.0
    assert et.end == pytest.approx(61 / 7)
    assert et.times[0] == pytest.approx(23 / 7)
    with pytest.raises(EventDataError, match="outside the window"):
        EventTimes.from_events(_table(), start="2024-03-25")


def test_from_events_bad_arguments():
    with pytest.raises(ValueError, match="neither one of"):
        EventTimes.from_events(_table(), by="no_such_column")
    with pytest.raises(ValueError, match="marks must be an event column"):
        EventTimes.from_events(_table(), marks="no_such_column")
    with pytest.raises(EventDataError, match="non-negative integers"):
        EventTimes.from_events(_table(), marks=lambda f: np.full(len(f), 0.5))
    with pytest.raises(ValueError, match="missing must be"):
        EventTimes.from_events(_table(), missing="ignore")


def test_real_ucdp_events_become_directed_dyad_streams(ucdp_path):
    from sahelmodel.hawkes import dyad_relations
    from sahelmodel.io import read_ucdp_ged

    table = read_ucdp_ged(ucdp_path)
    frame = table.frame
    two_sided = int((frame["actor1"].notna() & frame["actor2"].notna()).sum())
    et = table.to_event_times(by="directed_dyad", marks="capture", missing="drop")
    assert et.n_events == two_sided
    assert et.counts.sum() == two_sided and (et.counts > 0).all()
    assert et.start == 0.0
    days = (frame["date"].max() - frame["date"].min()).days
    assert et.end == days + 1.0
    assert et.has_ties  # daily data: several events share a day
    assert np.array_equal(et.times, np.round(et.times))
    # the dimension names feed the relational parametrisation directly
    relations = dyad_relations(et.dim_names)
    assert relations.shape == (et.n_dims, et.n_dims)
    assert (np.diag(relations) == 1).all()

import pytest

from sahelmodel.events import EventTable


@pytest.mark.parametrize(("unit", "per_day"), [("D", 1.0), ("h", 24.0), ("W", 1 / 7)])
def test_default_window_ends_after_the_last_whole_day_in_any_unit(unit, per_day):
    table = EventTable.from_records([
        {"event_id": str(k), "date": d, "actor1": "jnim", "actor2": "is_sahel",
         "event_type": "battle", "fatalities": 0}
        for k, d in enumerate(["2020-01-01", "2020-01-03"])
    ])
    times = table.to_event_times(unit=unit)
    assert times.end == pytest.approx(3 * per_day)
    assert times.times.max() == pytest.approx(2 * per_day)

import pytest

from sahelmodel import parse_capture


@pytest.mark.parametrize("number", ["1 000", "1.000", "1,000", "1\u00a0000"])
def test_thousands_separators_give_the_whole_count(number):
    hit = parse_capture(f"JNIM militants seized {number} rifles.", actor1="jnim",
                        actor2="military_mali")
    assert hit.capture
    assert [item.count for item in hit.items] == [1000]

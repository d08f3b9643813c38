"""The seed report itself, verbatim: Islamic State Sahel took JNIM's rifles, launchers, rockets.

A correct coding from the text alone, with no actor fields: a capture by ``is_sahel`` from
``jnim`` of assault rifles, rocket launchers and rockets. Both the first paragraph alone and
the whole report must code so; the later paragraphs name the capturer again ("ISIS's
operational capabilities") and must not turn it into the loser.
"""

import pytest

from sahelmodel import parse_capture

EXPECTED_CLASSES = {"assault_rifle", "rocket_launcher", "rockets_ammunition"}

FIRST_PARAGRAPH = (
    " date 2024-03-24 In an unprecedented turn of events, ISIS militants have launched a "
    "significant attack on Al-Qaeda's Sahelian affiliate, JNIM, in Kalamba, near Kaya, Burkina "
    "Faso. This confrontation led to the seizure of an arsenal including Serbian Zastava M05E1 "
    "rifles, RPG-7 Launchers, Bulgarian PG-7V rockets, and various models of Chinese Type 56 "
    "and Zastava M70AB2 rifles."
)


def _check(result):
    assert result.capture and result.decision == "capture"
    assert (result.capturer, result.captured_from) == ("is_sahel", "jnim")
    assert set(result.materiel) == EXPECTED_CLASSES
    assert {it.name for it in result.items} >= {"zastava_m05e1", "zastava_m70ab2", "type_56",
                                                 "rpg_7", "pg_7v"}


def test_first_paragraph_literal():
    _check(parse_capture(FIRST_PARAGRAPH))


@pytest.fixture(scope="module")
def report(shared_path):
    path = shared_path / "cases" / "kalamba_report.txt"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return path.read_text(encoding="utf-8")


def test_first_paragraph_of_the_file(report):
    first = report.split("\n\n")[0]
    assert first.strip() == FIRST_PARAGRAPH.strip()
    _check(parse_capture(first))


def test_whole_report(report):
    _check(parse_capture(report))

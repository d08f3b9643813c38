"""ACLED-style notes for simulated events, so that the capture coder reads what it would read.

The text of every event is assembled from a few templates, vectorised over events (numpy and
pandas string operations; no Python loop per event). A clash that ends in a capture says who
took what from whom, as ACLED's notes do:

* capture by the attacker: "JNIM militants attacked positions of Islamic State Sahel militants
  near Tin-Akoff (Oudalan, Sahel, Burkina Faso), killing 12 and seizing eight AK-47 assault
  rifles and two RPG-7 launchers."
* capture by the defender: "... Islamic State Sahel repelled the attack, killing 3, and seized
  a PKM machine gun from JNIM."

Some events without a capture carry phrases that look like one and are not ("seized
livestock", "a weapons cache was destroyed"), in the proportions ``decoy_share``, so that the
coder's precision is tested too.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sahelmodel.simulate.spec import Materiel

__all__ = ["compose_notes", "describe_materiel", "group_phrases"]

_NUMBERS = np.array(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                     "nine", "ten", "eleven", "twelve"], dtype=object)

_CLASH_VERBS = np.array([" attacked positions of ", " ambushed ", " clashed with "], dtype=object)
_ATT_CAPTURE = np.array([
    ("{kill} and seizing {items}.", ", seizing {items}. No fatalities were reported."),
    ("{kill}. The attackers made off with {items}.",
     ". The attackers made off with {items}. No fatalities were reported."),
    ("{kill}, and captured {items}.", " and captured {items}. No fatalities were reported."),
], dtype=object)
_CIV_DECOYS = np.array([", and seized livestock", ", and looted shops in the market"],
                       dtype=object)
_CLASH_DECOY = " A weapons cache was destroyed in the fighting."


def group_phrases(names: Sequence[str], kinds: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """How notes name each group: as the subject of a sentence and in short.

    Jihadist groups are "<name> militants", militias and armed movements "<name> fighters",
    state forces their name.

    Examples
    --------
    >>> long, short = group_phrases(["JNIM", "Koglweogo"], ["jihadist_group", "militia"])
    >>> long.tolist(), short.tolist()
    (['JNIM militants', 'Koglweogo fighters'], ['JNIM', 'Koglweogo'])
    """
    suffix = {"jihadist_group": " militants", "militia": " fighters",
              "armed_movement": " fighters"}
    long = np.array([f"{n}{suffix.get(k, '')}" for n, k in zip(names, kinds, strict=True)],
                    dtype=object)
    return long, np.array(list(names), dtype=object)


def describe_materiel(quantity: np.ndarray, materiel: Sequence[Materiel]) -> np.ndarray:
    """The materiel of each capture in words.

    For example "eight AK-47 assault rifles and a PKM machine gun".

    Parameters
    ----------
    quantity : numpy.ndarray
        ``(n_captures, n_classes)`` items taken of each class.
    materiel : sequence of Materiel
        The classes, in the column order of ``quantity``.

    Returns
    -------
    numpy.ndarray of str

    Examples
    --------
    >>> from sahelmodel.simulate.spec import DEFAULT_MATERIEL
    >>> q = np.zeros((1, len(DEFAULT_MATERIEL)), int); q[0, 0] = 8; q[0, 2] = 2
    >>> describe_materiel(q, DEFAULT_MATERIEL).tolist()
    ['eight AK-47 assault rifles and two RPG-7 launchers']
    """
    n = quantity.shape[0]
    if n == 0:
        return np.zeros(0, dtype=object)
    row, col = np.nonzero(quantity)
    qty = quantity[row, col]
    singular = np.array([m.singular for m in materiel], dtype=object)[col]
    plural = np.array([m.plural for m in materiel], dtype=object)[col]
    uncountable = singular == plural
    # "an" before a vowel sound, including initialisms read letter by letter ("an RPG-7")
    vowel = pd.Series(singular).str.match(r"[AEIOUaeiou]|[FHLMNRSX](?=[A-Z0-9-])")
    article = np.where(vowel.to_numpy(dtype=bool), "an ", "a ")
    words = np.where(qty < _NUMBERS.size, _NUMBERS[np.minimum(qty, _NUMBERS.size - 1)],
                     qty.astype(str).astype(object))
    item = np.where(uncountable, singular,
                    np.where(qty == 1, article + singular, words + " " + plural))
    first = np.r_[True, row[1:] != row[:-1]]
    last = np.r_[row[1:] != row[:-1], True]
    sep = np.where(first, "", np.where(last, " and ", ", "))
    joined = pd.Series(sep + item).groupby(row).sum()
    return joined.reindex(range(n), fill_value="unspecified arms").to_numpy(dtype=object)


def compose_notes(
    *,
    is_clash: np.ndarray,
    attacker_long: np.ndarray,
    attacker_short: np.ndarray,
    target_long: np.ndarray,
    target_short: np.ndarray,
    place: np.ndarray,
    fatalities: np.ndarray,
    capture_by: np.ndarray,
    items: np.ndarray,
    rng: np.random.Generator,
    decoy_share: float = 0.1,
) -> np.ndarray:
    """Notes text of every event.

    Parameters
    ----------
    is_clash : numpy.ndarray of bool
        Clash between groups (else an attack on civilians).
    attacker_long, attacker_short, target_long, target_short : numpy.ndarray of str
        How the notes name the attacker and the target (see :func:`group_phrases`).
    place : numpy.ndarray of str
        "<place> (<admin2>, <admin1>, <country>)".
    fatalities : numpy.ndarray of int
    capture_by : numpy.ndarray of int
        -1 no capture, 0 the attacker captured, 1 the defender captured.
    items : numpy.ndarray of str
        Materiel in words for captures (ignored elsewhere).
    rng : numpy.random.Generator
        Chooses template variants and which events carry decoy phrases.
    decoy_share : float
        Share of events without a capture whose note carries a look-alike phrase.

    Returns
    -------
    numpy.ndarray of str

    Examples
    --------
    >>> notes = compose_notes(
    ...     is_clash=np.array([True]), attacker_long=np.array(["JNIM militants"], object),
    ...     attacker_short=np.array(["JNIM"], object),
    ...     target_long=np.array(["Islamic State Sahel militants"], object),
    ...     target_short=np.array(["Islamic State Sahel"], object),
    ...     place=np.array(["Tin-Akoff (Oudalan, Sahel, Burkina Faso)"], object),
    ...     fatalities=np.array([12]), capture_by=np.array([1]),
    ...     items=np.array(["a PKM machine gun"], object), rng=np.random.default_rng(0))
    >>> print(notes[0])  # doctest: +NORMALIZE_WHITESPACE
    JNIM militants attacked positions of Islamic State Sahel militants near Tin-Akoff (Oudalan,
    Sahel, Burkina Faso). Islamic State Sahel repelled the attack, killing 12, and seized a PKM
    machine gun from JNIM.
    """
    n = is_clash.size
    if n == 0:
        return np.zeros(0, dtype=object)
    verb_pick = rng.integers(0, _CLASH_VERBS.size, n)
    att_pick = rng.integers(0, len(_ATT_CAPTURE), n)
    decoy = rng.random(n) < decoy_share
    decoy_pick = rng.integers(0, _CIV_DECOYS.size, n)
    verb_pick[capture_by == 1] = 0  # "repelled the attack" needs an attack
    fat = fatalities.astype(np.int64)
    kill = np.where(fat > 0, ", killing " + fat.astype(str).astype(object), "")
    none = fat == 0
    head = np.where(
        is_clash,
        attacker_long + _CLASH_VERBS[verb_pick] + target_long + " near " + place,
        attacker_long + " attacked civilians in " + place,
    )
    # ordinary endings
    plain = np.where(none, ". No fatalities were reported.", kill + ".")
    civ_decoy = np.where(none, _CIV_DECOYS[decoy_pick] + ". No fatalities were reported.",
                         kill + _CIV_DECOYS[decoy_pick] + ".")
    clash_decoy = plain + _CLASH_DECOY
    # captures
    tmpl = _ATT_CAPTURE[att_pick]
    with_kill = pd.Series(tmpl[:, 0]).str.replace("{kill}", "", regex=False).to_numpy(object)
    att_capture = np.where(
        none,
        _fill(tmpl[:, 1], items),
        kill + _fill(with_kill, items),
    )
    def_capture = np.where(
        none,
        ". " + target_short + " repelled the attack and seized " + items + " from "
        + attacker_short + ".",
        ". " + target_short + " repelled the attack" + kill + ", and seized " + items
        + " from " + attacker_short + ".",
    )
    tail = np.where(
        capture_by == 0, att_capture,
        np.where(capture_by == 1, def_capture,
                 np.where(decoy, np.where(is_clash, clash_decoy, civ_decoy), plain)))
    return (head + tail).astype(object)


def _fill(template: np.ndarray, items: np.ndarray) -> np.ndarray:
    """Put the materiel words into ``{items}`` of each template."""
    parts = pd.Series(template).str.split("{items}", n=1, expand=True, regex=False)
    return (parts[0].to_numpy(object) + items + parts[1].to_numpy(object)).astype(object)

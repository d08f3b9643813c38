"""Text helpers for arms-capture coding: normalisation, numbers and actor mentions in notes.

Event notes (ACLED ``notes``, UCDP ``source_headline``) name the parties of an event in many
ways: by group name ("JNIM", "IS Sahel fighters"), by role ("soldiers", "security forces",
"suspected militants", "villagers") or by nationality ("the Malian army"). This module finds
such *mentions* in a sentence and gives each one a *target*:

* a canonical actor id where the words name one group (``jnim``, ``is_sahel``, ``vdp``, ...);
* a role, written ``@state``, ``@state:<country>``, ``@foreign``, ``@militia``, ``@armed``,
  ``@attacker`` (generic role words for whoever attacked: "the attackers", "assailants",
  "raiders", "aggressors"), ``@civilians`` or ``@is`` (an Islamic State branch), which
  :mod:`sahelmodel.captures` resolves against the actors of the event (``@attacker`` with the
  help of the attacker the text names before it, see :mod:`sahelmodel._grammar`).

The patterns are the project's own curated list (this module is their single home); group names
are checked against the alias table of :mod:`sahelmodel.actors` when a mention is resolved.

The event's own actor names, where a text uses them ("Military Forces of Mali", "Group 11
fighters"), are mentions too (:func:`event_names`, :func:`all_mentions`) and take precedence
over the curated patterns. The seizure grammar that reads capture clauses around these mentions
is :mod:`sahelmodel._grammar`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "COUNT_SOURCE",
    "MENTION_PATTERNS",
    "Mention",
    "NamesKey",
    "all_mentions",
    "event_names",
    "find_mentions",
    "is_missing",
    "normalise_text",
    "parse_count",
    "sentences",
]

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": " - ",
        "\u2015": " - ", "\u2212": "-", "\u00a0": " ", "\u202f": " ",
    }
)
_SPACE = re.compile(r"\s+")
_URL = re.compile(r"https?://\S*?([^/\s]*)/?(?=\s|$)")
_SLUG_SEP = re.compile(r"[-_+]|\.(?:html?|php|aspx?)$")


def normalise_text(text: Any) -> str:
    """Return ``text`` with typographic quotes and dashes made ASCII and spaces collapsed.

    Case is kept (a few acronyms, such as "IS", are only recognised in capitals). Missing
    values give the empty string.

    Examples
    --------
    >>> normalise_text("IS\u00a0fighters \u2018seized\u2019  RPG\u20117 launchers")
    "IS fighters 'seized' RPG-7 launchers"
    >>> normalise_text("https://example.org/news/terrorists-neutralized-weapons-recovered")
    'terrorists neutralized weapons recovered'

    """
    if text is None or text is pd.NA or (isinstance(text, float) and text != text):
        return ""
    out = unicodedata.normalize("NFKC", str(text)).translate(_TRANSLATE)
    if "://" in out:  # a URL given as a headline: keep the words of its last path segment
        out = _URL.sub(lambda m: " " + _SLUG_SEP.sub(" ", m.group(1)) + " ", out)
    return _SPACE.sub(" ", out).strip()


_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\s*\n\s*")


def sentences(text: str) -> list[tuple[int, str]]:
    """Split normalised text into sentences; return ``(offset, sentence)`` pairs.

    A sentence ends at ``.``, ``!``, ``?`` or ``;`` followed by white space (so "12.7 mm" and
    "RPG-7." stay whole).

    Examples
    --------
    >>> [s for _, s in sentences("Militants attacked. Soldiers fled; weapons were seized.")]
    ['Militants attacked.', 'Soldiers fled;', 'weapons were seized.']
    """
    out: list[tuple[int, str]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start:
            out.append((start, text[start : m.start()]))
        start = m.end()
    if start < len(text):
        out.append((start, text[start:]))
    return out


_UNITS = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "a dozen": 12, "a hundred": 100, "one hundred": 100, "a pair of": 2, "a couple of": 2,
    "one dozen": 12,
}
#: Regex source of a count written before a materiel name ("two", "12", "a dozen", "1,200").
COUNT_SOURCE = (
    r"(?:\d{1,3}(?:[,.\u00a0 ]\d{3})+(?![\d,.])|\d+|"
    r"a\s+dozen|one\s+dozen|a\s+hundred|one\s+hundred|"
    r"a\s+pair\s+of|a\s+couple\s+of|" + "|".join(sorted(
        (k for k in _UNITS if " " not in k), key=len, reverse=True)) + r")"
)


def parse_count(word: str) -> int | None:
    """Return the integer written as ``word`` (digits or English number words), else None.

    Examples
    --------
    >>> parse_count("two"), parse_count("1,200"), parse_count("a dozen"), parse_count("some")
    (2, 1200, 12, None)
    >>> parse_count("1 000"), parse_count("1.000")
    (1000, 1000)
    """
    key = _SPACE.sub(" ", word.strip().lower())
    if re.fullmatch(r"\d{1,3}(?:[,.\u00a0 ]\d{3})+|\d+", key):
        return int(re.sub(r"[,.\u00a0 ]", "", key))
    return _UNITS.get(key)


_NAT = {
    "burkinab[eè]": "Burkina Faso", "burkinabe": "Burkina Faso", "malian": "Mali",
    "nigerien": "Niger", "beninese": "Benin", "togolese": "Togo", "chadian": "Chad",
    "mauritanian": "Mauritania", "ivorian": "Côte d'Ivoire", "nigerian": "Nigeria",
    "cameroonian": "Cameroon", "algerian": "Algeria",
}
_COUNTRIES = {
    r"burkina\s+faso": "Burkina Faso", "mali": "Mali", "niger": "Niger", "benin": "Benin",
    "togo": "Togo", "chad": "Chad", "mauritania": "Mauritania", "nigeria": "Nigeria",
    "cameroon": "Cameroon", "algeria": "Algeria", r"c[oô]te\s+d'ivoire": "Côte d'Ivoire",
    r"ivory\s+coast": "Côte d'Ivoire", "libya": "Libya",
}
_FORCE_NOUNS = (
    r"(?:forces|troops|army|military|soldiers?|gendarmes?|gendarmerie|police|policemen|"
    r"personnel|units?|air\s+force|national\s+guard|bases?|camps?|posts?|outposts?|"
    r"positions?|detachments?|garrisons?|convoys?|patrols?|checkpoints?)"
)
_POSITION_NOUNS = (
    r"(?:\s+(?:base|camp|post|outpost|positions?|detachment|garrison|convoy|patrol|"
    r"checkpoint|station|barracks|unit|stronghold|headquarters))?"
)
_FIGHTERS = (
    r"(?:\s+(?:fighters|militants|jihadists|elements|combatants|members|insurgents|men|"
    r"forces|positions?|militias?|militiamen|units?|camps?|bases?))?"
)

#: ``(target, regex source)`` pairs, tried in order (specific names before roles).
MENTION_PATTERNS: tuple[tuple[str, str], ...] = (
    ("iswap", r"(?:iswap|iswa|islamic\s+state\s+(?:in\s+)?west\s+africa(?:\s+province)?|"
              r"is\s+west\s+africa)" + _FIGHTERS),
    ("@is", r"(?:islamic\s+state|(?-i:IS)|isis|isil|daesh|(?-i:EI)|eigs|isgs|issp|is-gs|"
            r"is-sahel|etat\s+islamique)"
            r"(?:[\s-]+(?:in\s+the\s+|of\s+the\s+|in\s+)?(?:greater\s+sahara|sahel)"
            r"(?:\s+province)?|\s*\((?:greater\s+sahara|sahel)\))?" + _FIGHTERS),
    ("jnim", r"(?:jnim|gsim|jama'?a?t?\s+nu?s[rs]a?t?\s+(?:al|ul)[\s-]islam\s+wa[\s-]?(?:al|l)?"
             r"[\s-]?muslim(?:in|een)|group\s+(?:for\s+)?(?:the\s+)?support\s+(?:of|for)\s+"
             r"islam\s+and\s+(?:the\s+)?muslims|al[\s-]qa'?[ei]da(?:[\s-]+(?:linked|affiliated|"
             r"affiliates?))?)" + _FIGHTERS),
    ("aqim", r"(?:aqim|al[\s-]qa'?[ei]da\s+in\s+the\s+islamic\s+maghreb)" + _FIGHTERS),
    ("katiba_macina", r"katiba\s+macina" + _FIGHTERS),
    ("ansaroul_islam", r"ansar(?:oul|ul|ul)\s+islam" + _FIGHTERS),
    ("jas", r"(?:boko\s+haram|jas)" + _FIGHTERS),
    ("wagner", r"(?:wagner(?:\s+group)?|africa\s+corps|russian\s+(?:mercenaries|instructors|"
               r"paramilitaries|forces|troops|soldiers))(?:\s+(?:mercenaries|fighters|forces|"
               r"troops|personnel))?"),
    ("france", r"(?:french\s+(?:forces|troops|soldiers|army|military)|barkhane|serval)"
               r"(?:\s+(?:forces|troops|soldiers))?"),
    ("minusma", r"minusma(?:\s+(?:peacekeepers|troops|forces|base|camp))?|"
                r"(?:un|united\s+nations)\s+(?:peacekeepers|troops|forces|mission)|"
                r"peacekeepers|blue\s+helmets"),
    ("vdp", r"(?:vdp|volunteers?\s+for\s+(?:the\s+)?defen[cs]e\s+of\s+the\s+homeland)"
            r"(?:\s+(?:members|fighters|volunteers|elements|auxiliaries|militia(?:men)?))?"),
    ("koglweogo", r"koglweogo" + _FIGHTERS),
    ("dan_na_ambassagou", r"dan\s+n[ao]\s+ambassagou" + _FIGHTERS),
    ("dozo", r"(?:dozos?|donsos?)(?:\s+(?:hunters|militia(?:men)?|fighters|members))?"),
    ("cma", r"(?:cma|coordination\s+of\s+(?:the\s+)?azawad\s+movements)" + _FIGHTERS),
    ("gatia", r"gatia" + _FIGHTERS),
    ("msa", r"msa" + _FIGHTERS),
    ("@state:OF", r"(?:military|armed|defen[cs]e\s+and\s+security|security|police)\s+forces\s+"
                  r"of\s+(?:the\s+)?(?:" + "|".join(_COUNTRIES) + r")(?:\s+\(\d{4}-\d{0,4}\))?"),
    ("@state:NAT", r"(?P<nat>" + "|".join(_NAT) + r")\s+(?:security\s+|defen[cs]e\s+and\s+"
                   r"security\s+|armed\s+|government\s+|military\s+|army\s+)?" + _FORCE_NOUNS),
    ("@state", r"(?:(?:defen[cs]e\s+and\s+security|security|defen[cs]e|armed|government|state|"
               r"national|regular)\s+forces|soldiers?|troops|servicemen|army|gendarmes?|"
               r"gendarmerie|police(?:men|\s+officers?|\s+forces)?|(?-i:FAMa|FAMA|FDS|FAN|FAB|"
               r"FAT|FDSI)|national\s+guard(?:smen)?|customs\s+(?:officers?|agents?|post)|"
               r"forest(?:ry)?\s+guards?|eco[\s-]?guards?|the\s+military(?!\s+(?:equipment|"
               r"hardware|grade|materi[ae]l|vehicles?|supplies|uniforms?|trucks?))|"
               r"(?:military|army|gendarmerie|police)\s+(?:base|camp|post|outpost|positions?|"
               r"station|detachment|garrison|convoy|patrol|checkpoint|barracks)s?)"
               + _POSITION_NOUNS),
    ("@militia", r"(?:(?:self[\s-]defen[cs]e|vigilante|community|ethnic|communal|local)\s+"
                 r"(?:groups?|militias?|militiamen|fighters|forces|brigades?)|militia(?:men|s)?|"
                 r"vigilantes|volunteers)"),
    ("@armed", r"(?:(?:suspected|unidentified|unknown|heavily|presumed|alleged|rival)\s+)*"
               r"(?:(?:islamist|jihadist|terrorist|armed|extremist|insurgent|rebel|militant|"
               r"non[\s-]state)\s+(?:groups?|fighters|elements|militants|men|individuals|"
               r"assailants|bandits|gangs?)|gunmen|militants?|jihadists?|jihadis|islamists?|"
               r"extremists?|terrorists?|insurgents?|fighters|combatants|"
               r"rebels|bandits|(?-i:HANI)|kidnappers)" + _POSITION_NOUNS),
    ("@attacker", r"(?:(?:suspected|unidentified|unknown|presumed|alleged)\s+)*"
                  r"(?:assailants?|attackers?|raiders|aggressors|ambushers|perpetrators|"
                  r"attacking\s+(?:forces?|groups?|units?))"),
    ("@civilians", r"(?:civilians|villagers|residents|inhabitants|traders|merchants|herders|"
                   r"herdsmen|pastoralists|farmers|passengers|travell?ers|shop\s?keepers|"
                   r"drivers|(?:local\s+)?population|gold\s+miners|worshippers|idps|students|"
                   r"teachers|a\s+(?:trader|merchant|herder|farmer|civilian|driver|villager))"),
)

_NAT_RES = [(re.compile(k, re.IGNORECASE), v) for k, v in _NAT.items()]
_COUNTRY_RES = [(re.compile(rf"\bof\s+(?:the\s+)?{k}\b", re.IGNORECASE), v)
                for k, v in _COUNTRIES.items()]


def _compile() -> re.Pattern[str]:
    parts = []
    for i, (_, source) in enumerate(MENTION_PATTERNS):
        body = source.replace("(?P<nat>", "(?:")
        parts.append(rf"(?P<m{i}>\b(?:{body})\b)")
    return re.compile("|".join(parts), re.IGNORECASE)


_MENTIONS = _compile()


@dataclass(frozen=True)
class Mention:
    """One actor mention in a sentence: character span, target and the words matched."""

    start: int
    end: int
    target: str
    text: str


def _target(index: int, words: str) -> str:
    target = MENTION_PATTERNS[index][0]
    if target == "@state:NAT":
        for pattern, country in _NAT_RES:
            if pattern.match(words):
                return f"@state:{country}"
        return "@state"  # pragma: no cover - the pattern only matches listed nationalities
    if target == "@state:OF":
        for pattern, country in _COUNTRY_RES:
            if pattern.search(words):
                return f"@state:{country}"
        return "@state"  # pragma: no cover - the pattern only matches listed countries
    return target


def find_mentions(sentence: str) -> list[Mention]:
    """Return the actor mentions in ``sentence``, left to right, without overlaps.

    Examples
    --------
    >>> [(m.target, m.text) for m in find_mentions("IS Sahel fighters overran JNIM positions")]
    [('@is', 'IS Sahel fighters'), ('jnim', 'JNIM positions')]
    >>> [m.target for m in find_mentions("suspected militants attacked a Malian army post")]
    ['@armed', '@state:Mali']
    """
    out = []
    for m in _MENTIONS.finditer(sentence):
        index = int(m.lastgroup[1:])  # type: ignore[index]
        out.append(Mention(m.start(), m.end(), _target(index, m.group()), m.group()))
    return out



NamesKey = tuple[tuple[str, str, bool], ...]

_NAME_SUFFIX = (
    r"(?:\s+(?:fighters|militants|jihadists|elements|combatants|members|insurgents|men|forces|"
    r"troops|soldiers|positions?|militias?|militiamen|units?|camps?|bases?))?"
)


def _name_variants(name: Any) -> list[str]:
    """Forms of a raw actor name that a text may use ("JNIM: Group for ..." → "JNIM", ...)."""
    if is_missing(name):
        return []
    raw = normalise_text(name)
    out = [raw, re.sub(r"\s*\([^()]*\)\s*$", "", raw)]
    out.extend(part.strip() for part in raw.split(":"))
    return [v for v in dict.fromkeys(out) if len(v) >= 3]


@lru_cache(maxsize=4096)
def event_names(ids: tuple[Any, ...], raws: tuple[Any, ...]) -> NamesKey:
    """Names of the event's actors as written in its text: raw names (case kept) and ids."""
    names: list[tuple[str, str, bool]] = []
    for actor, raw in zip(ids, raws, strict=True):
        if is_missing(actor):
            continue
        names.extend((v, str(actor), True) for v in _name_variants(raw))
        spoken = str(actor).replace("_", " ")
        if len(spoken) >= 4:
            names.append((spoken, str(actor), False))
    return tuple(sorted(set(names), key=lambda n: (-len(n[0]), n)))


@lru_cache(maxsize=4096)
def _names_regex(names: NamesKey) -> re.Pattern[str] | None:
    if not names:
        return None
    parts = []
    for i, (variant, _, case) in enumerate(names):
        body = r"\s+".join(re.escape(w) for w in variant.split())
        body = body if case else f"(?i:{body})"
        parts.append(rf"(?P<n{i}>\b{body}(?i:{_NAME_SUFFIX})?(?!\w))")
    return re.compile("|".join(parts))


def all_mentions(sentence: str, names: NamesKey) -> list[Mention]:
    """Static role and group mentions, with the event's own actor names taking precedence."""
    static = find_mentions(sentence)
    regex = _names_regex(names)
    if regex is None:
        return static
    named = []
    for m in regex.finditer(sentence):
        index = int(m.lastgroup[1:])  # type: ignore[index]
        named.append(Mention(m.start(), m.end(), names[index][1], m.group()))
    if not named:
        return static
    kept = [m for m in static if not any(m.start < n.end and n.start < m.end for n in named)]
    return sorted(named + kept, key=lambda m: m.start)


def is_missing(value: Any) -> bool:
    """True for None, NA, NaN and blank strings."""
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()

"""Text helpers for arms-capture coding: normalisation, numbers and actor mentions in notes.

Event notes (ACLED ``notes``, UCDP ``source_headline``) name the parties of an event in many
ways: by group name ("JNIM", "IS Sahel fighters"), by role ("soldiers", "security forces",
"suspected militants", "villagers") or by nationality ("the Malian army"). This module finds
such *mentions* in a sentence and gives each one a *target*:

* a canonical actor id where the words name one group (``jnim``, ``is_sahel``, ``vdp``, ...);
* a role, written ``@state``, ``@state:<country>``, ``@foreign``, ``@militia``, ``@armed``,
  ``@attacker`` ("the attackers", "assailants"), ``@civilians`` or ``@is`` (an Islamic State
  branch), which
  :mod:`sahelmodel.captures` resolves against the actors of the event.

The patterns are the project's own curated list (this module is their single home); group names
are checked against the alias table of :mod:`sahelmodel.actors` when a mention is resolved.

The second half of the module is the seizure grammar that :mod:`sahelmodel.captures` documents:
:func:`parse_clauses` splits a text into sentences and returns its capture clauses (verb, the
materiel items of its object with counts, the mentions naming capturer and loser, the words
matched). It knows nothing about events or actor ids beyond the names it is given, so its
results can be cached per text.
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
    "MENTION_PATTERNS",
    "STATE_VERBS",
    "VERB_ANY_SOURCE",
    "Clause",
    "Item",
    "Mention",
    "NamesKey",
    "event_names",
    "find_mentions",
    "is_missing",
    "normalise_text",
    "parse_clauses",
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
    r"(?:\d{1,3}(?:,\d{3})+|\d+|a\s+dozen|one\s+dozen|a\s+hundred|one\s+hundred|"
    r"a\s+pair\s+of|a\s+couple\s+of|" + "|".join(sorted(
        (k for k in _UNITS if " " not in k), key=len, reverse=True)) + r")"
)


def parse_count(word: str) -> int | None:
    """Return the integer written as ``word`` (digits or English number words), else None.

    Examples
    --------
    >>> parse_count("two"), parse_count("1,200"), parse_count("a dozen"), parse_count("some")
    (2, 1200, 12, None)
    """
    key = _SPACE.sub(" ", word.strip().lower())
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d+", key):
        return int(key.replace(",", ""))
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
                  r"(?:assailants|attackers|raiders|attacking\s+(?:forces?|groups?|units?))"),
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


# --------------------------------------------------------------------------------------------
# the seizure grammar (see sahelmodel.captures for what it codes and why)
# --------------------------------------------------------------------------------------------
_DET = (
    r"(?:the|their|its|his|her|these|those|some|several|many|numerous|various|other|more|"
    r"additional|all|(?:large\s+|small\s+|huge\s+)?quantit(?:y|ies)\s+of|a\s+(?:large\s+|"
    r"small\s+|huge\s+|significant\s+)?(?:quantity|number|amount|assortment|lot|array|variety|"
    r"stock|haul|stash)\s+of|an\s+(?:unknown|unspecified|undetermined|assortment|array)\s+"
    r"(?:quantity\s+|number\s+|amount\s+)?of|lots\s+of|dozens\s+of|hundreds\s+of)"
)
_ADJ = (
    r"(?:serbian|chinese|bulgarian|russian|soviet|romanian|yugoslav|belgian|french|american|"
    r"libyan|military|military-grade|new|brand-new|modern|sophisticated|functioning|loaded|"
    r"unused|semi-automatic|automatic|assault|heavy|light|small|assorted|individual|"
    r"abandoned|stolen)"
)



# --------------------------------------------------------------------------------------------
# verbs and clause grammar
# --------------------------------------------------------------------------------------------
_VERB_FAMILIES: tuple[tuple[str, str], ...] = (
    ("nominal", r"(?:seizure|capture|theft|looting|confiscation|recovery|haul|discovery|"
                r"robbery|interception)\s+of"),
    ("seize", r"seiz(?:e|ed|es|ing)|captur(?:e|ed|es|ing)|grabb?(?:ed|ing|s)?|"
              r"snatch(?:ed|es|ing)?|collect(?:ed|ing|s)?"),
    ("loot", r"loot(?:ed|s|ing)?|plunder(?:ed|s|ing)?|pillag(?:e|ed|es|ing)|ransack(?:ed|ing|s)?"),
    ("carry", r"(?:carr(?:ied|y|ies|ying)|cart(?:ed|s|ing)?|haul(?:ed|ing|s)?|"
              r"dr(?:ove|ive|ives|iving|iven)|ma(?:de|ke|kes|king)|r(?:an|un|uns|unning)|"
              r"g(?:ot|et|ets|etting))\s+(?:off|away)(?:\s+with)?|"
              r"(?:fled|flee|flees|fleeing|escaped|escaping|left|leaving|withdrew|withdrawing|"
              r"retreated|retreating)\s+with"),
    ("take", r"(?:took|take|takes|taking|taken)(?:\s+away|\s+off)?"),
    ("steal", r"st(?:ole|eal|eals|ealing|olen)|hijack(?:ed|s|ing)?|carjack(?:ed|ing|s)?|"
              r"commandeer(?:ed|s|ing)?"),
    ("rob", r"rob(?:bed|s|bing)?|strip(?:ped|ping|s)?"),
    ("recover", r"recover(?:ed|s|ing)?|retriev(?:e|ed|es|ing)|confiscat(?:e|ed|es|ing)|"
                r"impound(?:ed|s|ing)?|intercept(?:ed|s|ing)?"),
    ("discover", r"discover(?:ed|s|ing)?|uncover(?:ed|s|ing)?|unearth(?:ed|s|ing)?|found|"
                 r"find(?:s|ing)?|dismantl(?:e|ed|es|ing)"),
)
_VERB = re.compile(
    "|".join(rf"(?P<{name}>\b(?:{src})\b)" for name, src in _VERB_FAMILIES), re.IGNORECASE
)
VERB_ANY_SOURCE = r"\b(?:" + "|".join(src for _, src in _VERB_FAMILIES) + r")\b"
STATE_VERBS = frozenset({"recover", "discover"})
_EXCLUDED = re.compile(r"(?:took|take|takes|taking|taken)\s+up\s+arms\b", re.IGNORECASE)
_PARTICIPLE = re.compile(r".*(?:ed|en|ole|ound|aken|ook)(?:\s+\w+)*$", re.IGNORECASE)
_AUX_BEFORE = re.compile(
    r"\b(?:was|were|been|being|is|are|be|got|get|gets)\s+(?:(?:not|never|reportedly|also|"
    r"all|then|later|allegedly|subsequently|successfully)\s+)?$",
    re.IGNORECASE,
)
_CHAIN_GAP = re.compile(
    r"\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|as\s+well\s+as\s+|plus\s+|along\s+with\s+|"
    r"together\s+with\s+)\s*",
    re.IGNORECASE,
)
_PASSIVE_GAP = re.compile(
    r"\s*(?:,\s*)?(?:(?:that|which)\s+)?(?:(?:was|were|been|being|is|are|had\s+been|have\s+"
    r"been|has\s+been|got)\s+)?(?:(?:not|never|reportedly|also|all|then|later|allegedly|"
    r"subsequently|successfully)\s+)?",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(
    r"\.(?!\d)|[;:!?()]|\s-\s|,\s*(?:and\s+|then\s+)?(?:killing|wounding|injuring|leaving|which|who|"
    r"according|reportedly|as|while|before|after|when|but|then|setting|burning|destroying)\b|"
    r"\b(?:before|after|while|when|during|but|although|whereas|then|because|since|as\s+they|"
    r"in\s+an?\s+(?:attack|raid|ambush|operation))\b|"
    r"\band\s+(?:then\s+)?(?:fled|left|withdrew|retreated|escaped|went|returned|headed|"
    r"disappeared|burn\w*|set|destroy\w*|torch\w*|blew|kill\w*|wound\w*|injur\w*|abduct\w*|"
    r"kidnap\w*|execut\w*|attack\w*|ambush\w*|shot|fired|beat|raz\w*|forced|threatened|"
    r"occupied|claimed|said|vandali[sz]ed|sabotaged|displayed|showed|released|defus\w*|"
    r"neutrali[sz]\w*|dismantl\w*)\b",
    re.IGNORECASE,
)
_DESTROY_AFTER = re.compile(
    r"\s*,?\s*(?:and\s+|then\s+|before\s+|after\s+)?(?:then\s+)?(?:destroy\w*|burn\w*|"
    r"torch\w*|set\s+(?:fire|ablaze)\s+(?:to\s+)?|blew\s+up|blow\w*\s+up|detonat\w*|"
    r"sabotag\w*|defus\w*|neutrali[sz]\w*|dismantl\w*)\s*(?:them|it|all|everything|these|those|"
    r"the\s+(?:lot|weapons?|arms|materi[ae]l|cache|stock|vehicles?|motorbikes?|ammunition|"
    r"equipment|devices?|ieds?|explosives?|mines?))\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:not|never|no|n't|without|nor|cannot|fail(?:ed|s|ing)?\s+to|unable\s+to|"
    r"tr(?:ied|y|ies|ying)\s+to|attempt(?:ed|ing|s)?\s+to|s(?:ought|eek|eeking|eeks)\s+to|"
    r"threaten(?:ed|ing|s)?\s+to|plann?(?:ed|ing)\s+to|den(?:ied|y|ies|ying)|"
    r"prevent\w*\s+(?:\w+\s+){0,3}from|before\s+(?:\w+\s+){0,3}could|"
    r"could\s+not|(?:was|were)\s+unable)\b",
    re.IGNORECASE,
)
_LOCAL_START = re.compile(r".*(?:[,;:]|\b(?:and|but|while|after|whereas))\s", re.IGNORECASE)
_LOSER_CUE = re.compile(
    r"(?:\bfrom|\bbelonging\s+to|\babandoned\s+by|\bleft\s+(?:behind\s+)?by|\bowned\s+by|"
    r"\bof)\s+(?:the\s+|their\s+|its\s+)?$",
    re.IGNORECASE,
)
_AGENT_CUE = re.compile(r"\bby\s+(?:the\s+)?$", re.IGNORECASE)
_ALLY_CUE = re.compile(
    r"\b(?:by|alongside|along\s+with|together\s+with|jointly\s+with|(?:in\s+)?(?:cooperation|"
    r"coordination|collaboration)\s+with|supported|backed|assisted|accompanied|escorted|"
    r"joined|helped|led)\s+(?:the\s+|a\s+|its\s+|their\s+)?$",
    re.IGNORECASE,
)
_LOSS_VERB = re.compile(
    r"\b(?:abandon\w*|left|leaving|dropp?(?:ed|ing)|lost|los(?:e|ing)|surrender\w*|"
    r"hand(?:ed|ing)\s+over)\b",
    re.IGNORECASE,
)
_POSSESSIVE_AFTER = re.compile(r"'s?\b", re.IGNORECASE)
_SKIP_WORDS = frozenset(
    "the a an its their his her some several many all two three four five six seven eight "
    "nine ten dozens hundreds local rival nearby other fellow unarmed few".split()
)
_OBJECT_CUES = frozenset(
    "of from against on at near with by to for into in between among upon toward towards "
    "outside inside around during over targeting attacking raiding ambushing overrunning "
    "hit struck overran overrun beat".split()
)
_SUBJECT_ED_WORDS = frozenset({"armed", "suspected", "alleged", "presumed", "unidentified"})



@dataclass(frozen=True)
class Item:
    start: int
    end: int
    index: int
    count: int | None
    negated: bool
    text: str


@dataclass(frozen=True)
class Clause:
    family: str
    items: tuple[Item, ...]
    capturer: str | None
    loser: str | None
    evidence: str
    capturer_text: str = ""
    loser_text: str = ""


@dataclass(frozen=True)
class _ItemPatterns:
    items: re.Pattern[str]
    prefix: re.Pattern[str]


@lru_cache(maxsize=8)
def _item_patterns(patterns: tuple[str, ...]) -> _ItemPatterns:
    alts = "|".join(f"(?P<x{i}>{p})" for i, p in enumerate(patterns))
    items = re.compile(rf"\b(?:{alts})\b", re.IGNORECASE)
    # what may stand before a name: a negation, a determiner, a count and adjectives
    prefix = re.compile(
        rf"\b(?:(?P<neg>no|not\s+any|without(?:\s+any)?|none\s+of\s+(?:the|their))\s+)?"
        rf"(?:{_DET}\s+)?(?:(?P<count>{COUNT_SOURCE})\s+)?(?:{_ADJ}\s+){{0,2}}$",
        re.IGNORECASE,
    )
    return _ItemPatterns(items, prefix)


def _items(sentence: str, lex: _ItemPatterns) -> list[Item]:
    """Lexicon names in a sentence, each with the count, negation and words before it."""
    out: list[Item] = []
    previous_end = 0
    for m in lex.items.finditer(sentence):
        index = int(m.lastgroup[1:])  # type: ignore[index]
        lo = max(previous_end, m.start() - 80)
        pre = lex.prefix.search(sentence, lo, m.start())
        start = pre.start() if pre and pre.end() == m.start() else m.start()
        count = parse_count(pre.group("count")) if pre and pre.group("count") else None
        negated = bool(pre and pre.group("neg"))
        out.append(Item(start, m.end(), index, count, negated, sentence[start : m.end()]))
        previous_end = m.end()
    return out


def _previous_word(sentence: str, start: int) -> str:
    """The first word before ``start`` that is not a determiner, number or adjective."""
    for word in reversed(re.findall(r"[A-Za-z0-9'-]+|[,;:]", sentence[:start])):
        low = word.lower()
        if low in _SKIP_WORDS or low.isdigit():
            continue
        return low
    return ""


_APPOSITION_GAP = re.compile(r"[\s(),\-]*", re.IGNORECASE)


def _object_positions(sentence: str, mentions: list[Mention]) -> dict[int, bool]:
    """Whether each mention (by start) is in object position rather than subject position.

    A mention is an object when the word before it (skipping determiners and numbers) is a
    preposition or an attack verb, or when it is a possessive; a mention that only follows
    another one after brackets or commas ("Al-Qaeda affiliated (JNIM) militants") is in
    apposition and takes the position of the first.
    """
    out: dict[int, bool] = {}
    previous: Mention | None = None
    for m in mentions:
        if previous is not None and _APPOSITION_GAP.fullmatch(sentence[previous.end : m.start]):
            out[m.start] = out[previous.start]
        else:
            word = _previous_word(sentence, m.start)
            out[m.start] = (
                word in _OBJECT_CUES
                or (word.endswith(("ed", "ing")) and word not in _SUBJECT_ED_WORDS)
                or bool(_POSSESSIVE_AFTER.match(sentence, m.end))
            )
        previous = m
    return out


def _subject(mentions: list[Mention], is_object: dict[int, bool],
             before: int) -> Mention | None:
    for m in reversed([m for m in mentions if m.end <= before]):
        if not is_object[m.start]:
            return m
    return None


def _clause_end(sentence: str, start: int, next_verb: int) -> int:
    m = _CLAUSE_END.search(sentence, start)
    end = m.start() if m else len(sentence)
    return min(end, next_verb, start + 240)


def _loser_in_span(sentence: str, mentions: list[Mention], lo: int, hi: int,
                   family: str) -> Mention | None:
    inside = [m for m in mentions if lo <= m.start and m.end <= hi]
    if family == "rob" and inside:
        return inside[0]
    for m in inside:
        if _LOSER_CUE.search(sentence[max(lo, m.start - 40) : m.start]):
            return m
        if _POSSESSIVE_AFTER.match(sentence, m.end):
            return m
    return None


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


def _all_mentions(sentence: str, names: NamesKey) -> list[Mention]:
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


def _sentence_clauses(sentence: str, names: NamesKey, lex: _ItemPatterns) -> list[Clause]:
    verbs = [v for v in _VERB.finditer(sentence) if not _EXCLUDED.match(sentence, v.start())]
    if not verbs:
        return []
    items = _items(sentence, lex)
    if not items:
        return []
    mentions = _all_mentions(sentence, names)
    is_object = _object_positions(sentence, mentions)
    clauses: list[Clause] = []
    for k, v in enumerate(verbs):
        family = v.lastgroup or ""
        next_verb = verbs[k + 1].start() if k + 1 < len(verbs) else len(sentence)
        before = sentence[: v.start()]
        local = _LOCAL_START.sub("", before[-80:])
        if _NEGATION.search(local) or re.search(
            r"\b(?:before\s+(?:\w+\s+){0,3}could|prevent\w*\s+(?:\w+\s+){0,3}from)\s*$",
            before[-60:], re.IGNORECASE):
            continue
        end = _clause_end(sentence, v.end(), next_verb)
        active_objects = [it for it in items if v.end() <= it.start and it.end <= end]
        passive = False
        chain: list[Item] = []
        ends_before = [it for it in items if it.end <= v.start()]
        # passive: "weapons were seized", or a bare participle after the items ("weapons
        # seized from the army") when the verb has no object of its own ("gunmen on
        # motorbikes seized rifles" is active)
        if family != "nominal" and ends_before:
            last = ends_before[-1]
            if _PASSIVE_GAP.fullmatch(sentence[last.end : v.start()]) and (
                _AUX_BEFORE.search(before)
                or (not active_objects and _PARTICIPLE.match(v.group()))
            ):
                passive = True
                chain = [last]
                for prev in reversed(ends_before[:-1]):
                    if _CHAIN_GAP.fullmatch(sentence[prev.end : chain[0].start]):
                        chain.insert(0, prev)
                    else:
                        break
        if passive:
            objects = chain
            span_lo = chain[0].start
            agent = next(
                (m for m in mentions if v.end() <= m.start < end
                 and _AGENT_CUE.search(sentence[max(v.end(), m.start - 10) : m.start])),
                None,
            )
            capturer = agent
        else:
            objects = active_objects
            span_lo = v.start()
            capturer = _subject(mentions, is_object, v.start())
        if _DESTROY_AFTER.match(sentence, end):
            continue
        objects = [it for it in objects if not it.negated]
        if not objects:
            continue
        loser = _loser_in_span(sentence, mentions, v.end(), end, family)
        if loser is None and passive:
            # "the assailants abandoned weapons, which were recovered": the one who left them
            owner = _subject(mentions, is_object, span_lo)
            if owner is not None and _LOSS_VERB.search(sentence, owner.end, objects[0].end):
                loser = owner
        if loser is None:
            loser = next(
                (m for m in mentions if m is not capturer and is_object[m.start]
                 and not _ALLY_CUE.search(sentence[max(0, m.start - 40) : m.start])
                 and (capturer is None or m.target != capturer.target)),
                None,
            )
        if capturer is not None and loser is not None and capturer.target == loser.target:
            loser = None
        evidence = sentence[span_lo : max(end, objects[-1].end)].strip(" ,")
        clauses.append(Clause(family, tuple(objects),
                               capturer.target if capturer else None,
                               loser.target if loser else None, evidence,
                               capturer.text if capturer else "", loser.text if loser else ""))
    return clauses


@lru_cache(maxsize=65536)
def parse_clauses(text: str, names: NamesKey, patterns: tuple[str, ...]) -> tuple[Clause, ...]:
    """Capture clauses of one text: the grammar only, without actor resolution (cached).

    Parameters
    ----------
    text : str
        The text (normalised here).
    names : tuple
        The event's actor names, from :func:`event_names`.
    patterns : tuple of str
        Lexicon regular expressions in priority order (an item's ``index`` refers to it).

    Examples
    --------
    >>> [c.evidence for c in parse_clauses("Militants seized two rifles.", (), ("rifles?",))]
    ['seized two rifles']
    """
    lex = _item_patterns(patterns)
    out: list[Clause] = []
    for _, sentence in sentences(normalise_text(text)):
        out.extend(_sentence_clauses(sentence, names, lex))
    return tuple(out)



def is_missing(value: Any) -> bool:
    """True for None, NA, NaN and blank strings."""
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()

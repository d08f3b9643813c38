"""Actor mentions in event notes: who a sentence names, by group name, role or nationality.

Event notes name the parties of an event in many ways: by group name ("JNIM", "IS Sahel
fighters"), by role ("soldiers", "security forces", "suspected militants", "villagers"), by
nationality ("the Malian army") or by a pronoun that refers back ("they", "the group"). This
module finds such *mentions* in a sentence and gives each one a *target*:

* a canonical actor id where the words name one group (``jnim``, ``iswap``, ``vdp``, ...), which
  :mod:`sahelmodel.coding.captures` then passes through the same place/time rules as the
  readers (an "ISWAP" mention in Mali is IS Sahel's; "Katiba Macina" after March 2017 is JNIM);
* a role, written ``@state``, ``@state:<country>``, ``@foreign``, ``@militia``, ``@armed``,
  ``@attacker`` (generic role words for whoever attacked: "the attackers", "assailants"),
  ``@civilians``, ``@is`` (an Islamic State branch) or ``@they`` (a pronoun or "the group"),
  resolved against the actors of the event.

The event's own actor names, where a text uses them ("Military Forces of Mali", "Group 11
fighters"), are mentions too (:func:`event_names`, :func:`all_mentions`) and take precedence
over the curated patterns of :data:`MENTION_PATTERNS`, whose single home is this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sahelmodel.coding._text import is_missing, normalise_text, scan

__all__ = [
    "MENTION_PATTERNS",
    "Mention",
    "NamesKey",
    "all_mentions",
    "event_names",
    "find_mentions",
]

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
    r"forces|positions?|militias?|militiamen|units?|camps?|bases?|hideouts?|cells?|"
    r"commanders?|suspects|soldiers|bombers|loyalists))?"
)

#: ``(target, regex source)`` pairs, tried in order (specific names before roles).
MENTION_PATTERNS: tuple[tuple[str, str], ...] = (
    ("is_sahel", r"(?:iswap|iswa|islamic\s+state\s+(?:in\s+)?west\s+africa(?:\s+province)?)"
                 r"[\s-]*(?:\(\s*greater\s+sahara(?:\s+faction)?\s*\)|-?\s*gs\b|"
                 r"greater\s+sahara(?:\s+faction)?)" + _FIGHTERS),
    ("iswap", r"(?:iswap|iswa|islamic\s+state\s+(?:in\s+)?west\s+africa(?:\s+province)?|"
              r"is\s+west\s+africa)" + _FIGHTERS),
    ("is_somalia", r"(?:islamic\s+state\s+(?:in\s+)?somalia(?:\s+province)?|is[\s-]?somalia|"
                   r"isis[\s-]?somalia|(?-i:ISSP?)\s+somalia)" + _FIGHTERS),
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
    ("jas", r"(?:boko\s+haram|jas)(?:\s*\(\s*jas\s*\))?" + _FIGHTERS),
    ("al_shabaab", r"(?:al[\s-]?shabaa?b|harakat\s+al[\s-]shabaab)" + _FIGHTERS),
    ("ipob", r"(?:ipob|indigenous\s+peoples?\s+of\s+biafra|esn|eastern\s+security\s+network)"
             r"(?:\s*/\s*(?:ipob|esn))?" + _FIGHTERS),
    ("civilian_jtf", r"(?:civilian\s+jtf|cjtf|civilian\s+joint\s+task\s+force)"
                     r"(?:\s+(?:members|personnel|vigilantes))?"),
    ("mnjtf", r"(?:mnjtf|multinational\s+joint\s+task\s+force)(?:\s+(?:troops|forces|soldiers|"
              r"personnel|contingent))?"),
    ("wagner", r"(?:wagner(?:\s+group)?|africa\s+corps|russian\s+(?:mercenaries|instructors|"
               r"paramilitaries|forces|troops|soldiers))(?:\s+(?:mercenaries|fighters|forces|"
               r"troops|personnel))?"),
    ("france", r"(?:french\s+(?:forces|troops|soldiers|army|military)|(?:operation\s+)?barkhane|"
               r"serval)(?:\s+(?:forces|troops|soldiers))?"),
    ("@foreign", r"(?:(?:the\s+)?(?:french[\s-]led\s+)?(?:task\s+force\s+)?takuba"
                 r"(?:\s+task\s+force)?"
                 r"|(?:french|estonian|czech|swedish|italian|american|us|german)\s+and\s+"
                 r"(?:french|estonian|czech|swedish|italian|american|us|german)\s+"
                 r"(?:takuba\s+)?(?:forces|troops|soldiers))(?:\s+(?:forces|troops|soldiers))?"),
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
               r"national|regular|joint\s+security|military)\s+(?:forces|operatives|agents|"
               r"personnel)|(?:joint\s+)?(?:military\s+)?task\s+force|soldiers?|troops|"
               r"servicemen|army(?:\s+(?:unit|units|patrol|troops|soldiers))?|gendarmes?|navy(?:\s+"
               r"personnel)?|air\s*force|guards?|officers?|(?-i:NAF|DSS)|operatives|dervish\s+forces?|"
               r"(?:puntland\s+)?maritime\s+police(?:\s+force)?|(?-i:PMPF|SNA)|"
               r"gendarmerie|police(?:men|\s+officers?|\s+forces)?|(?-i:FAMa|FAMA|FDS|FAN|FAB|"
               r"FAT|FDSI)|national\s+guard(?:smen)?|customs\s+(?:officers?|agents?|post)|"
               r"forest(?:ry)?\s+guards?|eco[\s-]?guards?|the\s+military(?!\s+(?:equipment|"
               r"hardware|grade|materi[ae]l|vehicles?|supplies|uniforms?|trucks?))|"
               r"(?:military|army|gendarmerie|police)\s+(?:base|camp|post|outpost|positions?|"
               r"station|detachment|garrison|convoy|patrol|checkpoint|barracks)s?)"
               + _POSITION_NOUNS),
    ("@militia", r"(?:armed\s+civilians|(?:self[\s-]defen[cs]e|vigilante|community|ethnic|"
                 r"communal|local|clan)\s+"
                 r"(?:groups?|militias?|militiamen|fighters|forces|brigades?|members)|"
                 r"militia(?:men|man|s)?(?:\s+members)?|vigilantes?(?:\s+members)?|volunteers|"
                 r"(?:local\s+)?hunters)"),
    ("@armed", r"(?:(?:suspected|unidentified|unknown|heavily|presumed|alleged|rival)\s+)*"
               r"(?:(?:islamist|jihadist|terrorist|armed|extremist|insurgent|rebel|militant|"
               r"non[\s-]state)\s+(?:groups?|fighters|elements|militants|men|individuals|"
               r"assailants|bandits|gangs?)|gunmen|militants?|jihadists?|jihadis|islamists?|"
               r"extremists?|terrorists?|insurgents?|fighters|combatants|"
               r"rebels|bandits|(?-i:HANI)|kidnappers|robbers|cultists|cult\s+(?:group\s+)?members|"
               r"armed\s+(?:men|individuals)|(?:an?\s+)?(?:unknown|unidentified|armed)\s+individual|(?:six\s+|\d+\s+)?suspects|"
               r"(?:members\s+of\s+)?(?:the|this|that)\s+(?:armed\s+)?group|"
               r"'terrorists?'|the\s+'terrorist\s+armed\s+group')" + _POSITION_NOUNS),
    ("@they", r"(?-i:They|they)"),
    ("@attacker", r"(?:(?:suspected|unidentified|unknown|presumed|alleged)\s+)*"
                  r"(?:assailants?|attackers?|raiders|aggressors|ambushers|perpetrators|"
                  r"attacking\s+(?:forces?|groups?|units?))"),
    ("@civilians", r"(?:civilians|villagers|residents|inhabitants|traders|merchants|herders|"
                   r"herdsmen|pastoralists|farmers|passengers|travell?ers|shop\s?keepers|"
                   r"drivers?|(?:local\s+)?population|gold\s+miners|worshippers|idps|"
                   r"students|teachers|road\s+users|motorists|commuters|business\s?m[ae]n|"
                   r"shop\s?owners?|smugglers|traffickers|(?:\d+|two|three|four|five|six|seven|"
                   r"eight|nine|ten|twenty|thirty|forty|fifty|several|many|dozens\s+of)\s+people|"
                   r"a\s+(?:trader|merchant|herder|farmer|civilian|villager|road\s+user|motorist|"
                   r"man|woman|young\s+man|resident))"),
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
    for m in scan(_MENTIONS, sentence):
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
    # "Police Forces of Niger (2011-) National Guard": the unit after the years
    out.extend(part.strip() for part in re.split(r"\(\d{4}-\d{0,4}\)", raw)[1:])
    return [v for v in dict.fromkeys(out) if len(v) >= 3]


@lru_cache(maxsize=4096)
def event_names(ids: tuple[Any, ...], raws: tuple[Any, ...]) -> NamesKey:
    """Names of the event's actors as written in its text: raw names (case kept) and ids.

    ``raws[k]`` may hold several ``;``-joined names (a side's primary and associated actors as
    the source writes them); every one of them names ``ids[k]``, the side's primary actor.

    Examples
    --------
    >>> [n for n, _, _ in event_names(("military_mali",), ("Military Forces of Mali (2021-)",))]
    ['Military Forces of Mali (2021-)', 'Military Forces of Mali', 'military mali']
    """
    names: list[tuple[str, str, bool]] = []
    for actor, raw in zip(ids, raws, strict=True):
        if is_missing(actor):
            continue
        for part in str(raw).split(";") if not is_missing(raw) else ():
            names.extend((v, str(actor), True) for v in _name_variants(part))
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
    for m in scan(regex, sentence):
        index = int(m.lastgroup[1:])  # type: ignore[index]
        named.append(Mention(m.start(), m.end(), names[index][1], m.group()))
    if not named:
        return static
    kept = [m for m in static if not any(m.start < n.end and n.start < m.end for n in named)]
    return sorted(named + kept, key=lambda m: m.start)



"""The seizure grammar: capture clauses of a text, their materiel and the words naming the sides.

:func:`parse_clauses` splits a text into sentences and returns its capture clauses: the capture
verb and its voice, the materiel items of its object with counts, whether the report is hedged,
and the mention targets (:mod:`sahelmodel.coding._mentions`) that the sentence gives for the
capturer and the loser, each with the kind of evidence behind it. It knows nothing about events
or actor ids beyond the names it is given, so its results can be cached per text; how targets
become actor ids, and what the coder does when the text is silent, is
:mod:`sahelmodel.coding.captures`.

How a clause is read
--------------------
* **Voice.** A capture verb is *active* ("militants seized rifles"), *passive* ("rifles were
  seized", "weapons and ammunition recovered", "a video showing weapons seized"), *nominal*
  ("the seizure of an arsenal including ...") or an *arrest with materiel* ("arrested nine
  suspects with two IEDs and seven motorbikes").
* **Object.** An active verb's object runs to the end of its clause; a passive verb's subject is
  the list before it, back to the previous clause ("Three militants were killed; guns, phones, a
  motorcycle and charms were recovered" lists a gun and a motorcycle: words outside the lexicon
  do not end the list). An elliptic subject ("three vehicles destroyed and one seized") takes
  the items of the list before it.
* **Capturer.** The agent of a passive ("recovered by the troops"); else the subject of the
  active verb, found through coordination ("A attacked B, killed five and seized X": A, never
  B, which is the object of *attacked*); else the author of a claim whose scope holds the
  seizure ("JNIM claimed responsibility in a video showing weapons seized", "according to a
  government statement"); else the side *opposite* to the casualties listed before the seizure
  ("19 militants were killed ... and arms recovered": the militants lost them); else the side
  that attacked in the text ("IS fighters attacked JNIM. The clash led to the seizure of ...").
* **Loser.** A mention after "from", "belonging to", "of", "abandoned by", a possessive on the
  items ("the soldiers' rifles"), "their" (the party just attacked or killed), the party the
  capturer attacked, or the casualties' side.
* **Not captures.** Negated or unrealised verbs ("no weapons were seized", "tried to seize",
  "foiled"), items negated ("seized no weapons"), destruction alone. Seizing and then destroying
  is a capture ("seized and burned ten motorbikes"); "seized or destroyed" is hedged.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from functools import lru_cache

from sahelmodel.coding._context import (
    AGENT_CUE,
    POSSESSIVE_AFTER,
    Sentence,
    agent_of,
    attackers,
    attacks,
    casualties,
    claimant,
    parse_sentence,
    subject_before,
)
from sahelmodel.coding._mentions import Mention, NamesKey
from sahelmodel.coding._text import (
    COUNT_SOURCE,
    normalise_text,
    parse_count,
    scan,
    sentences,
    word_starts,
)

__all__ = ["STATE_VERBS", "VERB_ANY_SOURCE", "Clause", "Item", "parse_clauses"]

# --------------------------------------------------------------------------------------------
# materiel items
# --------------------------------------------------------------------------------------------
_DET = (
    r"(?:the|their|its|his|her|these|those|some|several|many|numerous|various|other|more|"
    r"additional|all|(?:large\s+|small\s+|huge\s+)?quantit(?:y|ies)\s+of|a\s+(?:large\s+|"
    r"small\s+|huge\s+|significant\s+|considerable\s+|important\s+)?(?:quantity|number|amount|"
    r"assortment|lot|array|variety|stock|haul|stash)\s+of|an\s+(?:unknown|unspecified|"
    r"undetermined|assortment|array|important)\s+(?:quantity\s+|number\s+|amount\s+)?of|"
    r"unspecified\s+(?:amount|number|quantity)\s+of|lots\s+of|dozens\s+of|hundreds\s+of|"
    r"about|around|over|at\s+least|more\s+than)"
)
_ADJ = (
    r"(?:serbian|chinese|bulgarian|russian|soviet|romanian|yugoslav|belgian|french|american|"
    r"libyan|military|military-grade|new|brand-new|modern|sophisticated|functioning|loaded|"
    r"unused|semi-automatic|automatic|assault|heavy|light|small|assorted|individual|"
    r"abandoned|stolen|operational|various\s+models\s+of|different|other)"
)


@dataclass(frozen=True)
class Item:
    """One lexicon name in a sentence: span, lexicon index, count, negation, words."""

    start: int
    end: int
    index: int
    count: int | None
    negated: bool
    text: str


@dataclass(frozen=True)
class _ItemPatterns:
    items: re.Pattern[str]
    prefix: re.Pattern[str]


#: Words that look like materiel but are not arms: matched first so that no lexicon name is
#: read inside them ("blade weapons" are not "weapons"; "material damages" are not materiel).
_NOT_MATERIEL = (
    r"blade[sd]?\s+weapons?|bladed\s+weapons?|cold\s+weapons?|traditional\s+weapons?|"
    r"machetes?|cutlass(?:es)?|knives|daggers?|swords?|bows?\s+and\s+arrows|"
    r"arms\s+(?:trafficking|smuggling|dealers?|embargo)|(?:fire)?arms?\s+licen[cs]es?|"
    r"weapons?\s+of\s+mass|guns?\s+(?:battles?|fights?|duels?|point|shots?|fire)"
)


@lru_cache(maxsize=8)
def _item_patterns(patterns: tuple[str, ...]) -> _ItemPatterns:
    alts = "|".join([f"(?P<no>{_NOT_MATERIEL})"]
                    + [f"(?P<x{i}>{p})" for i, p in enumerate(patterns)])
    items = re.compile(rf"\b(?:{alts})\b", re.IGNORECASE)
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
    for m in scan(lex.items, sentence):
        if m.lastgroup == "no":
            continue
        index = int(m.lastgroup[1:])  # type: ignore[index]
        lo = max(previous_end, m.start() - 80)
        pre = None
        starts = word_starts(sentence)
        for w in starts[bisect_left(starts, lo) : bisect_left(starts, m.start())]:
            pre = lex.prefix.match(sentence, w, m.start())  # the leftmost that fits
            if pre is not None:
                break
        start = pre.start() if pre is not None else m.start()
        count = parse_count(pre.group("count")) if pre and pre.group("count") else None
        negated = bool(pre and pre.group("neg"))
        out.append(Item(start, m.end(), index, count, negated, sentence[start : m.end()]))
        previous_end = m.end()
    return out


# --------------------------------------------------------------------------------------------
# capture verbs
# --------------------------------------------------------------------------------------------
_VERB_FAMILIES: tuple[tuple[str, str], ...] = (
    ("nominal", r"(?:seizure|capture|theft|looting|confiscation|recovery|haul|discovery|"
                r"robbery|interception|acquisition|pillaging|plundering)\s+of"),
    ("seize", r"seiz(?:e|ed|es|ing)|captur(?:e|ed|es|ing)|grabb?(?:ed|ing|s)?|"
              r"snatch(?:ed|es|ing)?|collect(?:ed|ing|s)?|disarm(?:ed|ing|s)?"),
    ("loot", r"loot(?:ed|s|ing)?|plunder(?:ed|s|ing)?|pillag(?:e|ed|es|ing)|ransack(?:ed|ing|s)?"),
    ("carry", r"(?:carr(?:ied|y|ies|ying)|cart(?:ed|s|ing)?|haul(?:ed|ing|s)?|"
              r"dr(?:ove|ive|ives|iving|iven)|ma(?:de|ke|kes|king)|r(?:an|un|uns|unning)|"
              r"g(?:ot|et|ets|etting)|came|went)\s+(?:off|away)(?:\s+with)?|"
              r"(?:fled|flee|flees|fleeing|escaped|escaping|left|leaving|withdrew|withdrawing|"
              r"retreated|retreating)\s+with"),
    ("take", r"(?:took|take|takes|taking|taken)(?:\s+away|\s+off)?"),
    ("steal", r"st(?:ole|eal|eals|ealing|olen)|hijack(?:ed|s|ing)?|carjack(?:ed|ing|s)?|"
              r"commandeer(?:ed|s|ing)?|dispossess(?:ed|ing)?"),
    ("rob", r"rob(?:bed|s|bing)?|strip(?:ped|ping|s)?"),
    ("recover", r"recover(?:ed|s|ing)?|retriev(?:e|ed|es|ing)|confiscat(?:e|ed|es|ing)|"
                r"impound(?:ed|s|ing)?|intercept(?:ed|s|ing)?|mop(?:ped)?\s+up"),
    ("discover", r"discover(?:ed|s|ing)?|uncover(?:ed|s|ing)?|unearth(?:ed|s|ing)?|found|"
                 r"find(?:s|ing)?"),
)
_VERB = re.compile(
    "|".join(rf"(?P<{name}>\b(?:{src})\b)" for name, src in _VERB_FAMILIES), re.IGNORECASE
)
#: Regular expression source matching any capture verb (the cheap first filter of a table).
VERB_ANY_SOURCE = r"\b(?:" + "|".join(src for _, src in _VERB_FAMILIES) + r"|arrest\w*)\b"
#: Verb families that state forces use for what they take ("recovered", "discovered").
STATE_VERBS = frozenset({"recover", "discover"})
_EXCLUDED = re.compile(
    r"(?:took|take|takes|taking|taken)\s+(?:up\s+arms|place|part|control|over|refuge|position|"
    r"hostages?|captives?|prisoners?|to\b|into\s+custody|out)",
    re.IGNORECASE,
)
_PARTICIPLE = re.compile(r"(?:ed|en|ole|ound|aken|ook|ied)$", re.IGNORECASE)
_AUX_BEFORE = re.compile(
    r"\b(?:was|were|been|being|is|are|be|got|get|gets)\s+(?:(?:not|never|reportedly|also|"
    r"all|then|later|allegedly|subsequently|successfully|eventually|either|possibly|"
    r"partially|all)\s+)*$",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(
    r"\.(?!\d)|[;:!?()\[\]]|\s-\s|,\s*(?:and\s+|then\s+)?(?:killing|wounding|injuring|leaving|which|"
    r"who|according|reportedly|as|while|before|after|when|but|then|setting|burning|"
    r"destroying|abducting|kidnapping)\b|"
    r"\b(?:before|after|while|when|during|but|although|whereas|then|because|since|as\s+they|"
    r"in\s+an?\s+(?:attack|raid|ambush|operation)|according\s+to)\b|"
    r",\s*(?:and\s+)?(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|several|some)\s+"
    r"(?:\w+\s+){0,3}?(?:were|was)\b|"
    r"\band\s+(?:then\s+)?(?:fled|left|withdrew|retreated|escaped|went|returned|headed|"
    r"disappeared|burn\w*|set|destroy\w*|torch\w*|blew|kill\w*|wound\w*|injur\w*|abduct\w*|"
    r"kidnap\w*|execut\w*|attack\w*|ambush\w*|shot|fired|beat|raz\w*|forced|threatened|"
    r"occupied|claimed|said|vandali[sz]ed|sabotaged|displayed|showed|released|defus\w*|"
    r"neutrali[sz]\w*|dismantl\w*|damag\w*|arrest\w*|rescu\w*)\b",
    re.IGNORECASE,
)
_SHARED_OBJECT = re.compile(
    r"\s*(?P<conj>and|or|,)\s+(?:then\s+)?(?:destroy\w*|burn\w*|torch\w*|set\s+ablaze|"
    r"sabotag\w*|dismantl\w*|defus\w*|seiz\w*|recover\w*|loot\w*|confiscat\w*)\s+",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(?:seiz\w*|captur\w*|recover\w*|loot\w*|taken)\s+or\s+(?:destroy\w*|burn\w*)|"
    r"\b(?:destroy\w*|burn\w*)\s+or\s+(?:seiz\w*|captur\w*|recover\w*|loot\w*|taken)|"
    r"\b(?:possibly|probably|may\s+have\s+been|might\s+have\s+been|either)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:not|never|no|n't|without|nor|cannot|fail(?:ed|s|ing)?\s+to|unable\s+to|"
    r"tr(?:ied|y|ies|ying)\s+to|attempt(?:ed|ing|s)?\s+to|s(?:ought|eek|eeking|eeks)\s+to|"
    r"threaten(?:ed|ing|s)?\s+to|plann?(?:ed|ing)\s+to|intend(?:ed|ing)\s+to|"
    r"den(?:ied|y|ies|ying)|attempted|foil(?:ed|ing|s)?|thwart(?:ed|ing|s)?|"
    r"prevent\w*\s+(?:\w+\s+){0,3}from|before\s+(?:\w+\s+){0,3}could|"
    r"could\s+not|(?:was|were)\s+unable)\b",
    re.IGNORECASE,
)
_LOCAL_START = re.compile(r".*(?:[,;:]|\b(?:and|but|while|after|whereas))\s", re.IGNORECASE)
_ARREST = re.compile(
    r"\b(?:arrest(?:ed|ing|s)?|apprehend(?:ed|ing|s)?|detain(?:ed|ing|s)?|caught|nabbed)\b"
    r"(?P<gap>[^.;:]{0,90}?)\b(?P<with>with|in\s+possession\s+of|carrying|along\s+with)\b",
    re.IGNORECASE,
)

_LOSER_CUE = re.compile(
    r"(?:\bfrom|\bbelong(?:ing|s|ed)?\s+to|\babandoned\s+by|\bleft\s+(?:behind\s+)?by|"
    r"\bowned\s+by|\bused\s+by|\bof|\bfor|\bbound\s+for|\bdestined\s+for)\s+"
    r"(?:the\s+|their\s+|its\s+|a\s+|an\s+)?(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
_ALLY_CUE = re.compile(
    r"\b(?:alongside|along\s+with|together\s+with|jointly\s+with|(?:in\s+)?(?:cooperation|"
    r"coordination|collaboration)\s+with|supported\s+by|backed\s+by|assisted\s+by|"
    r"accompanied\s+by|escorted\s+by|joined\s+by|helped\s+by|led\s+by|with\s+support\s+from|"
    r"with\s+the\s+support\s+of)\s+(?:the\s+|a\s+|its\s+|their\s+)?$",
    re.IGNORECASE,
)
_LOSS_VERB = re.compile(
    r"\b(?:abandon\w*|left|leaving|dropp?(?:ed|ing)|lost|los(?:e|ing)|surrender\w*|"
    r"hand(?:ed|ing)\s+over)\b",
    re.IGNORECASE,
)
_THEIR = re.compile(r"\b(?:their|his|its)\s+(?:\w+\s+){0,3}$", re.IGNORECASE)
_RELATIVE = re.compile(r"\b(?:which|that)\s*$", re.IGNORECASE)
_ELLIPSIS = re.compile(
    r"^\s*(?:and\s+|,\s*)?(?:one|another|some|others|the\s+rest|the\s+others?|two|three|four|"
    r"five|\d+)\s*(?:others?\s*)?$",
    re.IGNORECASE,
)
_PASSIVE_STOP = re.compile(
    r"[.;:()\[\]]|\b(?:showing|displaying|show|shows|showed|said|says|claimed|claiming|"
    r"stated|that|which|who|while|whereas|after|before|when|including)\b|"
    r"\b(?:killed|wounded|injured|arrested|destroyed|burned|burnt|neutrali[sz]ed|"
    r"rescued|fled|abducted|detained|damaged|repelled|freed|released|dislodged|dismantled|"
    r"missing|escaped|repulsed|immobili[sz]ed|seized|recovered|looted|confiscated|"
    r"impounded|captured|taken|found|discovered)\b\s*(?:,|and\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Clause:
    """One capture clause of a sentence.

    ``capturer`` and ``loser`` are mention targets (ids or roles, see
    :mod:`sahelmodel.coding._mentions`) or None; ``*_basis`` says what in the text gave them
    (``"agent"``, ``"subject"``, ``"claim"``, ``"casualties"``, ``"attack"`` for the capturer;
    ``"from"``, ``"possessive"``, ``"object"``, ``"casualties"``, ``"attack"``, ``"abandoned"``
    for the loser). ``hedged`` marks "seized or destroyed" and "possibly seized"; ``civilian``
    marks goods said to be civilian: taken from a shop or market, or stolen property
    recovered ("recovering looted vehicles"). ``attacker`` is what a generic role word
    ("the attackers", target ``@attacker``) refers back to: whoever the text last says
    attacked, or None.
    """

    family: str
    voice: str
    items: tuple[Item, ...]
    capturer: str | None
    loser: str | None
    evidence: str
    capturer_text: str = ""
    loser_text: str = ""
    capturer_basis: str = ""
    loser_basis: str = ""
    hedged: bool = False
    sentence: int = 0
    civilian: bool = False
    attacker: str | None = None


# --------------------------------------------------------------------------------------------
# clauses
# --------------------------------------------------------------------------------------------
def _passive_span(sentence: str, verb_start: int) -> int:
    """Start of the list a passive verb at ``verb_start`` has as its subject."""
    lo = max(0, verb_start - 220)
    window = sentence[lo:verb_start]
    last = None
    for m in _PASSIVE_STOP.finditer(window):
        last = m
    return lo + (last.end() if last is not None else 0)


def _loser_in(s: Sentence, lo: int, hi: int, family: str,
              items: list[Item]) -> tuple[Mention | None, str]:
    inside = [m for m in s.mentions if lo <= m.start and m.end <= hi]
    if family == "rob" and inside:
        return inside[0], "object"
    for m in inside:
        if _LOSER_CUE.search(s.text[max(lo, m.start - 40) : m.start]):
            return m, "from"
        if any(0 <= it.start - m.end <= 1 for it in items) and not m.target.startswith("@"):
            return m, "possessive"  # "recovering ISWAP weapons"
        if POSSESSIVE_AFTER.match(s.text, m.end) and any(
                m.end < it.start <= m.end + 40 for it in items):
            return m, "possessive"
    return None, ""


_NO_OBJECT_AFTER = re.compile(
    r"\s*(?:[,.;:)\]]|(?:and|or|by|from|in|at|on|during|near|after|when|while|as|"
    r"according|before|following)\b|$)", re.IGNORECASE)
_CIVILIAN_GOODS = re.compile(
    r"\b(?:shops?|stores?|markets?|warehouses?|dealers?(?:hip)?|showrooms?|garages?|"
    r"businesses|traders?'|merchants?')\b", re.IGNORECASE)
_STOLEN_BEFORE = re.compile(r"\b(?:looted|stolen|hijacked|rustled|snatched|robbed|carjacked)\s+"
                            r"(?:\w+\s+)?\w*$", re.IGNORECASE)
_DESTROYED_AFTER = re.compile(
    r"\s*,?\s*(?:and|before|then)\s+(?:then\s+)?(?:destroy\w*|defus\w*|detonat\w*|"
    r"neutrali[sz]\w*|dismantl\w*|burn\w*|blew\s+up|blow\w*\s+up)\b", re.IGNORECASE)
_ATTRIBUTIVE = re.compile(r"\b(?:the|these|those|such|this|its|their)\s+$", re.IGNORECASE)
_LISTED = re.compile(
    r"\s*,?\s*(?:of|including|comprising|containing|such\s+as|consisting\s+of|made\s+up\s+of|"
    r"with)\b", re.IGNORECASE)


class _Sentences:
    """The sentences of a text, each read (mentions, positions) only when first asked for."""

    def __init__(self, texts: list[str], names: NamesKey) -> None:
        self.texts = texts
        self.names = names
        self._read: dict[int, Sentence] = {}

    def __getitem__(self, k: int) -> Sentence:
        if k not in self._read:
            self._read[k] = parse_sentence(self.texts[k], self.names)
        return self._read[k]

    def before(self, k: int, first: int = 0) -> list[Sentence]:
        """Sentences ``first .. k - 1``, nearest last."""
        return [self[j] for j in range(max(0, first), k)]


def _sentence_clauses(parsed: _Sentences, lex: _ItemPatterns, k: int,
                      containers: frozenset[int]) -> list[Clause]:
    """Capture clauses of one sentence (targets from this sentence only)."""
    text = parsed.texts[k]
    verbs = [(v.start(), v.end(), v.lastgroup or "", v.group()) for v in scan(_VERB, text)
             if not _EXCLUDED.match(text, v.start())]
    for a in _ARREST.finditer(text):
        verbs.append((a.start("with"), a.end("with"), "arrest", a.group("with")))
    if not verbs:
        return []
    items = _items(text, lex)
    if not items:
        return []
    verbs.sort()
    s = parsed[k]
    # "recovered looted vehicles": a participle right after a capture verb describes its object
    verbs = [v for j, v in enumerate(verbs) if not (
        j > 0 and not text[verbs[j - 1][1] : v[0]].strip() and _PARTICIPLE.search(v[3]))]
    found: list[tuple[int, Mention | None, Mention | None]] | None = None
    clauses: list[Clause] = []
    for j, (vs, ve, family, word) in enumerate(verbs):
        next_verb = verbs[j + 1][0] if j + 1 < len(verbs) else len(text)
        before = text[:vs]
        local = _LOCAL_START.sub("", before[-80:])
        if _NEGATION.search(local):
            continue
        m_end = _CLAUSE_END.search(text, ve)
        end = min(m_end.start() if m_end else len(text), ve + 240)
        if family == "carry" and word.lower().endswith(" with"):
            # "fled with gunshot wounds, weapons were recovered": "with" what comes first
            comma = text.find(",", ve)
            if 0 <= comma < end and not any(ve <= it.start < comma for it in items):
                end = comma
        if family != "arrest":
            end = min(end, next_verb)
        shared = _SHARED_OBJECT.match(text, ve)
        hedged = bool(_HEDGE.search(text[max(0, vs - 40) : min(len(text), ve + 30)])
                      or _HEDGE.search(before[-40:]))
        active = [it for it in items if ve <= it.start and it.end <= end]
        shares = False
        if family == "discover" and _DESTROYED_AFTER.match(text, end if active else ve):
            continue  # "found an IED and defused it": found and destroyed, never taken
        if not active and shared is not None and family != "discover":
            # "seized and destroyed ten motorbikes": the object is shared with the next verb
            m2 = _CLAUSE_END.search(text, shared.end())
            end2 = min(m2.start() if m2 else len(text), shared.end() + 240)
            active = [it for it in items if shared.end() <= it.start and it.end <= end2]
            end, shares = (end2, True) if active else (end, False)
        voice = "active"
        objects: list[Item] = []
        span_lo = vs
        if (_ATTRIBUTIVE.search(before) and _PARTICIPLE.search(word.split()[0])
                and active and active[0].start - ve <= 2):
            # "the captured weaponry": a reference back to a capture, not a new one
            voice, objects = "attributive", active[:1]
        elif family == "nominal":
            voice, objects = "nominal", active
        elif family == "arrest":
            voice, objects = "arrest", active
        else:
            aux = bool(_AUX_BEFORE.search(before))
            passive = aux or (
                _PARTICIPLE.search(word.split()[0]) is not None and not shares
                and _NO_OBJECT_AFTER.match(text, ve) is not None
            )
            if passive:
                lo = _passive_span(text, vs)
                rel = _RELATIVE.search(text[:lo])
                if rel is not None and not [it for it in items if lo <= it.start < vs]:
                    lo = _passive_span(text, rel.start())
                    chain = [it for it in items if lo <= it.start and it.end <= rel.start()]
                else:
                    chain = [it for it in items if lo <= it.start and it.end <= vs]
                if not chain and _ELLIPSIS.match(text[lo:vs].rstrip()
                                                 .removesuffix("were").removesuffix("was")):
                    chain = [it for it in items if it.end <= lo][-1:]
                if chain:
                    voice, objects, span_lo = "passive", chain, chain[0].start
                else:
                    continue  # "two militants were captured": no materiel is the subject
            if voice == "active":
                objects = active
        if voice == "attributive":
            objects = active[:1]
        objects = [it for it in objects if not it.negated]
        objects = [it for it in objects if not (
            it.index in containers and any(
                0 <= o.start - it.end <= 60 and _LISTED.match(text, it.end)
                for o in objects if o is not it))]
        if not objects:
            continue
        capturer: Mention | None = None
        cap_basis = ""
        if voice == "passive":
            agent = next((m for m in s.mentions if ve <= m.start < max(end, ve + 40)
                          and AGENT_CUE.search(text[max(ve, m.start - 12) : m.start])), None)
            if agent is not None:
                capturer, cap_basis = agent, "agent"
        elif voice in ("active", "arrest"):
            subj = agent_of(s, vs, word)
            if subj is not None:
                capturer, cap_basis = subj, "subject"
        elif voice == "nominal":
            agent = next((m for m in s.mentions if ve <= m.start < max(end, ve + 40)
                          and AGENT_CUE.search(text[max(ve, m.start - 12) : m.start])), None)
            if agent is not None:
                capturer, cap_basis = agent, "agent"
        if capturer is None:
            author = claimant(s, vs)
            if author is not None:
                capturer, cap_basis = author, "claim"
        loser, los_basis = _loser_in(s, ve if voice != "passive" else span_lo,
                                     max(end, ve), family, objects)
        if loser is None and voice == "passive":
            # "the assailants abandoned weapons, which were recovered": whoever left them
            owner = subject_before(s.mentions, s.is_object, span_lo)
            if owner is not None and _LOSS_VERB.search(
                    text, max(owner.end, objects[0].start - 40), objects[0].end):
                loser, los_basis = owner, "abandoned"
            else:
                owner, _ = _loser_in(s, span_lo, vs, family, objects)
                if owner is not None:
                    loser, los_basis = owner, "from"
        if loser is None and voice == "arrest":
            arrested = next((m for m in s.mentions if m.start < vs and s.is_object[m.start]
                             and (capturer is None or m.start > capturer.start)), None)
            if arrested is not None:
                loser, los_basis = arrested, "object"
        if loser is None and _THEIR.search(text[max(0, objects[0].start - 30):
                                                objects[0].start + 6]):
            victim = next((m for m in reversed(s.mentions) if m.end <= objects[0].start
                           and s.is_object[m.start] and m is not capturer), None)
            if victim is not None:
                loser, los_basis = victim, "possessive"
        if loser is None and (capturer is None or cap_basis == "subject") and voice != "passive":
            if found is None:
                found = attacks(s)
            hit = next((whom for pos, who, whom in reversed(found)
                        if pos < vs and whom is not None and whom is not capturer
                        and (who is capturer or capturer is None)), None)
            if hit is not None and not _ALLY_CUE.search(text[max(0, hit.start - 40):hit.start]):
                loser, los_basis = hit, "object"
        if capturer is None or loser is None:
            victims = casualties(s, span_lo if voice == "passive" else vs)
            if victims is not None:
                if loser is None and (capturer is None or victims.target != capturer.target):
                    loser, los_basis = victims, "casualties"
        if capturer is not None and loser is not None and capturer.target == loser.target:
            loser, los_basis = None, ""
        evidence = text[min(span_lo, vs) : max(end, objects[-1].end)].strip(" ,")
        civilian = bool(_CIVILIAN_GOODS.search(text, max(0, vs - 40), min(len(text), end + 20))
                        ) or any(
            _STOLEN_BEFORE.search(text[max(ve, it.start - 25) : it.start + len(it.text) // 2])
            for it in objects)
        clauses.append(Clause(
            family, voice, tuple(objects),
            capturer.target if capturer else None, loser.target if loser else None, evidence,
            capturer.text if capturer else "", loser.text if loser else "", cap_basis,
            los_basis, hedged, k, civilian,
        ))
    return clauses


def _with_context(clause: Clause, parsed: _Sentences, k: int) -> Clause:
    """Fill a clause's missing sides from earlier sentences: claims, casualties, attacks."""
    cap, los = clause.capturer, clause.loser
    cap_text, los_text = clause.capturer_text, clause.loser_text
    cap_basis, los_basis = clause.capturer_basis, clause.loser_basis
    if cap is None and los is None:
        for prev in reversed(parsed.before(k, k - 2)):
            victims = casualties(prev, len(prev.text))
            if victims is not None:
                los, los_text, los_basis = victims.target, victims.text, "casualties"
                break
    if cap is not None and los is None:
        for prev in reversed(parsed.before(k + 1)):
            hit = next((whom for _, who, whom in reversed(attacks(prev))
                        if who is not None and whom is not None and who.target == cap
                        and whom.target not in (cap, "@civilians")), None)
            if hit is not None:
                los, los_text, los_basis = hit.target, hit.text, "attack"
                break
    if cap is None and los is None:
        for prev in reversed(parsed.before(k + 1)):
            hit = next(((who, whom) for _, who, whom in reversed(attacks(prev))
                        if who is not None and whom is not None), None)
            if hit is not None:
                cap, cap_text, cap_basis = hit[0].target, hit[0].text, "attack"
                los, los_text, los_basis = hit[1].target, hit[1].text, "attack"
                break
    if cap == los:
        los, los_text, los_basis = None, "", ""
    return replace(clause, capturer=cap, loser=los, capturer_text=cap_text, loser_text=los_text,
                   capturer_basis=cap_basis, loser_basis=los_basis)


def _with_attacker(clause: Clause, parsed: _Sentences, k: int, at: int) -> Clause:
    """Record whom a role word ("the attackers") in a clause refers back to."""
    if "@attacker" not in (clause.capturer, clause.loser):
        return clause
    here = attackers(parsed[k], at)
    if here:
        return replace(clause, attacker=here[-1])
    for prev in reversed(parsed.before(k)):
        found = attackers(prev)
        if found:
            return replace(clause, attacker=found[-1])
    return clause


def _resolve_they(clause: Clause, parsed: _Sentences, k: int) -> Clause:
    """A pronoun ("they", "the group") as capturer names the previous sentence's subject."""
    if clause.capturer != "@they":
        return clause
    for prev in reversed(parsed.before(k)):
        if prev.agent is not None and prev.agent.target != "@they":
            return replace(clause, capturer=prev.agent.target, capturer_text=prev.agent.text)
    return replace(clause, capturer=None, capturer_text="", capturer_basis="")


@lru_cache(maxsize=65536)
def parse_clauses(text: str, names: NamesKey, patterns: tuple[str, ...],
                  containers: frozenset[int] = frozenset()) -> tuple[Clause, ...]:
    """Capture clauses of one text: the grammar only, without actor resolution (cached).

    Parameters
    ----------
    text : str
        The text (normalised here).
    names : tuple
        The event's actor names, from :func:`sahelmodel.coding._mentions.event_names`.
    patterns : tuple of str
        Lexicon regular expressions in priority order (an item's ``index`` refers to it).
    containers : frozenset of int
        Indices of container names ("an arsenal", "a cache"), dropped when the clause lists
        their contents ("an arsenal including RPG-7 launchers").

    Examples
    --------
    >>> [c.evidence for c in parse_clauses("Militants seized two rifles.", (), ("rifles?",))]
    ['seized two rifles']
    >>> c, = parse_clauses("Soldiers clashed with militants. Four militants were killed "
    ...                    "and rifles recovered.", (), ("rifles?",))
    >>> c.voice, c.capturer, c.loser, c.loser_basis
    ('passive', None, '@armed', 'casualties')
    """
    lex = _item_patterns(patterns)
    parts = [sentence for _, sentence in sentences(normalise_text(text))]
    parsed = _Sentences(parts, names)
    out: list[Clause] = []
    for k, sentence in enumerate(parts):
        for clause in _sentence_clauses(parsed, lex, k, containers):
            clause = _resolve_they(clause, parsed, k)
            clause = _with_attacker(clause, parsed, k, sentence.find(clause.evidence))
            if clause.capturer is None or clause.loser is None:
                clause = _with_context(clause, parsed, k)
            out.append(clause)
    return tuple(out)

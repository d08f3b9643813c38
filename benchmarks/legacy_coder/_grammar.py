"""The seizure grammar: capture clauses of a text, with the mentions naming capturer and loser.

:func:`parse_clauses` splits a text into sentences and returns its capture clauses: the capture
verb, the materiel items of its object with counts, the mentions (:mod:`sahelmodel._text`) that
name the capturer and the loser, and the words matched. What it codes and why is documented in
:mod:`sahelmodel.captures`. It knows nothing about events or actor ids beyond the names it is
given, so its results can be cached per text.

Generic role words ("the attackers", "the assailants", "the raiders", target ``@attacker``)
refer to whoever attacked. The grammar records, for a clause that uses one, the *antecedent*:
the subject of the last attack verb before the role word in the text ("Soldiers of the Malian
army attacked JNIM positions. The attackers made off with rifles": ``@state:Mali``), or the
agent of a passive attack ("a camp was attacked by Malian soldiers"). "Repelled the attack"
and other uses of *attack* as a noun are not attack verbs, and neither is the symmetric
"clashed with". :mod:`sahelmodel.captures` resolves the role word to the event's initiator when
the event is ``directed`` and to the antecedent otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from benchmarks.legacy_coder._text import (
    COUNT_SOURCE,
    Mention,
    NamesKey,
    all_mentions,
    normalise_text,
    parse_count,
    sentences,
)

__all__ = ["STATE_VERBS", "VERB_ANY_SOURCE", "Clause", "Item", "parse_clauses"]

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
_POSSESSIVE_AFTER = re.compile(r"'(?:s\b|(?=\s))", re.IGNORECASE)
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
    """One lexicon name in a sentence: span, lexicon index, count, negation, words."""

    start: int
    end: int
    index: int
    count: int | None
    negated: bool
    text: str


@dataclass(frozen=True)
class Clause:
    """One capture clause.

    ``capturer`` and ``loser`` are mention targets (ids or roles, see :mod:`sahelmodel._text`);
    ``attacker`` is the antecedent of a generic role word (``@attacker``) used as capturer or
    loser: the target of the subject of the last attack verb before it, or None when the text
    names no attacker before it.
    """

    family: str
    items: tuple[Item, ...]
    capturer: str | None
    loser: str | None
    evidence: str
    capturer_text: str = ""
    loser_text: str = ""
    attacker: str | None = None


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


# --------------------------------------------------------------------------------------------
# who attacked: the antecedent of "the attackers"
# --------------------------------------------------------------------------------------------
ATTACKER_ROLE = "@attacker"
_ATTACK_VERB = re.compile(
    r"\b(?:attack(?:ed|ing|s)?|ambush(?:ed|es|ing)?|raid(?:ed|ing|s)?|storm(?:ed|ing|s)?|"
    r"overr(?:an|un|uns|unning)|assault(?:ed|ing|s)?|target(?:ed|ing)|"
    r"launch(?:ed|es|ing)?\s+(?:an?|their|its|a\s+deadly|a\s+coordinated)\s+(?:\w+\s+){0,2}?"
    r"(?:attack|assault|raid|offensive)|opened\s+fire\s+on)\b",
    re.IGNORECASE,
)
# a word before "attack(s)", "raid(s)", ... that makes it a noun ("repelled the attack")
_NOUN_CUE = re.compile(
    r"\b(?:the|a|an|this|that|these|those|their|its|his|her|another|every|each|of|after|"
    r"during|in|deadly|coordinated|failed|foiled|complex|suicide|jihadist|terrorist|"
    r"militant|armed|new|fresh|first|second|latest|recent|repeated|simultaneous)\s+$",
    re.IGNORECASE,
)
_ATTACK_AUX = re.compile(
    r"\b(?:was|were|been|being|is|are|be|got|came\s+under)\s+(?:(?:reportedly|also|"
    r"allegedly|then|later)\s+)?$",
    re.IGNORECASE,
)


def _attack_subjects(sentence: str, mentions: list[Mention],
                     is_object: dict[int, bool]) -> list[tuple[int, str]]:
    """``(position, target)`` of who attacks in each attack clause of a sentence.

    The subject of an active attack verb ("Soldiers attacked JNIM positions") or the agent of
    a passive one ("a camp was attacked by Malian soldiers"); a generic role word as subject
    ("Assailants attacked the post") names nobody new and is skipped.
    """
    out: list[tuple[int, str]] = []
    for v in _ATTACK_VERB.finditer(sentence):
        before = sentence[max(0, v.start() - 30) : v.start()]
        if _NOUN_CUE.search(before) and not v.group().lower().startswith(("launch", "opened")):
            continue
        if _ATTACK_AUX.search(before):
            who = next((m for m in mentions if v.end() <= m.start <= v.end() + 12
                        and _AGENT_CUE.search(sentence[v.end() : m.start])), None)
        else:
            who = _subject(mentions, is_object, v.start())
        if who is not None and who.target != ATTACKER_ROLE:
            out.append((v.start(), who.target))
    return out


def _last_attacker(sentence: str, names: NamesKey) -> str | None:
    """The attacker a sentence names last (target), or None."""
    if _ATTACK_VERB.search(sentence) is None:
        return None
    mentions = all_mentions(sentence, names)
    attacks = _attack_subjects(sentence, mentions, _object_positions(sentence, mentions))
    return attacks[-1][1] if attacks else None


def _sentence_clauses(sentence: str, names: NamesKey, lex: _ItemPatterns) -> list[Clause]:
    """Capture clauses of one sentence (role words get an antecedent named in the sentence)."""
    verbs = [v for v in _VERB.finditer(sentence) if not _EXCLUDED.match(sentence, v.start())]
    if not verbs:
        return []
    items = _items(sentence, lex)
    if not items:
        return []
    mentions = all_mentions(sentence, names)
    is_object = _object_positions(sentence, mentions)
    attacks: list[tuple[int, str]] | None = None  # computed when a role word needs them
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
        role = next((m for m in (capturer, loser) if m is not None
                     and m.target == ATTACKER_ROLE), None)
        antecedent = None
        if role is not None:
            if attacks is None:
                attacks = _attack_subjects(sentence, mentions, is_object)
            antecedent = next((t for pos, t in reversed(attacks) if pos < role.start), None)
        clauses.append(Clause(family, tuple(objects),
                              capturer.target if capturer else None,
                              loser.target if loser else None, evidence,
                              capturer.text if capturer else "", loser.text if loser else "",
                              antecedent))
    return clauses


@lru_cache(maxsize=65536)
def parse_clauses(text: str, names: NamesKey, patterns: tuple[str, ...]) -> tuple[Clause, ...]:
    """Capture clauses of one text: the grammar only, without actor resolution (cached).

    Parameters
    ----------
    text : str
        The text (normalised here).
    names : tuple
        The event's actor names, from :func:`sahelmodel._text.event_names`.
    patterns : tuple of str
        Lexicon regular expressions in priority order (an item's ``index`` refers to it).

    Examples
    --------
    >>> [c.evidence for c in parse_clauses("Militants seized two rifles.", (), ("rifles?",))]
    ['seized two rifles']
    >>> c, = parse_clauses("Soldiers raided a camp. The raiders took rifles.", (), ("rifles?",))
    >>> c.capturer, c.attacker
    ('@attacker', '@state')
    """
    lex = _item_patterns(patterns)
    out: list[Clause] = []
    parts = [sentence for _, sentence in sentences(normalise_text(text))]
    for k, sentence in enumerate(parts):
        for clause in _sentence_clauses(sentence, names, lex):
            if clause.attacker is None and ATTACKER_ROLE in (clause.capturer, clause.loser):
                # "Soldiers attacked JNIM positions. The attackers made off with rifles."
                earlier = (_last_attacker(prev, names) for prev in reversed(parts[:k]))
                clause = replace(clause, attacker=next((a for a in earlier if a), None))
            out.append(clause)
    return tuple(out)


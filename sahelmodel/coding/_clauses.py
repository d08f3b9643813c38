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
from dataclasses import dataclass, replace
from functools import lru_cache

from sahelmodel.coding._mentions import Mention, NamesKey, all_mentions
from sahelmodel.coding._text import COUNT_SOURCE, normalise_text, parse_count, sentences

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
    for m in lex.items.finditer(sentence):
        if m.lastgroup == "no":
            continue
        index = int(m.lastgroup[1:])  # type: ignore[index]
        lo = max(previous_end, m.start() - 80)
        pre = lex.prefix.search(sentence, lo, m.start())
        start = pre.start() if pre and pre.end() == m.start() else m.start()
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

# --------------------------------------------------------------------------------------------
# positions of mentions: subject or object
# --------------------------------------------------------------------------------------------
_SKIP_WORDS = frozenset(
    "the a an its their his her some several many all one two three four five six seven eight "
    "nine ten eleven twelve fifteen twenty dozens hundreds local rival nearby other another "
    "fellow unarmed few presumed suspected female male young single lone only "
    "alleged unidentified unknown heavily armed about around over least more than scores "
    "dozen".split()
)
_OBJECT_CUES = frozenset(
    "of from against on at near with by to for into in between among upon toward towards "
    "outside inside around during over targeting attacking raiding ambushing overrunning "
    "hit struck overran overrun beat engaged engaging repelled repulsed and or be as "
    "including".split()
)
_SUBJECT_ED_WORDS = frozenset({"armed", "suspected", "alleged", "presumed", "unidentified",
                               "affiliated", "linked", "led", "backed", "based", "aligned"})
_WORD = re.compile(r"[A-Za-z0-9'/-]+|[,;:()]")


_NUMBER = re.compile(
    r"\d[\d,.]*|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|hundred)(?:-\w+)?")
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_QUANTIFIER_OF = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|some|several|many|most|all|"
    r"none|dozens|scores|hundreds|number|rest|remainder|members)\s+of\s+(?:the\s+)?$",
    re.IGNORECASE)


def _previous_word(sentence: str, start: int) -> str:
    """The first word before ``start`` that is not a determiner, number, name or adjective."""
    window = _BRACKETS.sub(" ", sentence[max(0, start - 120) : start])
    window = _QUANTIFIER_OF.sub(" ", window)  # "four of the assailants" is "the assailants"
    window = re.sub(r"\b(?:at\s+least|more\s+than|up\s+to|as\s+many\s+as)\b", " ", window,
                    flags=re.IGNORECASE)
    for word in reversed(_WORD.findall(window)):
        low = word.lower().strip("'")
        if low in _SKIP_WORDS or _NUMBER.fullmatch(low) or not low or low in "()":
            continue
        if word[0].isupper() and word.lower() not in ("on", "in", "around", "between"):
            continue  # part of a proper name ("two Dana Ambassagou militiamen")
        return low
    return ""


_PLACE_HEAD = re.compile(
    r"\b(?:positions?|bases?|camps?|posts?|outposts?|barracks|checkpoints?|stations?|"
    r"hideouts?|detachments?|garrisons?|headquarters|strongholds?)$", re.IGNORECASE)
_APPOSITION_GAP = re.compile(r"[\s(),'\-]*(?:\(\s*)?", re.IGNORECASE)
_POSSESSIVE_AFTER = re.compile(r"'(?:s\b|(?=\s))", re.IGNORECASE)


def _object_positions(sentence: str, mentions: list[Mention]) -> dict[int, bool]:
    """Whether each mention (by start) is in object position rather than subject position.

    A mention is an object when the word before its noun phrase (skipping determiners,
    numbers, adjectives and the words of a proper name) is a preposition, a conjunction that
    joins it to an earlier object, or a verb; a mention that only follows another one after
    brackets or commas ("Al-Qaeda affiliated (JNIM) militants") is in apposition and takes the
    position of the first.
    """
    out: dict[int, bool] = {}
    previous: Mention | None = None
    for m in mentions:
        head = sentence[: m.start]
        if head.count("(") > head.count(")") or head.count("[") > head.count("]"):
            # "killed 8 'terrorists' (suspected to be JNIM)": a bracket qualifies what precedes
            # and is never the subject of a verb outside it
            out[m.start] = True
        elif _PLACE_HEAD.search(m.text):
            out[m.start] = True  # "a military position", "a Boko Haram camp" do not act
        elif previous is not None and _APPOSITION_GAP.fullmatch(
                sentence[previous.end : m.start]):
            out[m.start] = out[previous.start]
        else:
            word = _previous_word(sentence, m.start)
            if word in ("and", "or") and previous is not None and m.start - previous.end <= 40:
                # "A and B clashed": B is a subject as A; "killed A and B": an object as A
                out[m.start] = out[previous.start]
            elif word in ("and", "or"):
                # "abducted between 5 and 13 people": what stands before the conjunction decides
                conj = sentence.lower().rfind(f" {word} ", 0, m.start)
                before = _previous_word(sentence, conj) if conj > 0 else ""
                out[m.start] = before in _OBJECT_CUES or (
                    before.endswith(("ed", "ing")) and before not in _SUBJECT_ED_WORDS)
            else:
                out[m.start] = (
                    word in _OBJECT_CUES
                    or (word.endswith(("ed", "ing")) and word not in _SUBJECT_ED_WORDS)
                    or word in ("killed", "overran", "shot", "hit", "beat", "struck", "fought")
                    or bool(_POSSESSIVE_AFTER.match(sentence, m.end))
                )
        previous = m
    return out


def _subject(mentions: list[Mention], is_object: dict[int, bool], before: int,
             after: int = 0) -> Mention | None:
    """The nearest mention in subject position in ``[after, before)``."""
    for m in reversed(mentions):
        if after <= m.start and m.end <= before and not is_object[m.start]:
            return m
    return None


# --------------------------------------------------------------------------------------------
# sentence context: attacks, claims and casualties
# --------------------------------------------------------------------------------------------
_ATTACK_VERB = re.compile(
    r"\b(?:attack(?:ed|ing|s)?|ambush(?:ed|es|ing)?|raid(?:ed|ing|s)?|storm(?:ed|ing|s)?|"
    r"kill(?:ed|ing)|abduct(?:ed|ing)|kidnapp?(?:ed|ing)|arrest(?:ed|ing)|detain(?:ed|ing)|"
    r"intercept(?:ed|ing)|stopp(?:ed|ing)|overpower(?:ed|ing)|disarm(?:ed|ing)|"
    r"overr(?:an|un|uns|unning)|assault(?:ed|ing|s)?|target(?:ed|ing)|invad(?:ed|ing)|"
    r"launch(?:ed|es|ing)?\s+(?:an?\s+|their\s+|its\s+)?(?:\w+\s+){0,2}?"
    r"(?:attack|assault|raid|offensive)\s+(?:on|against)|opened\s+fire\s+(?:on|at)|"
    r"engag(?:ed|ing)|clash(?:ed|ing)\s+with|fought)\b",
    re.IGNORECASE,
)
_NOUN_CUE = re.compile(
    r"\b(?:the|a|an|this|that|these|those|their|its|his|her|another|every|each|of|after|"
    r"during|in|deadly|coordinated|failed|foiled|complex|suicide|jihadist|terrorist|"
    r"militant|armed|new|fresh|first|second|latest|recent|repeated|simultaneous|claimed)\s+$",
    re.IGNORECASE,
)
_PASSIVE_AUX = re.compile(
    r"\b(?:was|were|been|being|is|are|be|got|came\s+under)\s+(?:(?:reportedly|also|"
    r"allegedly|then|later)\s+)?$",
    re.IGNORECASE,
)
_CLAIM = re.compile(
    r"\b(?:claim(?:ed|s|ing)?|said|says|say|stated|states|announced|announces|reported|"
    r"reports?|asserted|boasted|"
    r"show(?:ed|ing|s)|display(?:ed|ing|s)|publish(?:ed|ing)|releas(?:ed|ing)\s+(?:a\s+)?"
    r"(?:video|photos?|images?|pictures?|photoset))\b",
    re.IGNORECASE,
)
_NOT_CLAIMANT = re.compile(
    r"\b(?:were|was|deaths?|casualties|injuries|killed|fatalities|dead)\b", re.IGNORECASE)
_ACCORDING = re.compile(
    r"\baccording\s+to\s+(?:an?\s+|the\s+)?(?P<who>[^,.;]{0,60})", re.IGNORECASE
)
_OFFICIAL = re.compile(
    r"\b(?:government|official|army|military|defen[cs]e|ministry|authorit|police|"
    r"headquarters|spokesm|commissioner|governor|state|communiqu|fama|fds)",
    re.IGNORECASE,
)
_CASUALTY_AFTER = re.compile(
    r"^[^.;:]{0,40}?\b(?:(?:(?P<aux>were|was|had\s+been|have\s+been)\s+)?(?:reportedly\s+|"
    r"also\s+|all\s+)?(?:killed|neutrali[sz]ed|arrested|captured|wounded|injured|fled|"
    r"detained|routed|repelled|repulsed|dislodged|immobili[sz]ed|surrendered|"
    r"taken\s+prisoners?|(?:gone|went)\s+missing|dead)|(?P<noun>deaths?|casualties|"
    r"fatalities|dead|killed\s+in\s+action))\b",
    re.IGNORECASE,
)
_NO_OBJECT = re.compile(
    r"\s*(?:[,.;:)\]]|(?:and|in|at|on|during|while|when|after|before|by|with|near|as|"
    r"following|according|across)\b|$)", re.IGNORECASE)
_CASUALTY_BEFORE = re.compile(
    r"\b(?:kill(?:ed|ing)|neutrali[sz](?:ed|ing)|arrest(?:ed|ing)|captur(?:ed|ing)|"
    r"wound(?:ed|ing)|injur(?:ed|ing)|repell?(?:ed|ing)|rout(?:ed|ing)|dislodg(?:ed|ing)|"
    r"overpower(?:ed|ing))\s+(?:(?:\d+|the|a|an|some|several|many|scores|dozens|of|at|least|"
    r"over|about|around|more|than|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"[a-z]+-[a-z]+|suspected|presumed|alleged|'?several'?|female|male|armed)\s+){0,4}$",
    re.IGNORECASE,
)
_VERBISH = re.compile(
    r"\b(?:\w+ed|\w+ing|were|was|had|has|have|are|is|ambush\w*|attack\w*|clash\w*|kill\w*|"
    r"fought|overran|shot|hit|struck|took|seiz\w*)\b", re.IGNORECASE)
_BY_BEFORE = re.compile(r"\bby\s+(?:the\s+|a\s+|an\s+)?(?:\w+\s+){0,2}$", re.IGNORECASE)
_LOSER_CUE = re.compile(
    r"(?:\bfrom|\bbelong(?:ing|s|ed)?\s+to|\babandoned\s+by|\bleft\s+(?:behind\s+)?by|"
    r"\bowned\s+by|\bused\s+by|\bof|\bfor|\bbound\s+for|\bdestined\s+for)\s+"
    r"(?:the\s+|their\s+|its\s+|a\s+|an\s+)?(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
_AGENT_CUE = re.compile(r"\bby\s+(?:the\s+|a\s+|an\s+)?(?:\w+\s+){0,2}$", re.IGNORECASE)
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
    recovered ("recovering looted vehicles").
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


@dataclass
class _Sentence:
    """One sentence with its mentions and what the grammar reads around them."""

    text: str
    mentions: list[Mention]
    is_object: dict[int, bool]
    agent: Mention | None  # the first subject of an active verb: what "they" next refers to


def _attacks(s: _Sentence) -> list[tuple[int, Mention | None, Mention | None]]:
    """``(position, attacker, attacked)`` of each attack clause of a sentence."""
    out = []
    for v in _ATTACK_VERB.finditer(s.text):
        before = s.text[max(0, v.start() - 30) : v.start()]
        word = v.group().lower()
        if _NOUN_CUE.search(before) and not word.startswith(("launch", "opened")):
            continue
        if _PASSIVE_AUX.search(before):
            who = next((m for m in s.mentions if v.end() <= m.start <= v.end() + 15
                        and _AGENT_CUE.search(s.text[v.end() : m.start])), None)
            whom = _subject(s.mentions, s.is_object, v.start())
        else:
            who = _subject(s.mentions, s.is_object, v.start())
            whom = next((m for m in s.mentions if v.end() <= m.start < v.end() + 60), None)
            if word.startswith(("clash", "fought", "engag")) and whom is not None and (
                    "with" in s.text[v.end() : whom.start].lower() or word.startswith("clash")):
                whom = whom if who is not None else None
        out.append((v.start(), who, whom))
    return out


def _claimant(s: _Sentence, before: int) -> Mention | None:
    """The party whose claim or statement covers a seizure at ``before`` in the sentence."""
    claim = None
    for c in _CLAIM.finditer(s.text, 0, before):
        claim = c
    if claim is not None:
        who = _subject(s.mentions, s.is_object, claim.start())
        if (who is not None and who.target != "@civilians"
                and claim.start() - who.end <= 80
                and not _NOT_CLAIMANT.search(s.text[who.end : claim.start()])):
            return who
    for acc in _ACCORDING.finditer(s.text):
        words = acc.group("who")
        inside = [m for m in s.mentions if acc.start("who") <= m.start < acc.end("who")]
        if inside and inside[0].target != "@civilians":
            return inside[0]
        if _OFFICIAL.search(words):
            return Mention(acc.start("who"), acc.end("who"), "@state", words)
    return None


def _casualties(s: _Sentence, before: int) -> Mention | None:
    """The last party named as killed, arrested or routed before ``before`` in the sentence.

    None when the last casualties listed are of both sides ("200 militiamen and two security
    operatives were killed").
    """
    found: list[Mention] = []
    for m in s.mentions:
        if m.end > before or m.target in ("@civilians", "@they"):
            continue
        after = s.text[m.end : before]
        ahead = s.text[max(0, m.start - 60) : m.start]
        hit = _CASUALTY_AFTER.match(after)
        if hit is not None and not s.is_object[m.start] and (
                hit.group("aux") or hit.group("noun")
                or _NO_OBJECT.match(after, hit.end()) is not None):
            found.append(m)  # "militants were killed", "militants killed," (not "X killed Y")
        elif (s.is_object[m.start] and _CASUALTY_BEFORE.search(ahead)
              and not _BY_BEFORE.search(ahead)):
            found.append(m)
    if not found:
        return None
    last = found[-1]
    rival = next((m for m in reversed(s.mentions) if m.end <= last.start
                  and last.start - m.end <= 80 and m.target != last.target
                  and m.target not in ("@civilians", "@they")
                  and not _VERBISH.search(s.text[m.end : last.start])), None)
    return None if rival is not None else last


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


def _loser_in(s: _Sentence, lo: int, hi: int, family: str,
              items: list[Item]) -> tuple[Mention | None, str]:
    inside = [m for m in s.mentions if lo <= m.start and m.end <= hi]
    if family == "rob" and inside:
        return inside[0], "object"
    for m in inside:
        if _LOSER_CUE.search(s.text[max(lo, m.start - 40) : m.start]):
            return m, "from"
        if any(0 <= it.start - m.end <= 1 for it in items) and not m.target.startswith("@"):
            return m, "possessive"  # "recovering ISWAP weapons"
        if _POSSESSIVE_AFTER.match(s.text, m.end) and any(
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
_ATTRIBUTIVE = re.compile(r"\b(?:the|these|those|such|this|its|their)\s+$", re.IGNORECASE)
_LISTED = re.compile(
    r"\s*,?\s*(?:of|including|comprising|containing|such\s+as|consisting\s+of|made\s+up\s+of|"
    r"with)\b", re.IGNORECASE)


_PASSIVE_NEXT = re.compile(r"\s*(?:(?:were|was|had\s+been|have\s+been|are|is)\b|"
                           r"(?:\w+\s+){0,2}(?:killed|wounded|injured|captured|arrested)\b)",
                           re.IGNORECASE)
_SUBORDINATE = re.compile(
    r"\b(?:after|as|when|while|before|because|since|until|following|once|where|whereas|"
    r"who|which|that)\s+(?:\w+\s+){0,3}$", re.IGNORECASE)
_ADVERBS = re.compile(r"^\s*(?:(?:also|then|later|reportedly|allegedly|eventually|"
                      r"successfully|subsequently)\s+)*$", re.IGNORECASE)


def _agent_of(s: _Sentence, vs: int, word: str) -> Mention | None:
    """The subject of an active capture verb at ``vs``.

    A mention right before the verb is its subject ("with troops also recovering weapons");
    a participle phrase (", killing five and seizing rifles") belongs to the main clause, whose
    subject is the first subject of the sentence outside subordinate clauses; otherwise the
    nearest mention in subject position.
    """
    near = next((m for m in reversed(s.mentions) if m.end <= vs), None)
    if near is not None and _ADVERBS.match(s.text[near.end : vs]) and not _PLACE_HEAD.search(
            near.text) and s.text[:near.start].count("(") <= s.text[:near.start].count(")"):
        return near
    if word.lower().endswith("ing"):
        main = next((m for m in s.mentions if m.end <= vs and not s.is_object[m.start]
                     and not _SUBORDINATE.search(s.text[max(0, m.start - 40) : m.start])), None)
        if main is not None:
            return main
    return _subject(s.mentions, s.is_object, vs)


def _sentence_clauses(s: _Sentence, lex: _ItemPatterns, k: int,
                      containers: frozenset[int]) -> list[Clause]:
    """Capture clauses of one sentence (targets from this sentence only)."""
    text = s.text
    verbs = [(v.start(), v.end(), v.lastgroup or "", v.group()) for v in _VERB.finditer(text)
             if not _EXCLUDED.match(text, v.start())]
    for a in _ARREST.finditer(text):
        verbs.append((a.start("with"), a.end("with"), "arrest", a.group("with")))
    if not verbs:
        return []
    items = _items(text, lex)
    if not items:
        return []
    verbs.sort()
    attacks: list[tuple[int, Mention | None, Mention | None]] | None = None
    clauses: list[Clause] = []
    for j, (vs, ve, family, word) in enumerate(verbs):
        next_verb = verbs[j + 1][0] if j + 1 < len(verbs) else len(text)
        before = text[:vs]
        local = _LOCAL_START.sub("", before[-80:])
        if _NEGATION.search(local):
            continue
        m_end = _CLAUSE_END.search(text, ve)
        end = min(m_end.start() if m_end else len(text), ve + 240)
        if family == "carry":
            comma = text.find(",", ve)
            end = min(end, comma if comma >= 0 else end)
        if family != "arrest":
            end = min(end, next_verb)
        shared = _SHARED_OBJECT.match(text, ve)
        hedged = bool(_HEDGE.search(text[max(0, vs - 40) : min(len(text), ve + 30)])
                      or _HEDGE.search(before[-40:]))
        active = [it for it in items if ve <= it.start and it.end <= end]
        shares = False
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
                          and _AGENT_CUE.search(text[max(ve, m.start - 12) : m.start])), None)
            if agent is not None:
                capturer, cap_basis = agent, "agent"
        elif voice in ("active", "arrest"):
            subj = _agent_of(s, vs, word)
            if subj is not None:
                capturer, cap_basis = subj, "subject"
        elif voice == "nominal":
            agent = next((m for m in s.mentions if ve <= m.start < max(end, ve + 40)
                          and _AGENT_CUE.search(text[max(ve, m.start - 12) : m.start])), None)
            if agent is not None:
                capturer, cap_basis = agent, "agent"
        if capturer is None:
            claimant = _claimant(s, vs)
            if claimant is not None:
                capturer, cap_basis = claimant, "claim"
        loser, los_basis = _loser_in(s, ve if voice != "passive" else span_lo,
                                     max(end, ve), family, objects)
        if loser is None and voice == "passive":
            # "the assailants abandoned weapons, which were recovered": whoever left them
            owner = _subject(s.mentions, s.is_object, span_lo)
            if owner is not None and _LOSS_VERB.search(
                    text, max(owner.end, objects[0].start - 40), objects[0].start + 1):
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
            if attacks is None:
                attacks = _attacks(s)
            hit = next((whom for pos, who, whom in reversed(attacks)
                        if pos < vs and whom is not None and whom is not capturer
                        and (who is capturer or capturer is None)), None)
            if hit is not None and not _ALLY_CUE.search(text[max(0, hit.start - 40):hit.start]):
                loser, los_basis = hit, "object"
        if capturer is None or loser is None:
            victims = _casualties(s, span_lo if voice == "passive" else vs)
            if victims is not None:
                if loser is None and (capturer is None or victims.target != capturer.target):
                    loser, los_basis = victims, "casualties"
        if capturer is not None and loser is not None and capturer.target == loser.target:
            loser, los_basis = None, ""
        evidence = text[min(span_lo, vs) : max(end, objects[-1].end)].strip(" ,")
        civilian = bool(_CIVILIAN_GOODS.search(text, max(0, vs - 40), min(len(text), end + 20))
                        ) or any(
            _STOLEN_BEFORE.search(text[max(0, it.start - 25) : it.start + len(it.text) // 2])
            for it in objects)
        clauses.append(Clause(
            family, voice, tuple(objects),
            capturer.target if capturer else None, loser.target if loser else None, evidence,
            capturer.text if capturer else "", loser.text if loser else "", cap_basis,
            los_basis, hedged, k, civilian,
        ))
    return clauses


def _with_context(clause: Clause, parsed: list[_Sentence], k: int) -> Clause:
    """Fill a clause's missing sides from earlier sentences: claims, casualties, attacks."""
    cap, los = clause.capturer, clause.loser
    cap_text, los_text = clause.capturer_text, clause.loser_text
    cap_basis, los_basis = clause.capturer_basis, clause.loser_basis
    if cap is None and los is None:
        for prev in reversed(parsed[max(0, k - 2) : k]):
            victims = _casualties(prev, len(prev.text))
            if victims is not None:
                los, los_text, los_basis = victims.target, victims.text, "casualties"
                break
    if cap is not None and los is None:
        for prev in reversed(parsed[: k + 1]):
            hit = next((whom for _, who, whom in reversed(_attacks(prev))
                        if who is not None and whom is not None and who.target == cap
                        and whom.target != cap), None)
            if hit is not None:
                los, los_text, los_basis = hit.target, hit.text, "attack"
                break
    if cap is None and los is None:
        for prev in reversed(parsed[: k + 1]):
            hit = next(((who, whom) for _, who, whom in reversed(_attacks(prev))
                        if who is not None and whom is not None), None)
            if hit is not None:
                cap, cap_text, cap_basis = hit[0].target, hit[0].text, "attack"
                los, los_text, los_basis = hit[1].target, hit[1].text, "attack"
                break
    if cap == los:
        los, los_text, los_basis = None, "", ""
    return replace(clause, capturer=cap, loser=los, capturer_text=cap_text, loser_text=los_text,
                   capturer_basis=cap_basis, loser_basis=los_basis)


def _resolve_they(clause: Clause, parsed: list[_Sentence], k: int) -> Clause:
    """A pronoun ("they", "the group") as capturer names the previous sentence's subject."""
    if clause.capturer != "@they":
        return clause
    for prev in reversed(parsed[:k]):
        if prev.agent is not None and prev.agent.target != "@they":
            return replace(clause, capturer=prev.agent.target, capturer_text=prev.agent.text)
    return replace(clause, capturer=None, capturer_text="", capturer_basis="")


def _parse_sentence(text: str, names: NamesKey) -> _Sentence:
    mentions = all_mentions(text, names)
    is_object = _object_positions(text, mentions)
    agent = next((m for m in mentions if not is_object[m.start]
                  and not _PASSIVE_NEXT.match(text, m.end)), None)
    return _Sentence(text, mentions, is_object, agent)


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
    parsed: list[_Sentence] = []
    out: list[Clause] = []
    for k, sentence in enumerate(parts):
        parsed.append(_parse_sentence(sentence, names))
        for clause in _sentence_clauses(parsed[k], lex, k, containers):
            clause = _resolve_they(clause, parsed, k)
            if clause.capturer is None or clause.loser is None:
                clause = _with_context(clause, parsed, k)
            out.append(clause)
    return tuple(out)

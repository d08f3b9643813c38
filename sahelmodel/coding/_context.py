"""Who does what in a sentence of event notes: subjects, objects, attacks, claims, casualties.

The seizure grammar (:mod:`sahelmodel.coding._clauses`) asks a sentence who acted and who was
acted upon. This module answers from the actor mentions (:mod:`sahelmodel.coding._mentions`)
and the words around them, without a parser:

* **position**: a mention is an *object* when the word before its noun phrase (skipping
  determiners, numbers, adjectives, the words of a proper name and bracketed asides) is a
  preposition or a verb ("attacked JNIM positions", "killed two Dana Ambassagou militiamen"),
  and a *subject* otherwise; a bracketed name ("'terrorists' (suspected to be JNIM)") and a
  place ("a military position") never act;
* **agents**: the subject of an active verb is the mention right before it ("with troops also
  recovering weapons"), else, for a participle phrase (", killing five and seizing rifles"),
  the first subject of the main clause, else the nearest subject before it;
* **attacks**: who attacked, ambushed, killed or arrested whom;
* **claims**: who claims or reports what follows ("JNIM claimed ... showing weapons seized",
  "according to a government statement");
* **casualties**: the last party named as killed, arrested or routed ("19 militants were
  killed"), or nobody when the casualties listed are of both sides.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache

from sahelmodel.coding._mentions import Mention, NamesKey, all_mentions

__all__ = ["AGENT_CUE", "CLAIM", "PLACE_HEAD", "POSSESSIVE_AFTER", "Sentence", "agent_of",
           "attackers", "attacks", "casualties", "claimant", "parse_sentence", "subject_before"]

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


_PHRASES = re.compile(r"\b(?:at\s+least|more\s+than|up\s+to|as\s+many\s+as)\b", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _tokens(sentence: str) -> tuple[list[int], list[str], list[tuple[int, int]], list[int]]:
    """Word starts and words of a sentence, its bracket groups and its skipped phrases."""
    starts, words = [], []
    for m in _WORD.finditer(sentence):
        starts.append(m.start())
        words.append(m.group())
    brackets = [(b.start(), b.end()) for b in _BRACKETS.finditer(sentence)]
    skipped = [w.start() for p in _PHRASES.finditer(sentence)
               for w in _WORD.finditer(sentence, p.start(), p.end())]
    return starts, words, brackets, skipped


def _previous_word(sentence: str, start: int) -> str:
    """The first word before ``start`` that is not a determiner, number, name or adjective.

    Bracketed asides that close before ``start``, "at least"-type phrases, and a partitive
    right before it ("four of the assailants") are skipped.
    """
    starts, words, brackets, skipped = _tokens(sentence)
    limit = start
    partitive = _QUANTIFIER_OF.search(sentence, max(0, start - 60), start)
    if partitive is not None:
        limit = partitive.start()
    closed = [(a, b) for a, b in brackets if b <= start]
    for i in range(bisect_left(starts, limit) - 1, -1, -1):
        pos, word = starts[i], words[i]
        if pos + len(word) > limit or pos < start - 160:
            if pos < start - 160:
                break
            continue
        if pos in skipped or any(a <= pos < b for a, b in closed):
            continue
        low = word.lower().strip("'")
        if low in _SKIP_WORDS or _NUMBER.fullmatch(low) or not low or low in "()":
            continue
        if word[0].isupper() and low not in ("on", "in", "around", "between"):
            continue  # part of a proper name ("two Dana Ambassagou militiamen")
        return low
    return ""


PLACE_HEAD = re.compile(
    r"\b(?:positions?|bases?|camps?|posts?|outposts?|barracks|checkpoints?|stations?|"
    r"hideouts?|detachments?|garrisons?|headquarters|strongholds?)$", re.IGNORECASE)
_APPOSITION_GAP = re.compile(r"[\s(),'\-]*(?:\(\s*)?", re.IGNORECASE)
POSSESSIVE_AFTER = re.compile(r"'(?:s\b|(?=\s))", re.IGNORECASE)


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
        elif PLACE_HEAD.search(m.text):
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
                    or bool(POSSESSIVE_AFTER.match(sentence, m.end))
                )
        previous = m
    return out


def subject_before(mentions: list[Mention], is_object: dict[int, bool], before: int,
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
CLAIM = re.compile(
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
AGENT_CUE = re.compile(r"\bby\s+(?:the\s+|a\s+|an\s+)?(?:\w+\s+){0,2}$", re.IGNORECASE)

@dataclass
class Sentence:
    """One sentence with its mentions and what the grammar reads around them."""

    text: str
    mentions: list[Mention]
    is_object: dict[int, bool]
    agent: Mention | None  # the first subject of an active verb: what "they" next refers to
    found: list[tuple[int, Mention | None, Mention | None]] | None = field(
        default=None, repr=False)  # attacks(), computed once


def attacks(s: Sentence) -> list[tuple[int, Mention | None, Mention | None]]:
    """``(position, attacker, attacked)`` of each attack clause of a sentence."""
    if s.found is not None:
        return s.found
    out = []
    for v in _ATTACK_VERB.finditer(s.text):
        before = s.text[max(0, v.start() - 30) : v.start()]
        word = v.group().lower()
        if _NOUN_CUE.search(before) and not word.startswith(("launch", "opened")):
            continue
        if _PASSIVE_AUX.search(before):
            who = next((m for m in s.mentions if v.end() <= m.start <= v.end() + 15
                        and AGENT_CUE.search(s.text[v.end() : m.start])), None)
            whom = subject_before(s.mentions, s.is_object, v.start())
        else:
            who = subject_before(s.mentions, s.is_object, v.start())
            whom = next((m for m in s.mentions if v.end() <= m.start < v.end() + 60), None)
            if word.startswith(("clash", "fought", "engag")) and whom is not None and (
                    "with" in s.text[v.end() : whom.start].lower() or word.startswith("clash")):
                whom = whom if who is not None else None
        out.append((v.start(), who, whom))
    s.found = out
    return out


_NOT_ATTACK = ("kill", "abduct", "kidnap", "arrest", "detain", "intercept", "stop", "overpower",
               "disarm", "clash", "fought", "engag")


def attackers(s: Sentence, before: int | None = None) -> list[str]:
    """Targets of who attacked (attack, ambush, raid, storm, overrun) in a sentence, in order.

    What "the attackers" refers back to: killing, arresting or clashing is not attacking, and
    "repelled the attack" names the defender.
    """
    out = []
    for pos, who, _ in attacks(s):
        if before is not None and pos >= before:
            break
        word = s.text[pos : pos + 12].lower()
        if who is not None and who.target != "@attacker" and not word.startswith(_NOT_ATTACK):
            out.append(who.target)
    return out


def claimant(s: Sentence, before: int) -> Mention | None:
    """The party whose claim or statement covers a seizure at ``before`` in the sentence."""
    claim = None
    for c in CLAIM.finditer(s.text, 0, before):
        claim = c
    if claim is not None:
        who = subject_before(s.mentions, s.is_object, claim.start())
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


def casualties(s: Sentence, before: int) -> Mention | None:
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
              and not AGENT_CUE.search(ahead)):
            found.append(m)
    if not found:
        return None
    last = found[-1]
    rival = next((m for m in reversed(s.mentions) if m.end <= last.start
                  and last.start - m.end <= 80 and m.target != last.target
                  and not s.is_object[m.start]
                  and m.target not in ("@civilians", "@they")
                  and not _VERBISH.search(s.text[m.end : last.start])), None)
    return None if rival is not None else last



_PASSIVE_NEXT = re.compile(r"\s*(?:(?:were|was|had\s+been|have\s+been|are|is)\b|"
                           r"(?:\w+\s+){0,2}(?:killed|wounded|injured|captured|arrested)\b)",
                           re.IGNORECASE)
_SUBORDINATE = re.compile(
    r"\b(?:after|as|when|while|before|because|since|until|following|once|where|whereas|"
    r"who|which|that)\s+(?:\w+\s+){0,3}$", re.IGNORECASE)
_ADVERBS = re.compile(r"^\s*(?:(?:also|then|later|reportedly|allegedly|eventually|"
                      r"successfully|subsequently)\s+)*$", re.IGNORECASE)


def agent_of(s: Sentence, vs: int, word: str) -> Mention | None:
    """The subject of an active capture verb at ``vs``.

    A mention right before the verb is its subject ("with troops also recovering weapons");
    a participle phrase (", killing five and seizing rifles") belongs to the main clause, whose
    subject is the first subject of the sentence outside subordinate clauses; otherwise the
    nearest mention in subject position.
    """
    near = next((m for m in reversed(s.mentions) if m.end <= vs), None)
    if near is not None and _ADVERBS.match(s.text[near.end : vs]) and not PLACE_HEAD.search(
            near.text) and s.text[:near.start].count("(") <= s.text[:near.start].count(")"):
        return near
    if word.lower().endswith("ing"):
        main = next((m for m in s.mentions if m.end <= vs and not s.is_object[m.start]
                     and not _SUBORDINATE.search(s.text[max(0, m.start - 40) : m.start])), None)
        if main is not None:
            return main
    return subject_before(s.mentions, s.is_object, vs)



def parse_sentence(text: str, names: NamesKey) -> Sentence:
    mentions = all_mentions(text, names)
    is_object = _object_positions(text, mentions)
    agent = next((m for m in mentions if not is_object[m.start]
                  and not _PASSIVE_NEXT.match(text, m.end)), None)
    return Sentence(text, mentions, is_object, agent)

"""Triage: the red flags a piece of text describes, and how urgent the worst one is.

One matcher reads every word the skill is given: on Lambda, every slot's spoken words
(matched by Alexa or not) of every intent; offline, the resolver spots the Symptom slot's
values with it too. It reads the content of content/red_flags.yaml:

- `said`: phrases ("can't breathe", "face drooping"); `signs`: word classes that must all
  be heard ([pale, limb] hears "my foot has gone white"). A phrase or sign made only of
  content words is heard in any order within a few words of each other; one with grammar
  in it ("can't feel", "won't open") in order, with at most three other words inside.
- negation: "no chest pain", "my breathing is fine" (words.negated), within one clause;
- `calm`: look-alikes whose words are no sign at all ("chest of drawers", "a fit of the
  giggles"), masked before anything else is heard;
- `over`: words that say a sign has passed ("but i'm fine now", "it went away"). A sign
  said before them is not happening now, unless `again` words follow ("it's back"); it
  then has the flag's `passed` level.
- `story`: words that begin something told rather than happening ("a show where", "an
  exam on", "a shift full of"): a sign said within a few words after them, in the same
  clause, is no report.
- `slowly`: words that say a sign came on over weeks ("than they used to"), unless
  `suddenly` words are said too: a flag that names a `slowly` flag becomes that one
  (weakness over months is for a doctor, sudden weakness for an ambulance).

Third person needs nothing: "my dad can't breathe" says "can't breathe". Pure Python.
"""


import collections
import functools
import itertools
import re
from typing import NamedTuple
from collections.abc import Iterable, Mapping

from .words import DETERMINER_STEMS, FUNCTION_STEMS, NEGATOR_STEMS_BEFORE, NEGATORS_BEFORE, negated, negator, tokenize

EMERGENCY, URGENT, SOON = "emergency", "urgent", "soon"
LEVELS = (EMERGENCY, URGENT, SOON)  # most urgent first
# Words left out when phrases are compared: "pain in my chest" = "pain in the chest".
_IGNORED = DETERMINER_STEMS
MAX_CHARACTERS = 1000  # what the triage reads of any one text
MAX_GAP_WORDS = 3  # other words allowed inside a phrase said in order, between two parts
# How far apart the words of a sign said in any order may be: words far apart belong to
# different thoughts; a sign of three or four parts ("back", "bum", "numb") is specific
# enough to be gathered from a whole sentence.
MAX_PHRASE_SPAN_PER_WORD = 4  # a phrase's content words said in any order ("my foot has gone pale")
MAX_SPAN_TWO_PARTS = 14
MAX_SPAN_PER_EXTRA_PART = 10
MAX_LOOK_ALIKE_GAP = 2  # words allowed before each part of a look-alike ("poisoning everyone's mind")
MAX_OVER_GAP = 1  # ...and of "it passed" words ("fine again now")
END_OF_CLAUSE = "$"  # the last part of a phrase list: said at the end of its clause
_MAX_COMBINATIONS = 256


class Rules(NamedTuple):
    """The triage's vocabulary, from red_flags.yaml (kept on Lambda)."""

    words: Mapping[str, tuple[str, ...]]  # word classes for signs
    # Phrases, or lists of word classes said in order ("[nearly, had, heart_attack]"):
    calm: tuple[str | tuple[str, ...], ...] = ()  # look-alikes whose words are no sign
    over: tuple[str | tuple[str, ...], ...] = ()  # "it passed": a sign said before is over
    again: tuple[str | tuple[str, ...], ...] = ()  # "it's back": ...unless it came back
    slowly: tuple[str | tuple[str, ...], ...] = ()  # "for months": it came on slowly
    suddenly: tuple[str | tuple[str, ...], ...] = ()  # "all of a sudden": ...not slowly
    story: tuple[str | tuple[str, ...], ...] = ()  # "watching a film where": what follows is told, not happening


class Sign(NamedTuple):
    """Word classes (or words) that must all be heard: close together, or `anywhere` in
    what was said ("{back pain}... and {i can't pee}" are one sign said far apart)."""

    parts: tuple[str, ...]
    anywhere: bool = False


class Flag(NamedTuple):
    """What triage needs of a red flag (content.RedFlag has more)."""

    id: str
    level: str  # EMERGENCY, URGENT or SOON, when it is happening now
    passed: str  # the level when it is said to be over
    said: tuple[str, ...]
    signs: tuple[Sign, ...]
    slowly: str | None = None  # the flag it is when said to have come on slowly
    names: tuple[str, ...] = ()  # the condition's names ("a stroke"): heard when asked about
    # Flags whose words this one's reading covers are this one: spots on quinine are the
    # drug's harm to the blood, not the meningitis rash (a fever said apart still is).
    explains: tuple[str, ...] = ()


class Finding(NamedTuple):
    flag: str
    level: str  # as heard: the flag's level, or its `passed` level when over
    passed: bool
    start: int  # token span of the words that say it (normalised words, end exclusive)
    end: int
    said: int = 0  # how many words the reading says: the fuller one explains the sign best


class _Pattern(NamedTuple):
    flag: str
    parts: tuple[tuple[tuple[str, ...], ...], ...]  # each part: its alternatives, as stems
    size: int  # stems in the shortest reading
    phrase: bool  # a phrase (a part per word), not a sign
    fixed: tuple[bool, ...]  # per part: a grammar word that fixes the order
    anywhere: bool = False  # its parts may be said anywhere in the text
    at_end: bool = False  # said last in its clause


class _Occurrence(NamedTuple):
    start: int  # kept indices, end exclusive
    end: int
    ordered: bool  # a grammar word ("on", "can't"): the pattern must be said in order
    negator: int | None  # the kept index of the word that negates it, if any


class _Text(NamedTuple):
    kept: list[tuple[int, str]]  # (token index, stem) of the words compared
    clauses: list[int]  # each kept word's clause
    every: list[tuple[int, str]]  # (token index, word) of every word, for look-alikes
    every_clauses: list[int]
    at: dict[str, list[int]]  # each stem's kept indices


class Triage:
    def __init__(self, flags: Iterable[Flag], rules: Rules):
        self.flags = {flag.id: flag for flag in flags}
        self._order = {flag_id: n for n, flag_id in enumerate(self.flags)}
        named = [Flag(f.id, f.level, f.level, f.names, ()) for f in self.flags.values() if f.names]
        self._names = Triage(named, Rules({})) if named else None
        self._patterns: list[_Pattern] = []
        for flag in self.flags.values():
            for phrase in flag.said:
                self._patterns.append(_pattern(flag.id, phrase))
            for sign in flag.signs:
                self._patterns.append(self._compile(flag.id, sign.parts, rules)._replace(anywhere=sign.anywhere))
        self._calm, self._over, self._again, self._slowly, self._suddenly, self._story = (
            _Phrases([self._compile(name, item, rules, every_word=True) for item in getattr(rules, name)])
            for name in ("calm", "over", "again", "slowly", "suddenly", "story")
        )
        # A text can only say a pattern whose every part begins with a stem it holds. Each
        # pattern is indexed under the stems that can begin its rarest part ("can't" begins
        # many, "jaw" few), so a text looks at few patterns and checks their other parts.
        self._firsts = [tuple(frozenset(alt[0] for alt in part) for part in p.parts) for p in self._patterns]
        begun = collections.Counter(first for firsts in self._firsts for part in firsts for first in part)
        self._by_stem: dict[str, list[int]] = {}
        for n, firsts in enumerate(self._firsts):
            for first in min(firsts, key=lambda part: sum(begun[s] for s in part), default=()):
                self._by_stem.setdefault(first, []).append(n)

    @staticmethod
    def _compile(name: str, item: str | tuple[str, ...], rules: Rules, every_word: bool = False) -> _Pattern:
        if isinstance(item, str):
            return _pattern(name, item, every_word)
        at_end = item[-1] == END_OF_CLAUSE  # "i was fine", but not "she was fine an hour ago"
        parts = item[:-1] if at_end else item
        return _pattern(name, [rules.words.get(part, part) for part in parts], every_word)._replace(at_end=at_end)

    # -- what a text says

    def findings(self, text: str) -> tuple[Finding, ...]:
        """Every red flag the text describes, in the order said (a flag said in two ways,
        twice)."""
        words = _text(text)
        masked = _Masks(self._calm.spans(words, negatable=False))
        held = words.at.keys()
        candidates = sorted({n for s in held for n in self._by_stem.get(s, ())})
        # Per flag, the readings that say most, in the fewest words ("cramping and my chest
        # is tight" is a tight chest, not a chest that is cramping), each where no better
        # one was heard: "my jaw's clamped and i can't open my mouth" is said twice.
        readings: dict[str, list[tuple[int, int, tuple[int, int]]]] = {}
        for n in candidates:
            if any(held.isdisjoint(firsts) for firsts in self._firsts[n]):
                continue
            pattern = self._patterns[n]
            reading = _match(pattern, words, masked)
            if reading is not None:
                span, said = reading
                width = words.kept[span[1] - 1][0] - words.kept[span[0]][0]
                readings.setdefault(pattern.flag, []).append((-said, width, span))
        heard: list[tuple[str, tuple[int, int], int]] = []
        for flag_id, keys in readings.items():
            taken: list[tuple[int, int]] = []
            for size, _, span in sorted(keys):
                if all(span[1] <= a or b <= span[0] for a, b in taken):
                    taken.append(span)
                    heard.append((flag_id, span, -size))
        overs = self._over.spans(words, negatable=True)
        agains = self._again.spans(words, negatable=True)
        # Weakness that came on over months is a matter for a doctor, not an ambulance,
        # unless something in it was sudden.
        slow = bool(self._slowly.spans(words, negatable=True)) and not self._suddenly.spans(words, negatable=True)
        stories = self._story.spans(words, negatable=False)
        found = []
        for flag_id, (first, last), size in heard:
            if _told(stories, words, words.kept[first][0]):
                continue  # "a film where a guy has a seizure": told, not happening
            if slow and self.flags[flag_id].slowly in self.flags:
                flag_id = self.flags[flag_id].slowly
            flag = self.flags[flag_id]
            start, end = words.kept[first][0], words.kept[last - 1][0] + 1
            # Over when "it passed" follows the sign, and nothing after says it came back.
            end_of_over = next((e for s, e in overs if s >= end), None)
            passed = (
                flag.level == EMERGENCY and end_of_over is not None and not any(s >= end_of_over for s, _ in agains)
            )
            if passed:
                end = end_of_over
            found.append(Finding(flag_id, flag.passed if passed else flag.level, passed, start, end, size))
        explained = {
            f for f in found for g in found
            if f.flag in self.flags[g.flag].explains and f.start < g.end and g.start < f.end
        }
        return tuple(sorted((f for f in found if f not in explained), key=lambda f: (f.start, f.end)))

    def named(self, text: str) -> tuple[Finding, ...]:
        """The conditions a text names ("what are the signs of a stroke"): what a question
        asks about. A name is no report of a sign: "is cramp a sign of a stroke"."""
        return self._names.findings(text) if self._names is not None else ()

    def most_urgent(self, texts: Iterable[str]) -> Finding | None:
        """The most urgent finding in any of the texts (see `rank`)."""
        found = [f for text in texts if text for f in self.findings(text)]
        return min(found, key=self.rank, default=None)

    def rank(self, finding: Finding) -> tuple[int, int, int, int]:
        """Most urgent first; among equals, the reading that says most ("a fever and my
        neck is stiff" is meningitis before it is a stiff body), then the first said, then
        the flag listed first in the content, where the specific signs come before the
        broad ones (heat stroke before confusion)."""
        order = self._order.get(finding.flag, len(self._order))
        return LEVELS.index(finding.level), -finding.said, finding.start, order


STORY_REACH = 8  # how many words after "a film where" are the story's
# Words that end a story and go back to what is happening: "reading about strokes and now
# my face is drooping", "a film about snakes and my chest is tight". "and" ends it only
# before someone new ("a shift full of strokes and chest pains" is still the shift).
_STORY_ENDS = frozenset({"now", "then", "suddenly", "so", "because", "cause"})
_NEW_SUBJECTS = frozenset({"i", "my", "me", "he", "she", "his", "her", "we", "our", "they", "their", "it", "you"})


def _told(stories: list[tuple[int, int]], words: _Text, start: int) -> bool:
    """Whether the words from token `start` are part of a story just begun in their clause,
    with nothing between that goes back to the here and now."""
    clauses = words.every_clauses
    by_token = dict(words.every)

    def back_to_now(token: int) -> bool:
        word = by_token.get(token)
        return word in _STORY_ENDS or (word == "and" and by_token.get(token + 1) in _NEW_SUBJECTS)

    return any(
        end <= start <= end + STORY_REACH and clauses[end - 1] == clauses[start]
        and not any(back_to_now(t) for t in range(end, start))
        for _, end in stories
    )


class _Masks:
    """The words look-alikes cover ("chest of drawers"), as token spans. A reading may use
    them only by naming the whole look-alike ("food poisoning" is a stomach bug, not a
    poison; "a bit" is no bite)."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        self.spans = list(spans)

    def allows(self, words: _Text, start: int, end: int) -> bool:
        """Whether kept[start:end] may be read as (part of) a sign."""
        first, last = words.kept[start][0], words.kept[end - 1][0] + 1
        return all(last <= a or b <= first or (first <= a and b <= last) for a, b in self.spans)


def _text(text: str) -> _Text:
    # Nobody says more than this in one breath; a longer slot value (a forged request) is
    # read no further, so no request can make the triage slow.
    tokens = tokenize(text[:MAX_CHARACTERS])
    kept = [(i, t.stem) for i, t in enumerate(tokens) if t.stem not in _IGNORED]
    every = [(i, t.word) for i, t in enumerate(tokens)]
    at: dict[str, list[int]] = {}
    for position, (_, stem) in enumerate(kept):
        at.setdefault(stem, []).append(position)
    return _Text(kept, [tokens[i].clause for i, _ in kept], every, [t.clause for t in tokens], at)


@functools.cache
def _phrase_words(phrase: str, every_word: bool) -> tuple[str, ...]:
    """A content phrase as patterns compare it. Kept, because the same word classes recur
    in many signs; only the content's phrases come here, never what someone said."""
    if every_word:
        return tuple(t.word for t in tokenize(phrase))
    return tuple(t.stem for t in tokenize(phrase) if t.stem not in _IGNORED)


def _pattern(flag: str, parts: str | list[str | tuple[str, ...]], every_word: bool = False) -> _Pattern:
    """A phrase ("can't breathe") is one part per word; a sign, one part per word class
    (a tuple of alternatives, which may be several words: "can't feel") or literal word.
    Determiners are left out, and words are compared by their stems, but for look-alikes
    and "it passed" words (`every_word`): there every word counts as said ("it stopped"
    is not "get it to stop"). A literal that is only
    grammar ("on", "one", "can't") fixes the order of the pattern: "smile on one side"."""
    def stems(phrase: str) -> tuple[str, ...]:
        return _phrase_words(phrase, every_word)

    literals = [(s,) for s in stems(parts)] if isinstance(parts, str) else [
        stems(part) if isinstance(part, str) else None for part in parts
    ]
    compiled, fixed = [], []
    for n, literal in enumerate(literals):
        if literal is not None:
            alternatives = (literal,) if literal else ()
        else:
            alternatives = tuple(dict.fromkeys(a for a in map(stems, parts[n]) if a))
        if alternatives:  # a part that is only a word left out ("my") says nothing: dropped
            compiled.append(alternatives)
            fixed.append(literal is not None and all(s in FUNCTION_STEMS for s in literal))
    size = sum(min(len(alt) for alt in part) for part in compiled)
    return _Pattern(flag, tuple(compiled), size, isinstance(parts, str), tuple(fixed))


def _occurrences(part, fixed: bool, words: _Text, masked: _Masks) -> list[_Occurrence]:
    """Every place an alternative of the part is said: its words in order, with at most
    one other word inside ("can't really feel")."""
    kept, found = words.kept, []
    for position in sorted({p for alt in part for p in words.at.get(alt[0], ())}):
        word = kept[position][1]
        for alt in part:
            if word != alt[0]:
                continue
            end, gaps = position + 1, 0
            for wanted in alt[1:]:
                while end < len(kept) and kept[end][1] != wanted and gaps < 1:
                    end, gaps = end + 1, gaps + 1
                if end >= len(kept) or kept[end][1] != wanted:
                    break
                end += 1
            else:
                if masked.allows(words, position, end):
                    found.append(_Occurrence(position, end, fixed, negator(kept, position, words.clauses)))
    return found


def _match(pattern: _Pattern, words: _Text, masked: _Masks) -> tuple[tuple[int, int], int] | None:
    """The span (kept indices) of the pattern's narrowest reading in the text, and how many
    words it says; or None.

    Content words alone may be said in any order, close together ("my foot has gone
    pale"), none of them negated. Once grammar is among them, they must be said in
    order with at most MAX_GAP_WORDS others inside and no negator among those; the first
    may not be negated ("can't feel" is said, "no feeling" is not), nor any from after it.
    """
    occurrences = [_occurrences(part, fixed, words, masked) for part, fixed in zip(pattern.parts, pattern.fixed)]
    if not all(occurrences):
        return None
    best = None
    if pattern.anywhere:
        limit = len(words.every)
    elif pattern.phrase:  # a phrase is said much as it is written
        limit = MAX_PHRASE_SPAN_PER_WORD * len(pattern.parts) + 2
    else:
        limit = MAX_SPAN_TWO_PARTS + MAX_SPAN_PER_EXTRA_PART * max(0, len(pattern.parts) - 2)
    for choice in itertools.islice(itertools.product(*occurrences), _MAX_COMBINATIONS):
        if any(o.ordered for o in choice):
            # Later words may be negated only from before, by the sign's own grammar ("can't
            # get my breath"); "...but my breathing is fine" takes the sign back.
            taken_back = any(o.negator is not None and o.negator >= o.end for o in choice[1:])
            if choice[0].negator is not None or taken_back or not _in_order(choice, words, pattern.phrase):
                continue
            span = (choice[0].start, choice[-1].end)
        else:
            spans = sorted(choice)
            # A negator counts unless it is one of the sign's own words ("has not released for
            # more than ten minutes").
            own = {i for o in choice for i in range(o.start, o.end)}
            if any(o.negator is not None and o.negator not in own for o in choice):
                continue
            if any(a.end > b.start for a, b in itertools.pairwise(spans)):
                continue
            first, last = spans[0].start, max(o.end for o in spans)
            if words.kept[last - 1][0] + 1 - words.kept[first][0] > limit:
                continue  # far apart: different thoughts
            span = (first, last)
        width = words.kept[span[1] - 1][0] - words.kept[span[0]][0]
        # What a reading says is its content words: "calf swollen ... breath" says more than
        # "can't get my breath".
        said = sum(words.kept[i][1] not in FUNCTION_STEMS for o in choice for i in range(o.start, o.end))
        if best is None or (width, -said, span) < best:
            best = (width, -said, span)
    return (best[2], -best[1]) if best else None


def _in_order(choice: tuple[_Occurrence, ...], words: _Text, phrase: bool) -> bool:
    """In order, with at most MAX_GAP_WORDS other words inside a phrase, or between each
    two parts of a sign, and no negator among them."""
    gaps = 0
    for before, after in itertools.pairwise(choice):
        if after.start < before.end:
            return False
        between = range(before.end, after.start)
        if between and words.kept[before.end - 1][1] in NEGATOR_STEMS_BEFORE:
            return False  # "not breathing", but not "not short of breath"
        gaps = gaps + len(between) if phrase else len(between)
        # "a cramp in my foot, not in my chest": a negator inside breaks the phrase.
        if gaps > MAX_GAP_WORDS or any(words.kept[i][1] in NEGATOR_STEMS_BEFORE for i in between):
            return False
    return True


class _Phrases:
    """Look-alikes, "it passed" words and the like: phrases said in order and all but
    contiguous, matched on every word (determiners count: "a fit of the giggles"), found
    through an index of the words they can begin with."""

    def __init__(self, patterns: list[_Pattern]):
        # Each pattern with the words each of its parts can begin with: one whose part
        # begins with no word of the text can't be said there, and is not tried.
        self.by_first: dict[str, list[tuple[_Pattern, tuple[frozenset[str], ...]]]] = {}
        for pattern in patterns:
            firsts = tuple(frozenset(alt[0] for alt in part) for part in pattern.parts)
            for alt in pattern.parts[0]:
                self.by_first.setdefault(alt[0], []).append((pattern, firsts))

    def spans(self, words: _Text, negatable: bool) -> list[tuple[int, int]]:
        """Token spans where one is said; a negatable one is not said when negated ("it
        hasn't gone away")."""
        every, found = words.every, []
        said = {word for _, word in every}
        for position, (_, word) in enumerate(every):
            for pattern, firsts in self.by_first.get(word, ()):
                if any(said.isdisjoint(first) for first in firsts):
                    continue
                end = self._end(pattern, every, words.every_clauses, position, negatable)
                if end is not None and not (negatable and negated(every, position, words.every_clauses, after=False)):
                    found.append((every[position][0], every[end - 1][0] + 1))
        return sorted(found)

    @staticmethod
    def _end(pattern: _Pattern, every: list[tuple[int, str]], clauses: list[int], position: int, negatable: bool) -> int | None:
        end = position
        for n, part in enumerate(pattern.parts):
            # A phrase is said word for word; a list of classes allows a word or two between.
            gap = 0 if n == 0 or pattern.phrase else MAX_OVER_GAP if negatable else MAX_LOOK_ALIKE_GAP
            start = end
            end = next((e for alt in part for e in [_said_at(alt, every, end, gap)] if e), None)
            if end is None or (negatable and any(every[i][1] in NEGATORS_BEFORE for i in range(start, end))):
                return None
        if pattern.at_end and end < len(every) and clauses[end] == clauses[end - 1]:
            return None
        return end


def _said_at(alt: tuple[str, ...], every: list[tuple[int, str]], position: int, gap: int) -> int | None:
    """Where `alt` ends if said from `position`, allowing `gap` words before it; None if not."""
    for start in range(position, min(position + gap + 1, len(every))):
        end = start + len(alt)
        if every[start][1] == alt[0] and end <= len(every) and tuple(s for _, s in every[start:end]) == alt:
            return end
    return None


# A question about a sign, rather than a report of one: how it begins, or what makes it
# hypothetical. "What do I do" asks for help with a sign that is happening.
_QUESTION_OPENERS = frozenset({
    "what", "how", "when", "why", "where", "which", "who", "is", "are", "do", "does", "did", "can", "could",
    "should", "would", "will", "tell", "explain", "any", "if",
})
_HYPOTHETICAL = re.compile(
    r"\b(?:if (?:someone|somebody|anyone|a person|you|your|a child|a kid)|what if|in case|first aid|signs? of"
    r"|what (?:are|is) (?:you|one|we) (?:meant|supposed) to do if|what (?:should|would|do) you do if"
    r"|symptoms? of|how (?:do|would|can|could|will) (?:i|you|we|one)(?: \w+)? (?:know|tell|spot|recognise|recognize)"
    r"|what (?:does|do) .* (?:feel|look) like|(?:what is|what's) the difference between)\b"
)
_NOT_A_QUESTION = frozenset({"be", "not", "hardly", "barely", "only", "just", "scarcely", "still", "no", "never"})
_ASKING_FOR_HELP = re.compile(r"\b(?:do|should|can|must) (?:i|we) do\b|\bhelp\b")
# Someone reporting what is happening to them, or to someone with them.
_PERSONAL = re.compile(r"\b(?:i|me|my|we|our|he|she|his|her|him|they|their|this)\b")


def asks_about(text: str) -> bool:
    """Whether the words ask about a sign ("what are the signs of a stroke", "do snake
    bites cause cramps", "what do you do if someone has a seizure") rather than report one
    ("what do i do, he's fitting", "is it normal that i can't feel my legs"): a question
    is answered, with the call if it is happening; a report gets the call first."""
    words = [t.word for t in tokenize(text)]
    joined = " ".join(words)
    if _HYPOTHETICAL.search(joined):
        return True
    if not words or words[0] not in _QUESTION_OPENERS or words[1:2] and words[1] in _NOT_A_QUESTION:
        return False  # "could be tetanus" hedges a report; "can't breathe", "can hardly breathe" are one
    # "is this tight chest something for the doctor", "is it normal that my face has gone
    # numb": said of someone, or of this, it is a report.
    return not (_PERSONAL.search(joined) or _ASKING_FOR_HELP.search(joined))

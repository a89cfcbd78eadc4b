"""Words as the skill compares them: one normaliser, one stemmer, one idea of negation.

The safety net (triage.py) reads what people say with these, on Lambda and offline, and
the offline resolver (skill/tools/simulator/nlu.py) reads utterances and samples with the same ones,
so a word means the same thing wherever it is compared. Pure Python, no SDK.
"""


import re
from typing import NamedTuple

_FILLERS = {"um", "umm", "uh", "uhh", "er", "erm", "hmm", "ow", "oww", "owww", "ouch",
            "argh", "ah", "oh", "alexa", "hey", "please"}
# Sounds that are a yes: "uh huh" is not "huh?" (say that again).
_SAID_AS_YES = re.compile(r"\b(?:uh[ -]huh|mm[ -]?hmm|mhm)\b")
_CONTRACTIONS = {"won't": "will not", "can't": "can not", "cannot": "can not", "cant": "can not",
                 "wont": "will not", "dont": "do not", "doesnt": "does not", "didnt": "did not",
                 "isnt": "is not", "im": "i am", "ive": "i have", "cannae": "can not", "canna": "can not",
                 "shan't": "shall not", "ain't": "is not", "let's": "let us", "ok": "okay",
                 "gonna": "going to", "wanna": "want to"}
_SUFFIXES = (("n't", " not"), ("'m", " am"), ("'re", " are"), ("'ve", " have"),
             ("'ll", " will"), ("'d", " would"))
_ABBREVIATION = re.compile(r"\b(?:[a-z]\.\s*){2,}")
_NON_WORD = re.compile(r"[^a-z0-9' ]+")
# Where one thought ends and the next begins: punctuation, or a word that turns the
# sentence ("no chest pain, but my legs won't move"). Negation does not cross them.
_CLAUSE_BREAK = re.compile(r"[,;:!?()]|(?<=[a-z]{2})\.(?:\s|$)|\s(?=(?:but|although|though|however|except)\s)")

DETERMINERS = frozenset({"a", "an", "the", "my", "your", "his", "her", "our", "their", "some", "this", "that",
                         "any"})
# Words that say little about what a sentence is about, and that only make sense in
# their place in a phrase ("won't let up"): a phrase holding one must be said in order.
LIGHT_WORDS = frozenset({"a", "an", "the", "is", "are", "am", "do", "does", "i", "my", "me", "it",
                         "to", "of", "for", "and", "or", "in", "on", "at", "be", "so", "just",
                         "really", "very", "that", "this", "with", "you", "your", "there", "any"})
QUESTION_WORDS = frozenset({"what", "how", "why", "when", "where", "which", "who", "can", "could",
                            "should", "would", "will", "did", "was", "have", "has", "get", "about",
                            "tell", "know", "want", "need", "if", "not", "no", "yes", "please", "now",
                            "give", "make", "go", "got", "let", "me", "some", "one", "thing", "something"})
GRAMMAR_WORDS = frozenset({"up", "down", "out", "off", "over", "not", "no", "will", "would", "all",
                           "by", "from", "as", "than", "like", "but", "when", "his", "her", "he", "she",
                           "they", "we", "them", "been", "being", "keep", "keeps", "still", "too", "much",
                           "more", "most", "after", "before", "since", "through", "into", "onto", "back",
                           "every", "each"})
# "no fever", "not in my chest", "without any pain".
NEGATORS_BEFORE = frozenset({"no", "not", "without", "never"})
# How many words before a word a negator still reaches: "not short of breath".
NEGATION_REACH = 3
# "my breathing is fine".
NEGATORS_AFTER = frozenset({"fine", "normal", "normally", "okay", "alright"})
# "can't feel", "won't open", "doesn't work" say what is wrong, not that nothing is;
# "...or not, my chest is tight" closes a question.
_NOT_NEGATING_BEFORE_NOT = frozenset({"can", "could", "will", "would", "or"})


def normalize(text: str) -> str:
    """Lower case, punctuation dropped, contractions expanded ("what's" -> "what is"),
    spelled abbreviations joined ("a. l. s." -> "als"), fillers ("um", "please") dropped."""
    return " ".join(token.word for token in tokenize(text))


class Token(NamedTuple):
    word: str  # as normalised
    stem: str
    clause: int  # which thought of the sentence it belongs to, counted from 0


def tokenize(text: str) -> list[Token]:
    """The words of `text`, normalised and stemmed, each with its clause number.

    `normalize(text)` is exactly these words joined by spaces, so positions agree.
    """
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = _SAID_AS_YES.sub("yes", text)
    text = _ABBREVIATION.sub(lambda m: m.group(0).replace(".", "").replace(" ", "") + " ", text)
    words: list[tuple[str, int]] = []
    for clause, chunk in enumerate(_CLAUSE_BREAK.split(text)):
        for raw in _NON_WORD.sub(" ", chunk).split():
            words.extend((word, clause) for part in _expand(raw.strip("'")) for word in _spelled(part) if word)
    kept = [(w, c) for w, c in words if w not in _FILLERS] or words
    kept = _said_as_cannot(kept)
    return [Token(word, stem(word), clause) for word, clause in kept]


# "not able to breathe", "unable to stand": said as "can not", as most phrases are.
_CANNOT = (("not", "able", "to"), ("unable", "to"), ("no", "longer", "able", "to"))
_CANNOT_FIRSTS = frozenset(phrase[0] for phrase in _CANNOT)


def _said_as_cannot(words: list[tuple[str, int]]) -> list[tuple[str, int]]:
    if _CANNOT_FIRSTS.isdisjoint(w for w, _ in words):
        return words  # most texts: nothing to rewrite
    out, i = [], 0
    while i < len(words):
        for phrase in _CANNOT:
            if words[i][0] == phrase[0] and tuple(w for w, _ in words[i:i + len(phrase)]) == phrase:
                clause = words[i][1]
                if not (out and out[-1][0] in ("can", "could")):
                    out.append(("can", clause))
                out.append(("not", clause))
                i += len(phrase)
                break
        else:
            out.append(words[i])
            i += 1
    return out


_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def _spelled(word: str) -> list[str]:
    """Numbers as Alexa's samples spell them: "20" -> "twenty", "45" -> "forty five";
    longer numbers digit by digit ("999" -> "nine nine nine")."""
    if not word.isdigit():
        return [word]
    if len(word) > 2:
        return [_ONES[int(d)] for d in word]
    n = int(word)
    if n < 20:
        return [_ONES[n]]
    return [_TENS[n // 10]] + ([_ONES[n % 10]] if n % 10 else [])


def _expand(word: str) -> list[str]:
    if word in _CONTRACTIONS:
        return _CONTRACTIONS[word].split()
    if "'" not in word:
        return [word]  # every suffix below begins with an apostrophe
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix):
            return (word[: -len(suffix)] + replacement).split()
    if word.endswith("'s") and len(word) > 2:
        # "calf's cramping", "what's": spoken 's is usually "is" or "has"; possessives
        # ("runner's") come out the same way in samples and values, so they still agree.
        return [word[:-2], "is"]
    return [word]


_LEMMAS = {
    "does": "do", "did": "do", "doing": "do", "done": "do", "has": "have", "had": "have",
    "having": "have", "got": "get", "gets": "get", "getting": "get", "gotten": "get",
    "goes": "go", "went": "go", "gone": "go", "going": "go", "feet": "foot", "calves": "calf",
    "gives": "give", "gave": "give", "given": "give",
    "makes": "make", "made": "make", "hurts": "hurt", "worse": "bad", "woke": "wake",
    # Words people use for the same thing; samples can't list every verb.
    "ease": "relieve", "eases": "relieve", "easing": "relieve", "release": "relieve",
    "loosen": "relieve", "relax": "relieve", "fix": "relieve", "avoid": "prevent",
    "avoiding": "prevent", "kid": "child", "kids": "child", "children": "child",
    "gp": "doctor", "physician": "doctor",
    # "the runs" (diarrhoea) is not a run.
    "runs": "runs",
    # Not the arch of the foot: "my back is arching".
    "arching": "arching", "arched": "arching",
}


def stem(word: str) -> str:
    """A small stemmer, enough to make "cramping", "cramped", "cramps" and "getting"/"got"
    agree. Stems are only compared with each other, never shown."""
    lemma = _LEMMAS.get(word)
    if lemma is not None:
        return lemma
    # Branches on the last letter, so most words are checked against one suffix, not all.
    last = word[-1:]
    if last == "s":
        if word.endswith("ies") and len(word) > 4:
            return word[:-3] + "y"
        if word.endswith(("ches", "shes", "sses", "xes")):
            word = word[:-2]
        elif not word.endswith("ss") and len(word) > 3:
            word = word[:-1]
    elif (last == "g" and word.endswith("ing") and len(word) > 5) or (last == "d" and word.endswith("ed") and len(word) > 4):
        word = word[:-3] if last == "g" else word[:-2]
        if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "lsz":
            word = word[:-1]  # "getting" -> "gett" -> "get"
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]  # "hike" and "hiking" -> "hik"
    return word


def stems_of(phrase: str) -> tuple[str, ...]:
    """A phrase's word stems, determiners left out ("pain in my chest" = "pain in chest")."""
    return tuple(t.stem for t in tokenize(phrase) if t.stem not in DETERMINER_STEMS)


DETERMINER_STEMS = frozenset(stem(w) for w in DETERMINERS)
LIGHT_STEMS = frozenset(stem(w) for w in LIGHT_WORDS)
QUESTION_STEMS = frozenset(stem(w) for w in QUESTION_WORDS)
# Words that carry grammar rather than meaning: a phrase holding one is said in order.
FUNCTION_STEMS = LIGHT_STEMS | DETERMINER_STEMS | QUESTION_STEMS | frozenset(stem(w) for w in GRAMMAR_WORDS)
NEGATOR_STEMS_BEFORE = frozenset(stem(w) for w in NEGATORS_BEFORE)
_NEGATOR_STEMS_AFTER = frozenset(stem(w) for w in NEGATORS_AFTER)
_NOT_NEGATING = frozenset(stem(w) for w in _NOT_NEGATING_BEFORE_NOT)
_LIST_JOINTS = frozenset({"or", "nor"})
# "not able to breathe" says what is wrong, as "can't breathe" does.
_INABILITY = frozenset({stem("able")})


def negated(kept: list[tuple[int, str]], position: int, clauses: list[int] | None = None, after: bool = True) -> bool:
    """Whether the word at kept[position] is said not to apply: "no fever", "not in my
    chest", "my breathing is fine" (with `after`). "can't feel my leg" and "won't open"
    say what is wrong, and "every night, is that normal" asks a question, so they don't
    negate.

    `kept` is (token index, stem) without determiners; `clauses`, the clause of each
    kept word: a negation does not reach into the next clause.
    """
    return negator(kept, position, clauses, after) is not None


def negator(kept: list[tuple[int, str]], position: int, clauses: list[int] | None = None, after: bool = True) -> int | None:
    """The position in `kept` of the word that negates kept[position] (see `negated`)."""
    words = [word for _, word in kept]

    def same_clause(other: int) -> bool:
        return clauses is None or clauses[other] == clauses[position]

    for before in range(max(0, position - NEGATION_REACH), position):
        if (words[before] in NEGATOR_STEMS_BEFORE and same_clause(before)
                and (before == 0 or words[before - 1] not in _NOT_NEGATING)
                and words[before + 1] not in _INABILITY):
            return before
    # "no tingling or weakness": a negation carries along a list joined by "or".
    for joint in range(max(1, position - 2), position):
        if words[joint] in _LIST_JOINTS and same_clause(joint):
            carried = negator(kept, joint - 1, clauses, after)
            if carried is not None:
                return carried
    if not after:
        return None
    # Only right after the word: a "that" or "this" dropped in between makes a question.
    token = kept[position][0]
    for step, (index, word) in enumerate(kept[position + 1:position + 3], start=1):
        if word in _NEGATOR_STEMS_AFTER and index - token == step and same_clause(position + step):
            return position + step
    return None

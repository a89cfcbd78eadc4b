"""Offline language understanding over an ASK interaction model: text in, intent and slots out.

How it decides, in order:
1. Normalise the text the same way for utterances and samples: lower case, punctuation
   dropped, contractions expanded ("what's" -> "what is"), spelled abbreviations joined
   ("a. l. s." -> "als"), fillers such as "um", "ow" and "please" dropped.
2. Exact: every sample is a pattern with its {slots} as wildcards. A full match whose
   custom slots all resolve to a value or synonym wins; among several, the sample with
   the most literal words. Values resolve to ids as Alexa's entity resolution does
   (ER_SUCCESS_MATCH, or ER_SUCCESS_NO_MATCH for words not in the slot type).
3. Learned: otherwise a classifier trained on the model's samples picks the intent, as
   Alexa's own model is trained on them (classifier.py: logistic regression). It reads
   word stems, and word pairs in which every slot value heard is replaced by its type
   ("why do my <BodyPart> cramp <Situation>"). Out-of-domain requests are a class of their
   own, learned from AMAZON.FallbackIntent's samples. When symptoms are heard, only intents
   with room for them in their slots are candidates, so a red flag is never dropped.
4. The values heard then fill the chosen intent's slots, placed as in its sample most like
   the text ("what are the signs of a stroke" puts the stroke in {sign}, not {symptom}).

Slot values are spotted anywhere in the text: a value made only of content words ("pale
foot") in any order, one with grammar in it ("can't breathe") in order with a few words
between, and neither when negated ("no chest pain", "my breathing is fine").

Built-in intents are learned from their usual phrases (builtin_phrases.py) plus any samples
the model adds. How well it does is measured on labelled utterances nobody tuned it for
(`python -m skill accuracy`). It has no speech recognition errors, no dialog management,
and never learns from traffic.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
import sys
from itertools import pairwise
from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from collections.abc import Callable, Iterable

from ...runtime.core.content import FREE_TEXT_TYPES, SEARCH_QUERY_TYPE, SYMPTOM_TYPE, TOPIC_TYPE, Content

from ...runtime.core.compiled import load_content
from ...runtime.core.safety import triage_for
from ...runtime.core.triage import LEVELS, Finding, Triage
from ...runtime.core.triage import asks_about as _asks
from ...runtime.core.words import (
    DETERMINER_STEMS as _DETERMINER_STEMS,
    FUNCTION_STEMS as _FUNCTION_STEMS,
    LIGHT_STEMS as _LIGHT_STEMS,
    NEGATOR_STEMS_BEFORE as _NEGATOR_STEMS_BEFORE,
    QUESTION_STEMS as _QUESTION_STEMS,
    negated as _negated,
    normalize,
    stem,
)
from .builtin_phrases import BUILTIN_PHRASES
from .classifier import Classifier, Example
from .stored import Stored, keep, stored_for
from .lexicon import WORD_CLASSES

FALLBACK = "AMAZON.FallbackIntent"
MATCH, NO_MATCH = "ER_SUCCESS_MATCH", "ER_SUCCESS_NO_MATCH"
# How many ways each sample with slots is filled with values to learn from. More fills
# make what is learned depend less on which values happen to be drawn.
FILLS = 4

_LIGHT_WEIGHT = 0.35
_UNSEEN_WEIGHT = 1.5  # a word no sample uses: what people add tells against a sample
_PAIR_SCALE = 0.3  # word pairs carry order ("why do i get") but less than the words
_SLOT_SCALE = 2.5  # a recognised slot value is strong evidence for intents that take it
# Leading words that are not part of a slot value: "my left calf" -> "calf".
_VALUE_PREFIXES = {"my", "the", "a", "an", "your", "his", "her", "our", "their", "this",
                   "that", "left", "right", "both", "whole", "bad", "little", "some", "of"}
_SLOT = re.compile(r"\{([A-Za-z_]+)\}")
_NAMED = "a condition named"  # an entity heard as a condition's name, not a report of it
# Asked twice of every text: where its signs are spotted, and where they are placed.
asks_about = lru_cache(maxsize=64)(_asks)
# The same words are looked up in every slot type, for every sample whose slot they fill.
_normalised_heard = lru_cache(maxsize=8192)(normalize)

# The code that turns samples into what the classifier learns: part of its training key.
_TRAINING_CODE = [
    *(Path(__file__).with_name(name) for name in ("nlu.py", "classifier.py", "lexicon.py", "builtin_phrases.py")),
    *(Path(__file__).resolve().parents[2] / "runtime" / "core" / name for name in ("words.py", "triage.py")),
]

# Each word stem's classes (lexicon.py), for the classifier.
_CLASSES_OF: dict[str, list[str]] = {}
for _name, _words in WORD_CLASSES.items():
    for _stem in {stem(w) for w in _words}:
        _CLASSES_OF.setdefault(_stem, []).append(_name)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class SlotValue:
    name: str
    type: str
    value: str | None = None  # the words as heard
    id: str | None = None  # the resolved value's id (ER_SUCCESS_MATCH)
    canonical: str | None = None  # the resolved value's name

    @property
    def status(self) -> str | None:
        if self.value is None:
            return None
        if self.type.startswith("AMAZON."):
            return None  # built-in slot types carry no entity resolution
        return MATCH if self.id is not None else NO_MATCH


@dataclass(frozen=True)
class Resolution:
    intent: str
    slots: tuple[SlotValue, ...]
    score: float
    method: str  # "sample", "learned" or "fallback"


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class _Entity:
    type: str
    id: str
    canonical: str
    start: int
    end: int  # exclusive token index
    words: int  # how many of the value's words were heard (a gap may lie between them)


class _SlotType:
    """A slot type's values, read when first needed: most utterances need none of the
    Symptom type's thousands of phrases."""

    def __init__(self, name: str, values: Iterable[dict], normalise: Callable[[str], str], spotted: bool = True):
        self.name = name
        self._values = values
        self._normalise = normalise
        self._spotted = spotted

    @cached_property
    def _normalised(self) -> list[tuple[str, tuple[str, str]]]:
        """Every value and synonym, normalised, with its value's (id, canonical name)."""
        return [
            (self._normalise(phrase), (value.get("id") or canonical, canonical))
            for value in self._values
            for canonical in [value["name"]["value"]]
            for phrase in [canonical, *value["name"].get("synonyms", [])]
        ]

    @cached_property
    def phrases(self) -> list[str]:
        return [normal for normal, _ in self._normalised]

    @cached_property
    def by_words(self) -> dict[tuple[str, ...], tuple[str, str]]:
        by_words: dict[tuple[str, ...], tuple[str, str]] = {}
        stems: dict[str, str] = {}  # the values share most of their words
        for normal, found in self._normalised:
            words = tuple(stems.get(w) or stems.setdefault(w, stem(w)) for w in normal.split())
            by_words.setdefault(words, found)
            # "a stationary bike" is also heard as "the stationary bike", "my stationary bike".
            while len(words) > 1 and words[0] in _DETERMINER_STEMS:
                words = words[1:]
                by_words.setdefault(words, found)
        return by_words

    @cached_property
    def by_any_word(self) -> dict[str, list[tuple[tuple[str, ...], frozenset[str], bool, tuple[str, str]]]]:
        """For spotting values inside longer sentences: each value's words without
        determiners ("pain in my chest" = "pain in the chest" = "pain in chest"), indexed
        by each of its words, longest first, with whether it may be heard in any order
        (content words only)."""
        index: dict[str, list[tuple[tuple[str, ...], frozenset[str], bool, tuple[str, str]]]] = {}
        for words, found in self.by_words.items() if self._spotted else ():
            core = tuple(w for w in words if w not in _DETERMINER_STEMS)
            any_order = all(w not in _FUNCTION_STEMS for w in core)
            for word in set(core):
                index.setdefault(word, []).append((core, frozenset(core), any_order, found))
        for candidates in index.values():
            candidates.sort(key=lambda candidate: len(candidate[0]), reverse=True)
        return index

    def spot(self, stems: list[str]) -> list[_Entity]:
        """Every value heard in the text, at most one per starting word (the longest).

        A value of content words only ("pale foot", "brown pee") is heard when all its
        words are said anywhere in the sentence, in any order ("my foot has gone pale");
        a value with grammar in it ("won't let up", "can't breathe") must be said in
        order, with at most MAX_GAP_WORDS other words inside it. Determiners are ignored
        on both sides.
        """
        kept = [(index, s) for index, s in enumerate(stems) if s not in _DETERMINER_STEMS]
        said = {s for _, s in kept}
        found = []
        for k, (start, word) in enumerate(kept):
            for core, words, any_order, (value_id, canonical) in self.by_any_word.get(word, ()):
                if not words <= said:
                    end = None  # a word of the value is not said at all
                elif any_order:
                    end = _bag_end(core, kept, k)
                elif core[0] == word and not _negated(kept, k):
                    end = _in_order_end(core, kept, k)
                else:
                    end = None
                if end is not None:
                    found.append(_Entity(self.name, value_id, canonical, start, end, len(core)))
                    break
        return found

    def lookup(self, spoken: str) -> tuple[str, str, int] | None:
        """(id, canonical name, how many of the spoken words the value covers)."""
        words = _normalised_heard(spoken).split()
        while words:
            found = self.by_words.get(tuple(stem(w) for w in words))
            if found is not None:
                return (*found, len(words))
            if words[0] not in _VALUE_PREFIXES:
                return None
            words = words[1:]
        return None


@dataclass
class _Sample:
    intent: str
    parts: list[tuple[str, str]]  # ("word", w) or ("slot", slot name)
    regex: str
    literal_words: int
    phrase_slot: bool  # has an AMAZON.SearchQuery slot

    @cached_property
    def slots(self) -> tuple[str, ...]:
        return tuple(v for kind, v in self.parts if kind == "slot")

    @cached_property
    def words(self) -> frozenset[str]:
        return frozenset(v for kind, v in self.parts if kind == "word")

    @cached_property
    def pattern(self) -> re.Pattern:
        """Compiled when first tried: a text is only ever tried against the few samples
        that hold its words, and compiling all of them would delay the first prompt."""
        return re.compile(self.regex)


def resolver_for(path: Path) -> Resolver:
    """The resolver for a model file. It keeps nothing between utterances, so every dialog
    on the same model shares one, and its samples are read once."""
    return _resolver_for_text(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=4)
def _resolver_for_text(text: str) -> Resolver:
    return Resolver(json.loads(text))


class Resolver:
    """Everything is read when first needed, so that a dialog's first prompt waits for
    none of it and tools that only read the samples never train the classifier."""

    def __init__(self, model: dict):
        self._language = language = model.get("interactionModel", model)["languageModel"]
        self.invocation_name = language["invocationName"]
        self.types = {
            t["name"]: _SlotType(t["name"], t.get("values", []), self._normalise, spotted=t["name"] != SYMPTOM_TYPE)
            for t in language.get("types", [])
        }
        self.intent_slots: dict[str, dict[str, str]] = {}
        for intent in language["intents"]:
            self.intent_slots[intent["name"]] = {s["name"]: s["type"] for s in intent.get("slots", [])}
        # How many symptoms each intent can carry: a sign heard is never dropped for want
        # of a slot. A phrase slot takes everything said after its carrier words.
        self._symptom_slots = {
            name: sum(t in FREE_TEXT_TYPES for t in slots.values()) for name, slots in self.intent_slots.items()
        }

    @cached_property
    def _content(self) -> Content:
        return load_content()

    @cached_property
    def triage(self) -> Triage:
        """Symptoms are spotted by the skill's own triage, the function that reads the words
        on Lambda: what the dialog hears as a red flag is what the skill hears."""
        return triage_for(self._content)

    @cached_property
    def samples(self) -> list[_Sample]:
        samples = []
        for intent in self._language["intents"]:
            slots = {s["name"]: s["type"] for s in intent.get("slots", [])}
            for phrase in [*BUILTIN_PHRASES.get(intent["name"], ()), *intent.get("samples", [])]:
                samples.append(_parsed(intent["name"], phrase, slots, self._normalise))
        return samples

    @cached_property
    def _stored(self) -> Stored | None:
        return stored_for(self.training_key)

    @cached_property
    def _normalised(self) -> dict[str, str]:
        """Each phrase of the model as normalize() makes it: stored, or worked out when needed."""
        return dict(self._stored.normalised) if self._stored is not None else {}

    def _normalise(self, text: str) -> str:
        if text not in self._normalised:
            self._normalised[text] = normalize(text)
        return self._normalised[text]

    @cached_property
    def classifier(self) -> Classifier:
        """Stored, or trained when first needed (saying so: it takes a while) and kept in the
        user's cache, so tools that only read the samples don't wait for it."""
        if self._stored is not None:
            return self._stored.classifier
        print("Learning the interaction model's samples (once; about half a minute)...", file=sys.stderr, flush=True)
        worked_out = self.worked_out()
        keep(self.training_key, worked_out)
        return worked_out.classifier

    @cached_property
    def training_key(self) -> str:
        """A checksum of all the classifier learns from: the model, the skill's triage (it
        names the symptoms in the samples) and the code that turns samples into features.
        Nothing stored under another key is used."""
        digest = hashlib.sha256(json.dumps(self._language, sort_keys=True).encode())
        triage_inputs = [list(self.triage.flags.values()), self._content.triage_rules]
        digest.update(json.dumps(triage_inputs, sort_keys=True, default=dict).encode())
        for source in _TRAINING_CODE:
            digest.update(source.read_bytes())
        return digest.hexdigest()[:20]

    def prepare(self) -> None:
        """Read and work out everything now, so that processes forked later share it."""
        for slot_type in self.types.values():
            _ = slot_type.by_words, slot_type.by_any_word, slot_type.phrases
        _ = self._samples_by_word, self._samples_by_token, self._sample_vectors, self.classifier

    def worked_out(self) -> Stored:
        """Every phrase of the model normalised, and the classifier trained on the samples."""
        classifier = Classifier.train(self._training_examples())
        # Every phrase, also of types no sample fills, so that none is normalised at start.
        for slot_type in self.types.values():
            _ = slot_type.phrases
        return Stored(dict(self._normalised), classifier)

    # -- what the classifier learns from

    def _training_examples(self) -> list[Example]:
        """Every sample, its slots filled with values of their types (FILLS different ways,
        sharing one sample's weight), described as an utterance would be."""
        choose = random.Random(0).choice
        examples = []
        for sample in self.samples:
            has_slots = any(kind == "slot" for kind, _ in sample.parts)
            fills = FILLS if has_slots else 1
            for _ in range(fills):
                words: list[str] = []
                for kind, value in sample.parts:
                    if kind == "word":
                        words.append(value)
                    elif self.intent_slots[sample.intent].get(value) != SEARCH_QUERY_TYPE:
                        # (A phrase slot takes any words: only its carrier words are learned.)
                        slot_type = self.types.get(self.intent_slots[sample.intent].get(value, ""))
                        phrases = slot_type.phrases if slot_type else []
                        words.extend(choose(phrases).split() if phrases else [value])
                examples.append(Example(self._features(words), sample.intent, 1 / fills))
        return examples

    def _features(self, words: list[str], entities: list[_Entity] | None = None) -> tuple[str, ...]:
        """Word stems, and word pairs with every slot value heard replaced by its type
        ("my <BodyPart> is cramp"), and the values themselves."""
        stems = [stem(w) for w in words]
        spotted = self._spot_entities(words) if entities is None else entities
        # Topic names ("foot cramps", "children") are made of the words questions are made
        # of: they are noted, but leave the words to say what is asked.
        topics = [e for e in spotted if e.type == TOPIC_TYPE]
        heard = _apart([e for e in spotted if e.type != TOPIC_TYPE])
        sequence = _replace_spans(stems, heard)
        # A symptom's words say only that something is wrong; other values' words ("calf
        # stretch", "at night") also say what is asked, so they are kept as well.
        symptoms = [e for e in heard if e.type == SYMPTOM_TYPE]
        said = _replace_spans(stems, symptoms)
        features = {
            *(["s symptom alone"] if symptoms and self._only_symptoms(said) else []),
            *(f"w {token}" for token in [*said, *sequence, *(f"<{TOPIC_TYPE}>" for _ in topics[:1])]),
            *(f"p {a} {b}" for a, b in pairwise(["^", *sequence, "$"])),
            *(f"v {e.type} {e.id}" for e in [*heard, *topics]),
            *(f"c {name}" for token in said for name in _CLASSES_OF.get(token, ())),
        }
        # Sorted, so that sums over them, and so training, are the same in every process.
        return tuple(sorted(features))

    @staticmethod
    def _only_symptoms(said: list[str]) -> bool:
        """Whether the text reports signs and no cramp ("my foot's gone white and cold",
        not "my calf is cramping and my chest hurts"): what tells a bare report apart."""
        return not any("cramping" in _CLASSES_OF.get(token, ()) for token in said)

    # -- similarity to one sample: which of an intent's slots the values heard go in

    def _sequence_features(self, sequence: list[str]) -> set[str]:
        features = set(sequence)
        features.update(f"{a} {b}" for a, b in pairwise(sequence))
        return features

    def _sample_sequence(self, sample: _Sample) -> list[str]:
        return [
            stem(v) if kind == "word" else f"<{self.intent_slots[sample.intent].get(v, v)}>"
            for kind, v in sample.parts
        ]

    @cached_property
    def _sample_sequences(self) -> list[list[str]]:
        return [self._sample_sequence(sample) for sample in self.samples]

    @cached_property
    def _weights(self) -> dict[str, float]:
        counts = Counter()
        for sequence in self._sample_sequences:
            counts.update(self._sequence_features(sequence))
        total = len(self.samples)
        return {f: math.log((total + 1) / (n + 1)) + 1 for f, n in counts.items()}

    def _weight(self, feature: str) -> float:
        base = self._weights.get(feature, _UNSEEN_WEIGHT)
        if " " in feature:
            return base * _PAIR_SCALE
        if feature.startswith("<"):
            return base * _SLOT_SCALE
        return base * _LIGHT_WEIGHT if feature in _LIGHT_STEMS else base

    @cached_property
    def _sample_vectors(self) -> list[tuple[dict[str, float], float]]:
        vectors = []
        for sequence in self._sample_sequences:
            vector = {f: self._weight(f) for f in self._sequence_features(sequence)}
            vectors.append((vector, sum(vector.values())))
        return vectors

    @cached_property
    def _samples_of(self) -> dict[str, list[int]]:
        """Each intent's samples, in the model's order."""
        samples: dict[str, list[int]] = {}
        for n, sample in enumerate(self.samples):
            samples.setdefault(sample.intent, []).append(n)
        return samples

    @cached_property
    def _samples_by_token(self) -> dict[str, dict[str, list[int]]]:
        """Each intent's samples under every word stem and <slot type> they hold, in the
        model's order: a sample that shares none with a text shares no feature with it."""
        index: dict[str, dict[str, list[int]]] = {}
        for n, (sample, sequence) in enumerate(zip(self.samples, self._sample_sequences)):
            by_token = index.setdefault(sample.intent, {})
            for token in set(sequence):
                by_token.setdefault(token, []).append(n)
        return index

    # -- resolving

    def resolve(self, text: str) -> Resolution:
        utterance = normalize(text)
        if not utterance:
            return Resolution(FALLBACK, (), 0.0, "fallback")
        exact, partial = self._match_exactly(utterance)
        words = utterance.split()
        entities = self._spot_entities(words)
        heard_signs = any(e.type == SYMPTOM_TYPE for e in entities)
        if exact is not None and (not heard_signs or any(s.value and s.type in FREE_TEXT_TYPES for s in exact.slots)):
            return exact  # (a sample that matches but drops a sign said with it is no match)
        probabilities = self.classifier.probabilities(self._features(words, entities))
        signs = len(_apart([e for e in entities if e.type == SYMPTOM_TYPE]))
        room = min(signs, max(self._symptom_slots.values()))
        candidates = [i for i in probabilities if self._symptom_slots.get(i, 0) >= room]
        intent = max(candidates, key=probabilities.__getitem__)
        confidence = probabilities[intent]
        if intent == FALLBACK:
            return Resolution(FALLBACK, (), confidence, "fallback")
        chosen = self._reported_unless_asked(intent, words, self._placed(intent, words, entities))
        filled = {name: self._heard(name, e, words) for name, e in chosen.items()}
        filled.update(self._described(intent, words))
        if partial is not None and partial.intent == intent:
            # The words match one of its samples, but with words its slot type lacks ("my
            # elbow is cramping"): Alexa sends those words, as ER_SUCCESS_NO_MATCH.
            filled.update((s.name, s) for s in partial.slots if s.value is not None and s.name not in filled)
        return Resolution(intent, self._complete(intent, filled), confidence, "learned")

    def _heard(self, name: str, entity: _Entity, words: list[str]) -> SlotValue:
        """A value heard in the text, as Alexa would send it. A symptom's words resolve only
        when they are one of the type's values or synonyms; otherwise Alexa sends the words
        unresolved (ER_SUCCESS_NO_MATCH) and the skill's triage reads them."""
        spoken = " ".join(words[entity.start:entity.end])
        if entity.type != SYMPTOM_TYPE:
            return SlotValue(name, entity.type, spoken, entity.id, entity.canonical)
        found = self.types[SYMPTOM_TYPE].lookup(spoken) if SYMPTOM_TYPE in self.types else None
        covers = found is not None and found[2] == len(spoken.split())
        return SlotValue(name, SYMPTOM_TYPE, spoken, found[0] if covers else None, found[1] if covers else None)

    def _described(self, intent: str, words: list[str]) -> dict[str, SlotValue]:
        """A phrase slot (AMAZON.SearchQuery) holds what was said after its carrier words:
        after the longest carrier of the intent's samples that the text begins with, or
        all of it."""
        names = [n for n, t in self.intent_slots[intent].items() if t == SEARCH_QUERY_TYPE]
        if not names:
            return {}
        spoken = " ".join(words)
        captured = [spoken]
        for sample in (self.samples[n] for n in self._samples_of.get(intent, ())):
            slot = next((f"s{i}" for i, (kind, v) in enumerate(sample.parts) if kind == "slot" and v == names[0]), None)
            match = sample.pattern.match(spoken) if slot else None
            if match:
                captured.append(match.group(slot))
        return {names[0]: SlotValue(names[0], SEARCH_QUERY_TYPE, min(captured, key=len))}

    def _slot_value(self, intent: str, slot: str, spoken: str) -> tuple[SlotValue, int]:
        """The slot as heard, and how many of its words its value covers."""
        slot_type = self.intent_slots[intent].get(slot, "")
        found = self.types[slot_type].lookup(spoken) if slot_type in self.types else None
        value_id, canonical, covered = found if found else (None, None, 0)
        return SlotValue(slot, slot_type, spoken, value_id, canonical), covered

    def _complete(self, intent: str, filled: dict[str, SlotValue]) -> tuple[SlotValue, ...]:
        """Every slot the intent declares, as Alexa sends them: filled or empty."""
        return tuple(
            filled.get(name, SlotValue(name, slot_type)) for name, slot_type in self.intent_slots[intent].items()
        )

    @cached_property
    def _samples_by_word(self) -> dict[str, list[int]]:
        """Each sample under its rarest literal word (a sample can only match a text that
        says it), and the samples made only of slots under "": the few worth trying."""
        counts = Counter(w for s in self.samples for w in {v for kind, v in s.parts if kind == "word"})
        index: dict[str, list[int]] = {}
        for n, sample in enumerate(self.samples):
            literal = [v for kind, v in sample.parts if kind == "word"]
            index.setdefault(min(literal, key=counts.__getitem__) if literal else "", []).append(n)
        return index

    def _match_exactly(self, utterance: str) -> tuple[Resolution | None, Resolution | None]:
        best_key, best, partial = None, None, None
        said = set(utterance.split())
        candidates = sorted(n for word in {"", *said} for n in self._samples_by_word.get(word, ()))
        for sample in (self.samples[n] for n in candidates):
            if sample.phrase_slot:
                continue  # "i think {description}" matches anything: learned, never exact
            if not sample.words <= said:
                continue  # its pattern can only match a text that says every one of its words
            match = sample.pattern.match(utterance)
            if match is None:
                continue
            heard = {
                v: self._slot_value(sample.intent, v, match.group(f"s{i}"))
                for i, (kind, v) in enumerate(sample.parts)
                if kind == "slot"
            }
            filled = {name: slot for name, (slot, _) in heard.items()}
            if all(s.status != NO_MATCH for s in filled.values()):
                # The most literal words win; then the values that cover the most words
                # ("whole body spasm" rather than "muscle spasm" after dropping "whole").
                key = (
                    sum(len(v) for kind, v in sample.parts if kind == "word"),
                    sum(covered for _, covered in heard.values()),
                )
                if best_key is None or key > best_key:
                    best_key = key
                    best = Resolution(sample.intent, self._complete(sample.intent, filled), 1.0, "sample")
            elif any(_is_content(stem(v)) for kind, v in sample.parts if kind == "word"):
                # Only a slot value unknown to its type: as good as the literal words around
                # it, if they say what the question is about ("what is {topic}" does not).
                heard = sum(len(s.value.split()) for s in filled.values())
                score = sample.literal_words / (sample.literal_words + heard)
                if partial is None or score > partial.score:
                    partial = Resolution(sample.intent, self._complete(sample.intent, filled), score, "sample")
        return best, partial

    def _spot_entities(self, words: list[str]) -> list[_Entity]:
        stems = [stem(w) for w in words]
        found = [entity for slot_type in self.types.values() for entity in slot_type.spot(stems)]
        found += self._symptoms(words)
        # Longer values first ("back of my thigh" is preferred over "back"), then the
        # ones heard without a gap; the most urgent sign before any other, so a slot too
        # few is never the emergency's.
        found.sort(key=lambda e: (e.words, -(e.end - e.start)), reverse=True)
        return sorted(found, key=self._urgency)

    def _reported_unless_asked(self, intent: str, words: list[str], chosen: dict[str, _Entity]) -> dict[str, _Entity]:
        """A sign goes in a slot that asks about it ("what are the signs of {sign}") only
        when the sentence is a question: "i can't take a breath properly, my throat is
        tight" reports it, whatever sample it resembles."""
        reported, asked = self._content.symptom_slots(intent)
        chosen = {name: e for name, e in chosen.items() if e.canonical != _NAMED or name in asked}
        asking = asks_about(" ".join(words))
        source, targets = (reported, asked) if asking else (asked, reported)
        if asking and not asked:
            # A question about a sign where no slot asks about one ("do snake bites cause
            # cramps"): the slot holds the question, and the skill reads it as one.
            whole = _Entity(SYMPTOM_TYPE, "", None, 0, len(words), len(words))
            return {name: whole if e.type == SYMPTOM_TYPE else e for name, e in chosen.items()}
        if not targets:
            return chosen
        moved = dict(chosen)
        for name in sorted(source & moved.keys()):
            if moved[name].type != SYMPTOM_TYPE:
                continue
            entity = moved.pop(name)
            target = next((r for r in sorted(targets) if r not in moved), None) or min(targets)
            moved[target] = self._joined(moved[target], entity) if target in moved else entity
        return moved

    def _joined(self, a: _Entity, b: _Entity) -> _Entity:
        """Two signs in one slot: every word from the first to the last, named by the more
        urgent (the skill's triage reads the words)."""
        urgent = min((a, b), key=self._urgency)
        start, end = min(a.start, b.start), max(a.end, b.end)
        return _Entity(SYMPTOM_TYPE, urgent.id, urgent.canonical, start, end, end - start)

    def _urgency(self, entity: _Entity) -> tuple[int, int]:
        flag = self.triage.flags.get(entity.id)
        if entity.type != SYMPTOM_TYPE or flag is None:
            return len(LEVELS), 0
        return self.triage.rank(Finding(flag.id, flag.level, False, entity.start, entity.end))[:1]

    def _symptoms(self, words: list[str]) -> list[_Entity]:
        """The red flags the triage hears, one value per stretch of words: readings that
        overlap ("fell off my bike and my shin is swelling up hard") are heard as one, so
        no sign is cut off when a slot takes only some of the words."""
        merged: list[list] = []
        text = " ".join(words)
        heard = self.triage.findings(text)
        for finding in heard:
            if merged and finding.start < merged[-1][1]:
                last = merged[-1]
                last[1] = max(last[1], finding.end)
                if self.triage.rank(finding) < self.triage.rank(last[2]):
                    last[2] = finding
            else:
                merged.append([finding.start, finding.end, finding])
        entities = [_Entity(SYMPTOM_TYPE, f.flag, f.flag, start, end, end - start) for start, end, f in merged]
        if asks_about(" ".join(words)):  # "what are the signs of a stroke": a name, for a slot that asks only
            entities += [
                _Entity(SYMPTOM_TYPE, f.flag, _NAMED, f.start, f.end, f.end - f.start)
                for f in self.triage.named(text)
                if all(f.end <= e.start or e.end <= f.start for e in entities)
            ]
        return entities

    def _placed(self, intent: str, words: list[str], entities: list[_Entity]) -> dict[str, _Entity]:
        """The values heard, in the slots of the intent's sample most like the text: "what
        are the signs of a stroke" puts the stroke in {sign}, "is {symptom} an emergency"
        in {symptom}."""
        stems = [stem(w) for w in words]
        # Every sample of the intent fills as many slots (the values heard and the slots
        # declared are the same), so the first sample most like the text wins. One that
        # shares no word or value with the text scores 0: only those that do are scored.
        by_token = self._samples_by_token.get(intent, {})
        tokens = {*stems, *(f"<{e.type}>" for e in entities)}
        best_score, best = 0.0, None
        # Most samples have the same slots, and replace the same values.
        by_slots: dict[tuple[str, ...], tuple[dict[str, _Entity], set[str], float]] = {}
        described: dict[tuple[_Entity, ...], tuple[set[str], float]] = {}
        for n in sorted({n for token in tokens for n in by_token.get(token, ())}):
            in_sample = self.samples[n].slots
            if in_sample not in by_slots:
                chosen = self._assign(intent, list(in_sample), entities)
                replaced = tuple(e for name, e in chosen.items() if name in in_sample)
                if replaced not in described:
                    features = self._sequence_features(_replace_spans(stems, replaced))
                    described[replaced] = features, sum(self._weight(f) for f in features)
                by_slots[in_sample] = chosen, *described[replaced]
            chosen, features, text_total = by_slots[in_sample]
            vector, sample_total = self._sample_vectors[n]
            covered = sum(map(vector.__getitem__, features & vector.keys()))
            score = 2 * covered / (sample_total + text_total)  # the F-measure of the overlap
            if score > best_score:
                best_score, best = score, chosen
        if best is None:  # all score 0: the intent's first sample, as the first of equals wins
            first = self._samples_of.get(intent)
            if not first:
                return {}
            best = self._assign(intent, list(self.samples[first[0]].slots), entities)
        return best

    def _assign(self, intent: str, in_sample: list[str], entities: list[_Entity]) -> dict[str, _Entity]:
        """Heard values to the intent's slots: the sample's own placeholders first, then any
        other slot it declares ("my calf, what do i do"). Longer values claim their words
        first, so "cramp in my chest" is heard as one value, not as "chest"."""
        declared = self.intent_slots[intent]
        order = [*in_sample, *(name for name in declared if name not in in_sample)]
        chosen: dict[str, _Entity] = {}
        for entity in entities:
            # Values of different types may share words: "my leg has gone pale" names a
            # body part and a symptom.
            if any(
                e.type == entity.type and e.start < entity.end and entity.start < e.end for e in chosen.values()
            ):
                continue
            for name in order:
                if name not in chosen and declared.get(name) == entity.type:
                    chosen[name] = entity
                    break
        # Two values of one type fill that type's slots in the order they were said:
        # "my chest is tight and i can't breathe" is {symptom} and {other_symptom}; of two
        # signs, the more urgent comes first.
        for slot_type in {e.type for e in chosen.values()}:
            names = [name for name in order if name in chosen and chosen[name].type == slot_type]
            spoken = sorted((chosen[name] for name in names), key=lambda e: (self._urgency(e), e.start))
            chosen.update(zip(names, spoken))
        return chosen


def _parsed(intent: str, sample: str, slots: dict[str, str], normalise: Callable[[str], str]) -> _Sample:
    """A sample as words and slots, and as a pattern with its slots as wildcards."""
    parts: list[tuple[str, str]] = []
    for index, chunk in enumerate(_SLOT.split(sample)):
        if index % 2:
            parts.append(("slot", chunk))
        else:
            parts.extend(("word", w) for w in normalise(chunk).split())
    regex = r"\s".join(re.escape(v) if kind == "word" else f"(?P<s{i}>.+?)" for i, (kind, v) in enumerate(parts))
    literal = sum(1 for kind, _ in parts if kind == "word")
    phrase_slot = any(kind == "slot" and slots.get(v) == SEARCH_QUERY_TYPE for kind, v in parts)
    return _Sample(intent, parts, f"^{regex}$", literal, phrase_slot)


def _apart(entities: list[_Entity]) -> list[_Entity]:
    """The values heard that don't overlap a longer one, for describing the text."""
    kept: list[_Entity] = []
    for entity in entities:
        if all(entity.end <= k.start or k.end <= entity.start for k in kept):
            kept.append(entity)
    return kept


MAX_GAP_WORDS = 3
MAX_BAG_SPAN_PER_WORD = 4


def _bag_end(core: tuple[str, ...], kept: list[tuple[int, str]], k: int) -> int | None:
    """Where `core` ends (exclusive token index) if all its words are said, in any order,
    from kept[k] on, kept[k] being one of them; None otherwise."""
    needed = Counter(core)
    positions = []
    for position in range(k, len(kept)):
        word = kept[position][1]
        if needed[word] > 0 and not _negated(kept, position):
            needed[word] -= 1
            positions.append(position)
    if +needed or positions[0] != k:
        return None
    start, end = kept[positions[0]][0], kept[positions[-1]][0] + 1
    # Words far apart belong to different thoughts: "my chest isn't hurting, it's just
    # my calf cramping" is not a chest cramp.
    return end if end - start <= MAX_BAG_SPAN_PER_WORD * len(core) + 2 else None


def _in_order_end(core: tuple[str, ...], kept: list[tuple[int, str]], k: int) -> int | None:
    """Where `core` ends (exclusive token index) if its words follow kept[k] in order,
    with at most MAX_GAP_WORDS other words among them; None otherwise."""
    gaps = 0
    position = k
    for word in core[1:]:
        position += 1
        while position < len(kept) and kept[position][1] != word:
            if kept[position][1] in _NEGATOR_STEMS_BEFORE:
                return None  # "a cramp in my foot, not in my chest"
            gaps += 1
            position += 1
        if position >= len(kept) or gaps > MAX_GAP_WORDS:
            return None
    return kept[position][0] + 1


def _is_content(feature: str) -> bool:
    """A slot value, or a word that says what the question is about."""
    return feature.startswith("<") or (
        " " not in feature and feature not in _LIGHT_STEMS and feature not in _QUESTION_STEMS
    )


def _replace_spans(stems: list[str], entities: Iterable[_Entity]) -> list[str]:
    by_start = {e.start: e for e in entities}
    sequence, index = [], 0
    while index < len(stems):
        entity = by_start.get(index)
        if entity is not None:
            sequence.append(f"<{entity.type}>")
            index = entity.end
        else:
            sequence.append(stems[index])
            index += 1
    return sequence

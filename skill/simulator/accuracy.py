"""How often the offline resolver reaches the right answer, on labelled utterances.

A labelled file is YAML: `utterances: [{text, topic | intent, also?: [topics]}]`. An
utterance counts as right when the resolved intent and slots lead to its topic (or one
of its `also` topics), or, for a built-in intent, to that intent.

A red-flag file (`red_flags_heldout*.yaml`) has `emergency: [{text, flag}]`, `soon:
[{text, flag}]` and `ordinary: [{text}]`: every emergency must reach an emergency answer,
and no soon sign or ordinary sentence may.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..core.content import EMERGENCY, Content, RedFlag
from .nlu import Resolver


@dataclass(frozen=True)
class Miss:
    text: str
    expected: str
    got: str


@dataclass(frozen=True)
class Score:
    name: str
    total: int
    misses: tuple[Miss, ...]

    @property
    def accuracy(self) -> float:
        return (self.total - len(self.misses)) / self.total if self.total else 0.0


def answer_of(content: Content, resolver: Resolver, text: str) -> str:
    """The topic id the skill would answer with, the built-in intent's name, or
    "routine:ID" for a guided routine started by name."""
    resolution = resolver.resolve(text)
    return _topic_answer(content, resolution.intent, {s.name: s.id for s in resolution.slots})


def _topic_answer(content: Content, intent: str, slot_ids: dict) -> str:
    topic = content.topic_for(intent, slot_ids)
    if topic is not None:
        return topic.id
    if intent == "RoutineIntent" and slot_ids.get("routine") in content.routines:
        return f"routine:{slot_ids['routine']}"
    # Outside a routine, "I'm done" is answered as "stop" is.
    return "AMAZON.StopIntent" if intent == "DoneIntent" else intent


def same_answer(content: Content, expected: str, got: str) -> bool:
    """A routine started by name answers a topic that is answered by, or offers, that routine."""
    if got == expected:
        return True
    topic = content.topics.get(expected)
    if topic is None or not got.startswith("routine:"):
        return False
    offered = topic.follow_up.routine if topic.follow_up else None
    return got.removeprefix("routine:") in (topic.routine, offered)


def score_file(content: Content, resolver: Resolver, path: Path) -> Score:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["utterances"]
    misses = []
    for entry in entries:
        expected = entry.get("topic") or entry["intent"]
        got = answer_of(content, resolver, entry["text"])
        if not any(same_answer(content, e, got) for e in (expected, *(entry.get("also") or ()))):
            misses.append(Miss(entry["text"], expected, got))
    return Score(path.name, len(entries), tuple(misses))


def flags_heard(content: Content, resolver: Resolver, text: str) -> tuple[RedFlag | None, RedFlag | None]:
    """The red flag the text reports, and the one it asks about, as the skill sees them."""
    resolution = resolver.resolve(text)
    slot_ids = {s.name: s.id for s in resolution.slots}
    return content.reported_flag(resolution.intent, slot_ids), content.asked_about_flag(resolution.intent, slot_ids)


@dataclass(frozen=True)
class RedFlagScore:
    name: str
    emergencies: int
    missed: tuple[Miss, ...]  # emergencies that would not hear to call now
    # Soon signs and ordinary sentences answered "This could be an emergency". A question
    # about a sign that hears "If this is happening now, call..." is not counted.
    false_alarms: tuple[Miss, ...]
    checked_for_alarm: int


def score_red_flags(content: Content, resolver: Resolver, path: Path) -> RedFlagScore:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    missed, alarms = [], []
    for entry in data["emergency"]:
        flag = next(filter(None, flags_heard(content, resolver, entry["text"])), None)
        if flag is None or flag.urgency != EMERGENCY:
            missed.append(Miss(entry["text"], entry["flag"], flag.id if flag else "no red flag"))
    calm = [(e["text"], e.get("flag", "ordinary")) for e in [*data["soon"], *data["ordinary"]]]
    for text, expected in calm:
        reported, _ = flags_heard(content, resolver, text)
        if reported is not None and reported.urgency == EMERGENCY:
            alarms.append(Miss(text, expected, reported.id))
    return RedFlagScore(path.name, len(data["emergency"]), tuple(missed), tuple(alarms), len(calm))


@dataclass(frozen=True)
class ResolutionScore:
    """A file of `utterances: [{text, intent, slots: {name: id}, emergency?}]`."""

    name: str
    total: int
    intent_misses: tuple[Miss, ...]
    # Intent misses that also change what the skill says: another intent that reaches the
    # same topic ("what causes a charley horse" as AboutIntent rather than CauseIntent) is
    # a miss of the intent, not of the answer.
    answer_misses: tuple[Miss, ...]
    slots_expected: int  # expected (slot, id) pairs
    slot_misses: tuple[Miss, ...]
    emergencies: int
    emergencies_missed: tuple[Miss, ...]

    @property
    def intent_accuracy(self) -> float:
        return (self.total - len(self.intent_misses)) / self.total if self.total else 0.0

    @property
    def answer_accuracy(self) -> float:
        return (self.total - len(self.answer_misses)) / self.total if self.total else 0.0

    @property
    def slot_accuracy(self) -> float:
        return (self.slots_expected - len(self.slot_misses)) / self.slots_expected if self.slots_expected else 0.0


def score_resolutions(content: Content, resolver: Resolver, path: Path) -> ResolutionScore:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["utterances"]
    intent_misses, answer_misses, slot_misses, emergency_misses = [], [], [], []
    slots_expected = emergencies = 0
    for entry in entries:
        resolution = resolver.resolve(entry["text"])
        if resolution.intent != entry["intent"]:
            intent_misses.append(Miss(entry["text"], entry["intent"], resolution.intent))
            heard_slots = {s.name: s.id for s in resolution.slots}
            expected_answer = _answer(content, entry["intent"], entry.get("slots") or {})
            if _answer(content, resolution.intent, heard_slots) != expected_answer:
                answer_misses.append(Miss(entry["text"], entry["intent"], resolution.intent))
        heard = {s.name: s.id for s in resolution.slots}
        for name, value_id in (entry.get("slots") or {}).items():
            slots_expected += 1
            if heard.get(name) != value_id:
                slot_misses.append(Miss(entry["text"], f"{name}={value_id}", f"{name}={heard.get(name)}"))
        if entry.get("emergency"):
            emergencies += 1
            flag = next(filter(None, flags_heard(content, resolver, entry["text"])), None)
            if flag is None or flag.urgency != EMERGENCY:
                emergency_misses.append(Miss(entry["text"], "emergency answer", flag.id if flag else "no red flag"))
    return ResolutionScore(
        path.name, len(entries), tuple(intent_misses), tuple(answer_misses), slots_expected, tuple(slot_misses),
        emergencies, tuple(emergency_misses),
    )


def sum_scores(scores: list[ResolutionScore]) -> ResolutionScore:
    """Several labelled files scored as one."""
    return ResolutionScore(
        "all", sum(s.total for s in scores), tuple(m for s in scores for m in s.intent_misses),
        tuple(m for s in scores for m in s.answer_misses), sum(s.slots_expected for s in scores),
        tuple(m for s in scores for m in s.slot_misses), sum(s.emergencies for s in scores),
        tuple(m for s in scores for m in s.emergencies_missed),
    )


def _answer(content: Content, intent: str, slot_ids: dict) -> str:
    """What the skill says for an intent and its slots, named: a red flag, a topic, a
    routine, or the intent's own answer (skip as next, cancel as stop)."""
    flag = content.reported_flag(intent, slot_ids) or content.asked_about_flag(intent, slot_ids)
    if flag is not None:
        return f"flag:{flag.id}" if flag.urgency != EMERGENCY else "emergency"
    answer = _topic_answer(content, intent, slot_ids)
    topic = content.topics.get(answer)
    if topic is not None and topic.routine:
        return f"routine:{topic.routine}"
    return {"SkipIntent": "AMAZON.NextIntent", "AMAZON.CancelIntent": "AMAZON.StopIntent"}.get(answer, answer)

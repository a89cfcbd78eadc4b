"""How often the offline resolver reaches the right answer, on labelled utterances.

A labelled file is YAML: `utterances: [{text, topic | intent, also?: [topics]}]`. An
utterance counts as right when the resolved intent and slots lead to its topic (or one
of its `also` topics), or, for a built-in intent, to that intent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..core.content import Content
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
    """The topic id the skill would answer with, or the built-in intent's name."""
    resolution = resolver.resolve(text)
    topic = content.topic_for(resolution.intent, {s.name: s.id for s in resolution.slots})
    return topic.id if topic is not None else resolution.intent


def score_file(content: Content, resolver: Resolver, path: Path) -> Score:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["utterances"]
    misses = []
    for entry in entries:
        expected = entry.get("topic") or entry["intent"]
        got = answer_of(content, resolver, entry["text"])
        if got != expected and got not in (entry.get("also") or ()):
            misses.append(Miss(entry["text"], expected, got))
    return Score(path.name, len(entries), tuple(misses))

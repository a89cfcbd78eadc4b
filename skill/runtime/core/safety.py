"""The safety net's reading of a request: which red flag its slots report or ask about.

Every slot of every intent counts, in every state: the value Alexa resolved (an
entity-resolution id) and the words it heard, resolved or not (ER_SUCCESS_NO_MATCH).
The words go through the triage (triage.py), one slot at a time and all together, so a
sign split across slots ("{body_part}: foot", "{symptom}: gone cold and white") is heard
too. An intent this content doesn't know is read the same way. Pure Python, no SDK.
"""


from functools import cached_property
from typing import NamedTuple
from collections.abc import Mapping

from .content import Content
from .triage import Finding, Flag, Rules, Triage, asks_about


class Slot(NamedTuple):
    id: str | None = None  # the resolved value's id (ER_SUCCESS_MATCH), else None
    words: str | None = None  # what Alexa heard, resolved or not


Slots = Mapping[str, Slot]


class SafetyNet:
    def __init__(self, content: Content):
        self.content = content

    @cached_property
    def triage(self) -> Triage:
        """Built on first use: a launch or "next" never needs it."""
        return triage_for(self.content)

    def reported(self, intent_name: str | None, slots: Slots) -> Finding | None:
        """The most urgent red flag the request reports: any slot but those that ask
        about a sign ("what are the signs of {sign}"), and words that ask a question
        about one rather than say it is happening."""
        return self._most_urgent(self._split(intent_name, slots)[0])

    def asked_about(self, intent_name: str | None, slots: Slots) -> Finding | None:
        """The red flag a question asks about ("how can you tell if it's a stroke"), by
        its signs or by the condition's name."""
        asking = self._split(intent_name, slots)[1]
        named = [f for slot in asking if slot.words for f in self.triage.named(slot.words)]
        return min([*filter(None, [self._most_urgent(asking)]), *named], key=self.triage.rank, default=None)

    def _split(self, intent_name: str | None, slots: Slots) -> tuple[list[Slot], list[Slot]]:
        _, asked = self.content.symptom_slots(intent_name)
        reporting, asking = [], []
        for name, slot in slots.items():
            # Words Alexa resolved to a sign are that sign; unresolved words may be a question.
            questioned = name in asked or (slot.id is None and slot.words is not None and asks_about(slot.words))
            (asking if questioned else reporting).append(slot)
        return reporting, asking

    def unheard(self, intent_name: str | None, slots: Slots) -> bool:
        """Whether a slot that describes symptoms holds words nothing here recognises
        ("my toes feel weird"): the answer then says what to do if it could be serious."""
        reported, _ = self.content.symptom_slots(intent_name)
        return any(
            slot.words and slot.id not in self.content.red_flags and not self.triage.findings(slot.words)
            for name, slot in slots.items()
            if name in reported
        )

    def _most_urgent(self, slots: list[Slot]) -> Finding | None:
        if not any(slot.words or slot.id for slot in slots):
            return None  # nothing said: the triage (built on first use) is not needed yet
        found = [
            Finding(slot.id, self.content.red_flags[slot.id].level, False, 0, 0)
            for slot in slots
            if slot.id in self.content.red_flags
        ]
        words = [slot.words for slot in slots if slot.words]
        heard = self.triage.most_urgent([*words, ", ".join(words)] if len(words) > 1 else words)
        found += [heard] if heard else []
        return min(found, key=self.triage.rank, default=None)


_TRIAGES: list[tuple[Mapping, Rules, Triage]] = []  # (red flags, rules, their triage), newest last
_TRIAGES_KEPT = 8  # tests load many edited copies of the content; a process keeps the last few


def triage_for(content: Content) -> Triage:
    """The triage for this content's red flags and rules, built once per process: the
    dialog, the resolver and the skill share it, even when each loaded the content."""
    for flags, rules, triage in _TRIAGES:  # the very objects: the quick check, every request
        if flags is content.red_flags and rules is content.triage_rules:
            return triage
    equal = (t for flags, rules, t in _TRIAGES if flags == content.red_flags and rules == content.triage_rules)
    triage = next(equal, None)
    if triage is None:
        flags = [Flag(f.id, f.level, f.passed, f.said, f.signs, f.slowly, f.names, f.explains) for f in content.red_flags.values()]
        triage = Triage(flags, content.triage_rules)
    _TRIAGES.append((content.red_flags, content.triage_rules, triage))
    del _TRIAGES[:-_TRIAGES_KEPT]
    return triage

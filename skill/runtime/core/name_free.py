"""Name-free requests: can the skill answer what someone said without saying its name?

"Alexa, my calf is cramping": Alexa may offer that request to skills that were not named,
asking each first with a CanFulfillIntentRequest. The skill answers from its content,
honestly, and does nothing else: no speech, no session state, no words logged.

- An intent that is not one of ours, or one that only means something inside a routine
  already running (a name-free request always starts a new session): NO.
- A red flag heard in any slot: YES. The request that follows is answered as any other,
  so the emergency call comes first, exactly as when the skill is asked by name.
- One of our questions or actions: YES when every slot Alexa filled holds a value the
  content knows, MAYBE when one holds words it doesn't (they get a general answer).

Each slot that was filled: canUnderstand YES and canFulfill YES for a known value (or a
red flag); MAYBE and NO for words the content doesn't know. Pure Python, no SDK.
"""


from typing import NamedTuple

from .content import SEARCH_QUERY_TYPE, Content
from .safety import SafetyNet, Slot, Slots
from .words import stems_of

YES, NO, MAYBE = "YES", "NO", "MAYBE"
# These act on a routine in progress; a new session has none.
IN_A_ROUTINE_ONLY = frozenset({"SkipIntent", "DoneIntent"})


class SlotAnswer(NamedTuple):
    can_understand: str
    can_fulfill: str


class Fulfilment(NamedTuple):
    can_fulfill: str
    slots: dict[str, SlotAnswer]


class NameFreeCheck:
    def __init__(self, content: Content, safety: SafetyNet):
        self.content = content
        self.safety = safety
        self._phrases_of: dict[str, frozenset[tuple[str, ...]]] = {}  # per slot type, built when first needed

    def answer(self, intent_name: str | None, slots: Slots) -> Fulfilment:
        filled = {name: slot for name, slot in slots.items() if slot.words or slot.id}
        intent = self.content.question_intents.get(intent_name or "") or self.content.action_intents.get(intent_name or "")
        if intent is None or intent.name in IN_A_ROUTINE_ONLY:
            return Fulfilment(NO, {name: SlotAnswer(NO, NO) for name in filled})
        if self.safety.reported(intent_name, filled) is not None:
            return Fulfilment(YES, {name: SlotAnswer(YES, YES) for name in filled})
        types = {spec.name: spec.type for spec in intent.slots}
        answers = {
            name: SlotAnswer(YES, YES) if self._known(types.get(name), slot) else SlotAnswer(MAYBE, NO)
            for name, slot in filled.items()
        }
        every_slot_known = all(answer.can_fulfill == YES for answer in answers.values())
        return Fulfilment(YES if every_slot_known else MAYBE, answers)

    def _known(self, slot_type: str | None, slot: Slot) -> bool:
        """A value of the slot's type: by the id Alexa resolved, or else by its words, for
        a check that carries no resolutions (as Amazon's own example doesn't)."""
        if slot_type is not None and slot_type.startswith("AMAZON.") and slot_type != SEARCH_QUERY_TYPE:
            return slot.words is not None  # a time: Alexa has already read it as one
        values = self.content.slot_types.get(slot_type or "", {})
        if slot.id is not None:
            return slot.id in values
        return slot.words is not None and stems_of(slot.words) in self._phrases(slot_type)

    def _phrases(self, slot_type: str | None) -> frozenset[tuple[str, ...]]:
        if slot_type not in self._phrases_of:
            values = self.content.slot_types.get(slot_type or "", {})
            self._phrases_of[slot_type] = frozenset(stems_of(p) for phrases in values.values() for p in phrases)
        return self._phrases_of[slot_type]

"""The skill's content as immutable objects: topics, routines, red flags, intents, prompts.

loader.py reads and validates content/*.yaml into these; compiled.py saves and restores
them as JSON. Every problem is reported at once (`ContentError`), each naming the file,
the entry and the field. Once loaded, nothing a request needs can be missing.
"""

# No postponed annotations (the __future__ import) in the core's modules that define NamedTuples:
# typing compiles every string annotation of a NamedTuple when the class is made, about
# 7 ms of a cold start (tests/test_sdk.py keeps it so). A class is defined before use.
import re
from typing import NamedTuple
from collections.abc import Mapping

from .triage import SOON, Rules, Sign


# The slot type whose values are the red flags (content/red_flags.yaml), not topics.
# Every id in the content (topics, routines, flags, slot values); the loader refuses others,
# and session attributes that name one are checked against it before anything else.
CONTENT_ID = re.compile(r"[a-z][a-z0-9_]{0,63}")


def is_content_id(value: object) -> bool:
    return isinstance(value, str) and CONTENT_ID.fullmatch(value) is not None


SYMPTOM_TYPE = "Symptom"
# The slot type whose values are the guided routines (content/routines.yaml).
ROUTINE_TYPE = "Routine"
# The slot type of the catch-all "tell me about {topic}": every topic's name.
TOPIC_TYPE = "Topic"
# Alexa's phrase slot: whatever the person said after the carrier words, unresolved.
SEARCH_QUERY_TYPE = "AMAZON.SearchQuery"
TIME_TYPE = "AMAZON.TIME"
# Slots whose words describe what is happening: never dropped unheard.
FREE_TEXT_TYPES = frozenset({SYMPTOM_TYPE, SEARCH_QUERY_TYPE})


# --------------------------------------------------------------------------- errors


class Problem(NamedTuple):
    file: str
    entry: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.entry is not None:
            where.append(f"entry '{self.entry}'")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        return ": ".join(where + [self.message])


class ContentError(Exception):
    """The content cannot be used; `problems` lists every reason found."""

    def __init__(self, problems: list[Problem]):
        self.problems = tuple(problems)
        super().__init__(
            f"{len(problems)} problem(s) in the content:\n" + "\n".join(f"  {p}" for p in problems)
        )


# --------------------------------------------------------------------------- the model


class Source(NamedTuple):
    key: str
    title: str
    url: str | None
    seed: str | None  # a seed document's file name in ../shared/seeds


class FollowUp(NamedTuple):
    """An offer made after an answer; "yes" hears `text`, the answer to `topic`, or is
    guided through `routine`."""

    prompt: str
    text: str | None = None
    topic: str | None = None
    routine: str | None = None


class Topic(NamedTuple):
    """An answer. It is either spoken (`speech`, `card`, perhaps a `follow_up`) or guided:
    `routine` names the routine that answers it ("my calf is cramping" starts the hold)."""

    id: str
    title: str
    speech: str | None
    card: str | None
    sources: tuple[str, ...]
    follow_up: FollowUp | None
    asked: Mapping[str, tuple[str, ...]]  # slot type -> phrases that name this topic
    routine: str | None = None


class RoutineStep(NamedTuple):
    do: str  # the instruction
    hold: int | None = None  # seconds, counted out
    reps: int = 1
    sides: bool = False  # done on one side, then the other
    # Held until the cramp lets go: the count never ends in "relax" (medical.md section 6).
    until_eased: bool = False


class Routine(NamedTuple):
    id: str
    title: str  # card and screen
    name: str  # said: "the calf stretch"
    said: tuple[str, ...]  # how people ask for it: the Routine slot's value and synonyms
    safety: str
    sources: tuple[str, ...]
    steps: tuple[RoutineStep, ...]
    # The routine that starts when someone asks for stretches without naming one.
    when_none_named: bool = False


class SlotSpec(NamedTuple):
    name: str
    type: str
    # A symptom asked about ("what are the signs of a stroke"), not reported: the safety
    # net leaves it to the question's answer, which says to call if it is happening now.
    asked_about: bool = False


class ActionIntent(NamedTuple):
    """An intent that does something rather than answer a topic (start a routine, skip a
    step); its handler lives in skill/handlers."""

    name: str
    samples: tuple[str, ...]
    slots: tuple[SlotSpec, ...]


class QuestionIntent(NamedTuple):
    """A question people ask. It answers `topic`, or else the topic its first slot names
    (`default` when that slot is empty or unknown). Other slots are context ("why do my
    {body_part} cramp {situation}"): they help recognise the question, never choose it."""

    name: str
    samples: tuple[str, ...]
    slots: tuple[SlotSpec, ...]
    topic: str | None
    default: str | None
    # False: a slot value answered by a guided routine gets `default` instead. A stretch asked
    # for ahead of time ("a stretch for my calves before bed") is not the mid-cramp routine.
    routines: bool = True

    @property
    def topic_slot(self) -> SlotSpec | None:
        return self.slots[0] if self.topic is None and self.slots else None


class BuiltinIntent(NamedTuple):
    name: str
    samples: tuple[str, ...]


class RedFlag(NamedTuple):
    """A sign that needs more than self-care (medical.md sections 2 and 6): call the
    emergency number now (EMERGENCY), get seen today (URGENT), or book a doctor (SOON)."""

    id: str
    level: str  # EMERGENCY, URGENT or SOON
    title: str
    said: tuple[str, ...]  # phrases people use for it
    signs: tuple[Sign, ...]  # word classes (Content.triage_rules.words) heard together
    sources: tuple[str, ...]
    why: str | None = None  # EMERGENCY: one short sentence on why it is urgent
    advice: str | None = None  # URGENT and SOON: what to do, calmly
    first_aid: str | None = None  # EMERGENCY: what helps, or what not to do, until help comes
    passed: str = SOON  # the level when the person says it is over ("but i'm fine now")
    slowly: str | None = None  # the flag it is when it came on slowly (weakness over months)
    # The condition's names ("a stroke"): what a question asks about ("what are the signs
    # of {sign}"), read in a slot that asks; no report of a sign: "is cramp a sign of a stroke".
    names: tuple[str, ...] = ()
    explains: tuple[str, ...] = ()  # flags whose words, said within this one's, are this one
    # EMERGENCY: said instead of `why` to a question about the sign ("what's the difference
    # between a cramp and a seizure"), before "If this is happening now, call...".
    when_asked: str | None = None


class LocaleFacts(NamedTuple):
    """What differs by the request's locale. Locale is not location, so the skill always
    adds "or your local emergency number"."""

    locale: str
    emergency_number: str  # digits, as on the card ("000")
    spoken_number: str  # as said ("9 1 1", "triple zero")
    # Where to get seen today (medical.md section 6), said after an urgent sign.
    urgent_care: str
    soon_line: str | None  # a line for when a see-a-doctor sign can't wait (en-GB: NHS 111)
    sources: tuple[str, ...]


class Prompts(NamedTuple):
    """The skill's own lines, outside any topic. Every field is required in prompts.yaml."""

    welcome: str
    welcome_reprompt: str
    help: str
    help_reprompt: str
    fallback: str
    fallback_reprompt: str
    offer_reprompt: str
    nothing_offered: str
    nothing_to_repeat: str
    declined: str
    goodbye: str
    error: str
    error_reprompt: str
    card_footer: str
    safety_line: str
    unheard: str
    emergency_call: str
    emergency_cannot_call: str
    emergency_card_title: str
    local_number: str
    sign_if_now: str
    urgent_care_anywhere: str
    urgent_worse: str
    urgent_if_now: str
    passed_soon: str
    passed_urgent: str
    soon_cant_wait: str
    routine_start: str
    hold: str
    seconds_left: str
    relax: str
    keep_holding: str
    hold_until_eased: str
    again: str
    other_side: str
    routine_next: str
    routine_next_reprompt: str
    routine_done: str
    routine_last: str
    routine_resume: str
    routine_first: str
    routine_paused: str
    routine_paused_reprompt: str
    routine_stopped: str
    back_to_routine: str
    no_routine: str
    routines_list: str
    routines_list_reprompt: str
    routines_others: str
    reminder_text: str
    reminder_set: str
    reminder_why_permission: str
    reminder_declined: str
    reminder_card_sent: str
    reminder_unsupported: str
    reminder_too_many: str
    reminder_unavailable: str
    reminder_cancelled: str
    reminder_none: str
    reminder_when: str
    reminder_offer: str
    reminder_offer_reprompt: str
    pain_worse: str


class Content(NamedTuple):
    invocation_name: str
    topics: Mapping[str, Topic]
    question_intents: Mapping[str, QuestionIntent]
    builtin_intents: tuple[BuiltinIntent, ...]
    prompts: Prompts
    sources: Mapping[str, Source]
    # slot type -> value id -> phrases; derived from the topics' `asked` lists, and for
    # SYMPTOM_TYPE from the red flags' `said` lists and spelled-out `signs`.
    slot_types: Mapping[str, Mapping[str, tuple[str, ...]]]
    red_flags: Mapping[str, RedFlag]
    triage_rules: Rules
    locales: Mapping[str, LocaleFacts]
    routines: Mapping[str, Routine]
    action_intents: Mapping[str, ActionIntent]

    def symptom_slots(self, intent_name: str | None) -> tuple[frozenset[str], frozenset[str]]:
        """The intent's slots that report a symptom, and those that ask about one ("what
        are the signs of {sign}"). An intent this content doesn't know: every slot reports."""
        intent = self.question_intents.get(intent_name or "") or self.action_intents.get(intent_name or "")
        if intent is None:
            return frozenset(), frozenset()
        asked = frozenset(s.name for s in intent.slots if s.asked_about)
        reported = frozenset(s.name for s in intent.slots if s.type in FREE_TEXT_TYPES and not s.asked_about)
        return reported, asked

    def topic_for(self, intent_name: str, slot_ids: Mapping[str, str | None]) -> Topic | None:
        """The topic a question intent answers, given its slots' resolved value ids.

        None when the intent is not one of ours. A slot id that is not a value of that
        slot's type (an unmatched or forged value) falls back to the intent's default.
        """
        intent = self.question_intents.get(intent_name)
        if intent is None:
            return None
        if intent.topic is not None:
            return self.topics[intent.topic]
        slot = intent.topic_slot
        value_id = slot_ids.get(slot.name)
        if value_id is not None and value_id in self.slot_types.get(slot.type, {}):
            topic = self.topics[value_id]
            if intent.routines or topic.routine is None:
                return topic
        return self.topics[intent.default]

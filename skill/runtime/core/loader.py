"""Reading content/*.yaml: every check, every problem reported with file, entry and field.

Imported only when the content has to be read from YAML (tests, tools, and a start-up
without a fresh compiled copy); a compiled start-up skips it.
"""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path
from types import MappingProxyType
from typing import Any
from collections.abc import Mapping

from .content import (
    CONTENT_ID,
    ROUTINE_TYPE, SEARCH_QUERY_TYPE, SYMPTOM_TYPE, TIME_TYPE, ActionIntent, BuiltinIntent, Content, ContentError, FollowUp,
    LocaleFacts, Problem, Prompts, QuestionIntent, RedFlag, Routine, RoutineStep, SlotSpec, Source, Topic,
)
from .triage import EMERGENCY, END_OF_CLAUSE, LEVELS, SOON, URGENT, Rules, Sign

MAX_SPOKEN_WORDS = 50  # The spoken part of a first answer: short, more is offered.
MAX_FOLLOW_UP_WORDS = 90
MAX_SLOT_VALUE_CHARS = 140  # Alexa's limit for a custom slot value or synonym.
MAX_WHY_WORDS = 20  # An emergency answer says why in one short sentence, then stops.
MAX_FIRST_AID_WORDS = 16  # ...and, where it matters, what to do until help comes.
MAX_URGENT_CARE_WORDS = 20  # Where to get seen today, said first for an urgent sign.
# Said with the locale's line and "if it gets worse, call": the whole stays short.
MAX_ADVICE_WORDS = {URGENT: 30, SOON: MAX_SPOKEN_WORDS}
MIN_RED_FLAG_PHRASES = 6  # People say a symptom many ways; the model must know them.
MAX_PHRASES_PER_SIGN = 120  # A sign's words multiply out; the model takes an even spread of them.
MAX_STEP_WORDS = 20  # A step is said before its count: hands are busy, keep it short.
MAX_SAFETY_WORDS = 25
MIN_HOLD_SECONDS, MAX_HOLD_SECONDS = 5, 60
MIN_ROUTINE_PHRASES = 5

_INTENT_NAME = re.compile(r"[A-Z][A-Za-z]*Intent")
_SLOT_TYPE = re.compile(r"[A-Z][A-Za-z]*")
# Built-in slot types the skill uses: a phrase slot for free descriptions.
BUILT_IN_SLOT_TYPES = frozenset({SEARCH_QUERY_TYPE, TIME_TYPE})
# Alexa allows letters, spaces, apostrophes, and periods in abbreviations ("a. l. s.").
_SPOKEN_PHRASE = re.compile(r"[a-z]+\.?(?:'[a-z]+)?(?: [a-z]+\.?(?:'[a-z]+)?)*")
_SAMPLE_SLOT = re.compile(r"\{([a-z_]+)\}")
_LIST_ITEM_STARTING_WITH_SLOT = re.compile(r"^\s*-\s*\{", re.MULTILINE)
_LOCALE = re.compile(r"[a-z]{2}-[A-Z]{2}")
_PLACEHOLDER = re.compile(r"\{([a-z_]*)\}")


# What a topic's speech, card and follow-up may hold, filled in for the request's locale:
# the emergency number, and the sentence that says where to get seen today.
TOPIC_PLACEHOLDERS = {"number", "care"}

# Prompts filled in by the skill: each must use exactly these {placeholders}.
PROMPT_PLACEHOLDERS = {
    "safety_line": {"number"},
    "unheard": {"number"},
    "emergency_call": {"number"},
    "emergency_cannot_call": {"number_or_local"},
    "emergency_card_title": {"number"},
    "sign_if_now": {"number_or_local"},
    "urgent_worse": {"number"},
    "urgent_if_now": {"care"},
    "passed_soon": {"number"},
    "soon_cant_wait": {"line"},
    "routine_start": {"name"},
    "seconds_left": {"seconds"},
    "routine_done": {"name"},
    "routine_resume": {"name"},
    "routine_first": {"name"},
    "back_to_routine": {"name"},
    "routines_list": {"names"},
    "reminder_set": {"time"},
    "reminder_when": {"time"},
    "reminder_offer": {"time"},
}


class Loader:
    def __init__(self, directory: Path):
        self.directory = directory
        self.problems: list[Problem] = []
        # Ids of every topic entry, valid or not, so a reference to a topic that has its
        # own problems is not also reported as a reference to an unknown topic.
        self.topic_ids_seen: set[str] = set()
        self.unreadable: list[str] = []  # files that are missing or not valid YAML
        self.symptom_values: dict[str, tuple[str, ...]] = {}  # red flag id -> the model's phrases

    # -- helpers

    def problem(self, file: str, entry: str | None, field: str | None, message: str) -> None:
        self.problems.append(Problem(file, entry, field, message))

    def read_yaml(self, path: Path) -> Any:
        import yaml  # only when the YAML is read: a compiled start-up never needs it

        try:  # The C loader is several times faster; Lambda's PyYAML wheels include it.
            loader = yaml.CSafeLoader
        except AttributeError:  # pragma: no cover - depends on how PyYAML was built
            loader = yaml.SafeLoader
        name = self.display(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.unreadable.append(name)
            self.problem(name, None, None, "file is missing")
            return None
        except (OSError, UnicodeDecodeError) as error:
            self.unreadable.append(name)
            self.problem(name, None, None, f"cannot be read: {error}")
            return None
        try:
            return yaml.load(text, Loader=loader)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = f"line {mark.line + 1}: " if mark is not None else ""
            reason = getattr(error, "problem", None) or str(error)
            if mark is not None and _LIST_ITEM_STARTING_WITH_SLOT.search(
                "\n".join(text.splitlines()[max(0, mark.line - 1): mark.line + 1])
            ):
                reason += " (an item that starts with {slot} must be in quotes)"
            self.unreadable.append(name)
            self.problem(name, None, None, f"{line}not valid YAML: {reason}")
            return None

    def display(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.directory.parent))
        except ValueError:
            return str(path)

    def top_list(self, path: Path, key: str) -> list:
        data = self.read_yaml(path)
        if data is None:
            return []
        if not isinstance(data, dict) or not isinstance(data.get(key), list):
            self.problem(self.display(path), None, key, f"the file must have a top-level list '{key}'")
            return []
        return data[key]

    # -- the whole

    def load(self) -> Content:
        sources = self.load_sources(self.directory / "sources.yaml")
        prompts = self.load_prompts(self.directory / "prompts.yaml")
        problems_before = len(self.problems)
        invocation, intents, actions, builtins = self.load_intents(self.directory / "intents.yaml")
        intents_ok = len(self.problems) == problems_before
        topic_files = sorted((self.directory / "answers").glob("*.yaml"))
        if not topic_files:
            self.problem(self.display(self.directory / "answers"), None, None, "no topic files (*.yaml)")
        topics: dict[str, Topic] = {}
        topic_file: dict[str, str] = {}
        for path in topic_files:
            for topic in self.load_topics(path, sources):
                if topic.id in topics:
                    self.problem(
                        self.display(path), topic.id, "id",
                        f"duplicate id: already used in {topic_file[topic.id]}",
                    )
                    continue
                topics[topic.id] = topic
                topic_file[topic.id] = self.display(path)
        red_flags, triage_rules = self.load_red_flags(self.directory / "red_flags.yaml", sources, set(topics))
        locales = self.load_locales(self.directory / "locales.yaml", sources)
        routines = self.load_routines(self.directory / "routines.yaml", sources)
        # References span files: with intents.yaml broken or any file unreadable, checking
        # them would bury the real error under a follow-on error per topic.
        references_checkable = intents_ok and not self.unreadable
        slot_types = (
            self.check_references(topics, topic_file, [*intents, *actions], red_flags, routines)
            if references_checkable
            else {}
        )
        if self.problems:
            raise ContentError(self.problems)
        return Content(
            invocation_name=invocation,
            topics=MappingProxyType(topics),
            question_intents=MappingProxyType({i.name: i for i in intents}),
            builtin_intents=tuple(builtins),
            prompts=prompts,
            sources=MappingProxyType(sources or {}),
            slot_types=MappingProxyType(
                {name: MappingProxyType(values) for name, values in slot_types.items()}
            ),
            red_flags=MappingProxyType(red_flags),
            triage_rules=triage_rules,
            locales=MappingProxyType(locales),
            routines=MappingProxyType(routines),
            action_intents=MappingProxyType({i.name: i for i in actions}),
        )

    # -- sources.yaml

    def load_sources(self, path: Path) -> dict[str, Source] | None:
        """The citable sources, or None when the file itself could not be read."""
        file = self.display(path)
        unreadable_before = len(self.unreadable)
        sources: dict[str, Source] = {}
        for index, raw in enumerate(self.top_list(path, "sources")):
            entry = _Entry(self, file, raw, index, {"key", "title", "url", "seed"})
            key, title = entry.text("key"), entry.text("title")
            url, seed = entry.text("url", required=False), entry.text("seed", required=False)
            if entry.ok and (url is None) == (seed is None):
                self.problem(file, entry.name, "url", "give exactly one of 'url' or 'seed'")
            if url is not None and not url.startswith(("http://", "https://")):
                self.problem(file, entry.name, "url", "must start with http:// or https://")
            if key in sources:
                self.problem(file, key, "key", "duplicate source key")
            elif entry.ok and key is not None and title is not None:
                sources[key] = Source(key, title, url, seed)
        return None if len(self.unreadable) > unreadable_before else sources

    # -- prompts.yaml

    def load_prompts(self, path: Path) -> Prompts:
        file = self.display(path)
        data = self.read_yaml(path)
        names = list(Prompts._fields)
        if not isinstance(data, dict) or not isinstance(data.get("prompts"), dict):
            if data is not None:
                self.problem(file, None, "prompts", "the file must have a top-level mapping 'prompts'")
            return Prompts(*[""] * len(names))
        entry = _Entry(self, file, data["prompts"], "prompts", set(names))
        texts = {name: entry.text(name) or "" for name in names}
        for name, text in texts.items():
            used = set(_PLACEHOLDER.findall(text))
            wanted = PROMPT_PLACEHOLDERS.get(name, set())
            if text and used != wanted:
                expected = ", ".join(f"{{{p}}}" for p in sorted(wanted)) or "no {placeholders}"
                self.problem(file, "prompts", name, f"must use exactly {expected}")
        return Prompts(**texts)

    # -- intents.yaml

    def load_intents(
        self, path: Path
    ) -> tuple[str, list[QuestionIntent], list[ActionIntent], list[BuiltinIntent]]:
        file = self.display(path)
        data = self.read_yaml(path)
        if not isinstance(data, dict):
            if data is not None:
                self.problem(file, None, None, "the file must be a mapping")
            return "", [], [], []
        top = _Entry(
            self, file, data, None, {"invocation_name", "question_intents", "action_intents", "builtin_intents"}
        )
        invocation = top.text("invocation_name") or ""
        intents = [
            self.load_question_intent(file, raw, index)
            for index, raw in enumerate(top.list("question_intents"))
        ]
        intents = [i for i in intents if i is not None]
        actions = []
        for index, raw in enumerate(top.list("action_intents", required=False)):
            entry = _Entry(self, file, raw, index, {"name", "slots", "samples"})
            name = entry.text("name")
            if name is not None and not _INTENT_NAME.fullmatch(name):
                entry.fail("name", "must be CamelCase ending in 'Intent'")
            slots = self.load_slots(file, entry)
            samples = self.load_samples(file, entry, slots)
            if entry.ok and name:
                actions.append(ActionIntent(name, samples, tuple(slots)))
        builtins = []
        for index, raw in enumerate(top.list("builtin_intents")):
            entry = _Entry(self, file, raw, index, {"name", "samples"})
            name = entry.text("name")
            samples = entry.text_list("samples", required=False)
            if name is not None and not name.startswith("AMAZON."):
                self.problem(file, entry.name, "name", "a built-in intent's name starts with 'AMAZON.'")
            for sample in samples:
                self.check_sample(file, entry.name, sample, declared=set())
            if entry.ok and name:
                builtins.append(BuiltinIntent(name, samples))
        seen: dict[str, str] = {}
        for intent in [*intents, *actions, *builtins]:
            if intent.name in seen:
                self.problem(file, intent.name, "name", "duplicate intent name")
            seen[intent.name] = intent.name
        self.check_unique_samples(file, [*intents, *actions, *builtins])
        return invocation, intents, actions, builtins

    def load_slots(self, file: str, entry: _Entry) -> list[SlotSpec]:
        slots = []
        for slot_raw in entry.list("slots", required=False):
            slot = _Entry(self, file, slot_raw, entry.name, {"name", "type", "asked_about"}, field_prefix="slots.")
            slot_name, slot_type = slot.text("name"), slot.text("type")
            asked_about = slot.raw.get("asked_about", False)
            if asked_about not in (True, False):
                slot.fail("asked_about", "must be true or false")
            elif asked_about and slot_type != SYMPTOM_TYPE:
                slot.fail("asked_about", f"only a {SYMPTOM_TYPE} slot can be a symptom asked about")
            if slot_name is not None and not CONTENT_ID.fullmatch(slot_name):
                self.problem(file, entry.name, "slots.name", "must be lower_snake_case")
            if slot_type is not None and not _SLOT_TYPE.fullmatch(slot_type) and slot_type not in BUILT_IN_SLOT_TYPES:
                self.problem(file, entry.name, "slots.type", "must be CamelCase letters")
            if slot.ok and slot_name and slot_type:
                slots.append(SlotSpec(slot_name, slot_type, asked_about is True))
        return slots

    def load_samples(self, file: str, entry: _Entry, slots: list[SlotSpec]) -> tuple[str, ...]:
        """The samples, checked; every declared slot must be used by one."""
        samples = entry.text_list("samples")
        declared = {slot.name for slot in slots}
        used: set[str] = set()
        phrase_slots = {slot.name for slot in slots if slot.type == SEARCH_QUERY_TYPE}
        for sample in samples:
            in_sample = self.check_sample(file, entry.name, sample, declared)
            if in_sample & phrase_slots and len(in_sample) > 1:
                self.problem(file, entry.name, "samples", f"'{sample}': a phrase slot ({SEARCH_QUERY_TYPE}) must be the only slot in its sample")
            used |= in_sample
        for unused in sorted(declared - used):
            self.problem(file, entry.name, "slots", f"slot '{unused}' is used by no sample")
        return samples

    def load_question_intent(self, file: str, raw: Any, index: int) -> QuestionIntent | None:
        entry = _Entry(self, file, raw, index, {"name", "slots", "default", "topic", "samples", "routines"})
        name = entry.text("name")
        if name is not None and not _INTENT_NAME.fullmatch(name):
            self.problem(file, entry.name, "name", "must be CamelCase ending in 'Intent'")
        slots = self.load_slots(file, entry)
        topic = entry.text("topic", required=False)
        default = entry.text("default", required=False)
        if (topic is None) == (default is None):
            self.problem(file, entry.name, "topic", "give exactly one of 'topic' or 'default'")
        elif default is not None and not slots:
            self.problem(file, entry.name, "default", "'default' needs a slot to choose the topic from")
        routines = entry.raw.get("routines", True)
        if routines not in (True, False):
            entry.fail("routines", "true or false")
        samples = self.load_samples(file, entry, slots)
        if not entry.ok or name is None:
            return None
        return QuestionIntent(name, samples, tuple(slots), topic, default, routines)

    def check_sample(self, file: str, intent: str, sample: str, declared: set[str]) -> set[str]:
        used = set(_SAMPLE_SLOT.findall(sample))
        for slot in sorted(used - declared):
            self.problem(file, intent, "samples", f"'{sample}': slot '{{{slot}}}' is not declared")
        words = _SAMPLE_SLOT.sub("slot", sample)
        if not _SPOKEN_PHRASE.fullmatch(words):
            self.problem(
                file, intent, "samples",
                f"'{sample}': use lower-case words only (no digits, no , ? ! / and single spaces)",
            )
        return used

    def check_unique_samples(self, file: str, intents: list) -> None:
        owner: dict[str, str] = {}
        for intent in intents:
            for sample in intent.samples:
                if sample in owner:
                    where = "twice" if owner[sample] == intent.name else f"also in {owner[sample]}"
                    self.problem(file, intent.name, "samples", f"'{sample}' appears {where}")
                owner.setdefault(sample, intent.name)

    # -- answers/*.yaml

    def load_topics(self, path: Path, sources: dict[str, Source] | None) -> list[Topic]:
        file = self.display(path)
        topics = []
        for index, raw in enumerate(self.top_list(path, "topics")):
            entry = _Entry(
                self, file, raw, index,
                {"id", "title", "speech", "card", "sources", "follow_up", "asked", "routine"},
                name_field="id",
            )
            topic_id = entry.text("id")
            if topic_id is not None:
                self.topic_ids_seen.add(topic_id)
            if topic_id is not None and not CONTENT_ID.fullmatch(topic_id):
                self.problem(file, entry.name, "id", "must be lower_snake_case")
            title = entry.text("title")
            routine = entry.text("routine", required=False)
            spoken = routine is None
            speech = entry.text("speech", required=spoken, max_words=MAX_SPOKEN_WORDS)
            card = entry.text("card", required=spoken)
            cited = self.cited_sources(file, entry, sources)
            follow_up = self.load_follow_up(file, entry)
            asked = self.load_asked(file, entry)
            if not spoken:
                for field in ("speech", "card", "follow_up"):
                    if field in entry.raw:
                        entry.fail(field, "a topic answered by a routine says only what the routine says")
            texts = {"speech": speech, "card": card, "follow_up.text": follow_up.text if follow_up else None}
            for field, text in texts.items():
                found = _PLACEHOLDER.findall(text or "")
                # An unknown name, or a brace that is no placeholder at all ("{ number}").
                if set(found) - TOPIC_PLACEHOLDERS or (text or "").count("{") != len(found):
                    allowed = " and ".join(f"{{{p}}}" for p in sorted(TOPIC_PLACEHOLDERS))
                    self.problem(file, entry.name, field, f"may hold only the placeholders {allowed}")
            if entry.ok and topic_id and title and (routine or (speech and card)):
                topics.append(Topic(topic_id, title, speech, card, cited, follow_up, asked, routine))
        return topics

    def cited_sources(self, file: str, entry: _Entry, sources: dict[str, Source] | None) -> tuple[str, ...]:
        cited = entry.text_list("sources")
        for key in cited:
            if sources is not None and key not in sources:
                self.problem(file, entry.name, "sources", f"unknown source '{key}' (see sources.yaml)")
        return cited

    def check_phrase(self, file: str, entry: str | None, field: str, phrase: str) -> None:
        """A phrase that becomes a slot value: Alexa's characters and length."""
        if len(phrase) > MAX_SLOT_VALUE_CHARS:
            self.problem(file, entry, field, f"'{phrase[:40]}…' is over {MAX_SLOT_VALUE_CHARS} characters")
        elif not _SPOKEN_PHRASE.fullmatch(phrase):
            self.problem(file, entry, field, f"'{phrase}': use lower-case words only")

    def load_follow_up(self, file: str, topic: _Entry) -> FollowUp | None:
        raw = topic.raw.get("follow_up") if isinstance(topic.raw, dict) else None
        if raw is None:
            return None
        entry = _Entry(self, file, raw, topic.name, {"prompt", "text", "topic", "routine"}, field_prefix="follow_up.")
        prompt = entry.text("prompt")
        text = entry.text("text", required=False, max_words=MAX_FOLLOW_UP_WORDS)
        target = entry.text("topic", required=False)
        routine = entry.text("routine", required=False)
        if entry.ok and [text, target, routine].count(None) != 2:
            self.problem(file, topic.name, "follow_up", "give exactly one of 'text', 'topic' or 'routine'")
        if prompt is not None and not prompt.endswith("?"):
            self.problem(file, topic.name, "follow_up.prompt", "an offer is a question: end it with '?'")
        if not entry.ok or prompt is None:
            topic.ok = False
            return None
        return FollowUp(prompt, text, target, routine)

    def load_asked(self, file: str, topic: _Entry) -> Mapping[str, tuple[str, ...]]:
        raw = topic.raw.get("asked") if isinstance(topic.raw, dict) else None
        if raw is None:
            return MappingProxyType({})
        if not isinstance(raw, dict):
            self.problem(file, topic.name, "asked", "must map slot types to lists of phrases")
            topic.ok = False
            return MappingProxyType({})
        asked = {}
        for slot_type, phrases in raw.items():
            field = f"asked.{slot_type}"
            if not isinstance(phrases, list) or not phrases or not all(isinstance(p, str) for p in phrases):
                self.problem(file, topic.name, field, "must be a non-empty list of phrases")
                topic.ok = False
                continue
            for phrase in phrases:
                self.check_phrase(file, topic.name, field, phrase)
            asked[str(slot_type)] = tuple(phrases)
        return MappingProxyType(asked)

    # -- red_flags.yaml

    def load_red_flags(
        self, path: Path, sources: dict[str, Source] | None, topic_ids: set[str]
    ) -> tuple[dict[str, RedFlag], Rules]:
        """The red flags by level, and the triage's vocabulary (word classes, look-alikes,
        "it's over" and "it's back" words). Each flag's phrases and spelled-out signs are
        kept in `self.symptom_values` for the interaction model."""
        file = self.display(path)
        data = self.read_yaml(path)
        empty = Rules(MappingProxyType({}))
        if data is None:
            return {}, empty
        if not isinstance(data, dict) or not all(isinstance(data.get(k), list) for k in LEVELS):
            self.problem(file, None, None, f"the file must have top-level lists {', '.join(map(repr, LEVELS))}")
            return {}, empty
        phrase_sections = ("calm", "over", "again", "slowly", "suddenly", "story")
        sections = {*LEVELS, "words", *phrase_sections}
        for unknown in sorted(set(map(str, data)) - sections):
            self.problem(file, None, unknown, f"unknown section (expected one of: {', '.join(sorted(sections))})")
        word_classes = self.load_word_classes(file, data.get("words"))
        rules = Rules(
            MappingProxyType(word_classes),
            *(self.load_triage_phrases(file, name, data.get(name), word_classes) for name in phrase_sections),
        )
        flags: dict[str, RedFlag] = {}
        said_by: dict[str, str] = {}
        spelled_by: dict[str, str] = {}
        for level in LEVELS:
            own_field = "why" if level == EMERGENCY else "advice"
            for index, raw in enumerate(data[level]):
                known = {"id", "title", own_field, "said", "signs", "names", "sources", "explains"}
                known |= {"first_aid", "passed", "slowly", "when_asked"} if level == EMERGENCY else set()
                entry = _Entry(self, file, raw, index, known, name_field="id")
                flag_id, title = entry.text("id"), entry.text("title")
                if flag_id is not None and not CONTENT_ID.fullmatch(flag_id):
                    entry.fail("id", "must be lower_snake_case")
                if flag_id in flags or flag_id in topic_ids:
                    entry.fail("id", "duplicate id: already a red flag or a topic")
                text = entry.text(own_field, max_words=MAX_WHY_WORDS if level == EMERGENCY else MAX_ADVICE_WORDS[level])
                first_aid = entry.text("first_aid", required=False, max_words=MAX_FIRST_AID_WORDS)
                passed = entry.raw.get("passed", SOON)
                if passed not in LEVELS or LEVELS.index(passed) < LEVELS.index(level):
                    entry.fail("passed", f"a level no more urgent than '{level}': {', '.join(LEVELS[LEVELS.index(level):])}")
                said = entry.text_list("said")
                if said and len(said) < MIN_RED_FLAG_PHRASES:
                    entry.fail("said", f"{len(said)} phrases; list at least {MIN_RED_FLAG_PHRASES} ways people say it")
                for phrase in said:
                    self.check_phrase(file, entry.name, "said", phrase)
                    owner = said_by.setdefault(phrase, str(entry.name))
                    if owner != entry.name:
                        entry.fail("said", f"'{phrase}' already names red flag '{owner}'")
                signs = self.load_signs(entry, word_classes)
                names = entry.text_list("names", required=False)
                for name in names:
                    self.check_phrase(file, entry.name, "names", name)
                # In the model a phrase can name one value only: the first flag to spell it keeps it.
                spelled = [p for p in self.spell_out(signs, word_classes) if spelled_by.setdefault(p, str(entry.name)) == entry.name]
                cited = self.cited_sources(file, entry, sources)
                if entry.ok and flag_id and title and text:
                    details = {
                        own_field: text, "first_aid": first_aid, "passed": passed,
                        "slowly": entry.text("slowly", required=False), "explains": entry.text_list("explains", required=False),
                        "when_asked": entry.text("when_asked", required=False, max_words=MAX_WHY_WORDS * 2),
                    }
                    flags[flag_id] = RedFlag(flag_id, level, title, said, signs, cited, names=names, **details)
                    self.symptom_values[flag_id] = tuple(dict.fromkeys([*said, *spelled]))
        for flag in flags.values():
            if flag.slowly is not None and (flag.slowly not in flags or flags[flag.slowly].level == EMERGENCY):
                self.problem(file, flag.id, "slowly", f"'{flag.slowly}' is not an urgent or soon red flag")
            for other in flag.explains:
                if other not in flags:
                    self.problem(file, flag.id, "explains", f"'{other}' is not a red flag")
        # A phrase one flag says outright is not another's spelled-out sign.
        for flag_id, phrases in self.symptom_values.items():
            self.symptom_values[flag_id] = tuple(p for p in phrases if said_by.get(p, flag_id) == flag_id)
        return flags, rules

    def load_triage_phrases(self, file: str, name: str, raw: Any, word_classes: dict) -> tuple:
        """`calm`, `over`, `again`: phrases, or lists of word classes and words said in order."""
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problem(file, None, name, "must be a list of phrases or of lists of word classes")
            return ()
        items = []
        for item in raw:
            if isinstance(item, str) and item.strip():
                self.check_phrase(file, None, name, item)
                items.append(" ".join(item.split()))
            elif isinstance(item, list) and len(item) >= 2 and all(isinstance(p, str) and p for p in item):
                for n, part in enumerate(item):
                    if part == END_OF_CLAUSE and n == len(item) - 1:
                        continue  # "said last": [was, fine_w, "$"]
                    if part not in word_classes:
                        self.check_phrase(file, None, name, part)
                items.append(tuple(item))
            else:
                hint = " (quote words YAML reads as true or false, like \"on\" and \"no\")" if isinstance(item, list) and any(isinstance(p, bool) for p in item) else ""
                self.problem(file, None, name, f"{item!r}: a phrase, or a list of at least two word classes or words{hint}")
        return tuple(items)

    def load_signs(self, entry: _Entry, word_classes: dict[str, tuple[str, ...]]) -> tuple[Sign, ...]:
        """Each sign is a list of word classes (or literal words) that must all be heard
        close together, or `{anywhere: [...]}`: anywhere in what was said."""
        signs = []
        for raw in entry.list("signs", required=False):
            anywhere = isinstance(raw, dict) and set(raw) == {"anywhere"}
            sign = raw["anywhere"] if anywhere else raw
            if not isinstance(sign, list) or len(sign) < 2 or not all(isinstance(p, str) and p for p in sign):
                entry.fail("signs", f"{raw!r}: a sign is a list of at least two word classes or words, or {{anywhere: [...]}}")
                continue
            for part in sign:
                if part not in word_classes:
                    self.check_phrase(entry.file, entry.name, "signs", part)
            signs.append(Sign(tuple(sign), anywhere))
        return tuple(signs)

    @staticmethod
    def spell_out(signs: tuple[Sign, ...], word_classes: dict[str, tuple[str, ...]]) -> list[str]:
        """Signs as phrases for the model's Symptom values ("pale foot", "white toes"). A sign
        with many spellings gives an even spread of MAX_PHRASES_PER_SIGN of them: Alexa learns
        from values, the skill's triage reads the classes themselves."""
        phrases: list[str] = []
        for sign in signs:
            choices = [word_classes.get(part, (part,)) for part in sign.parts]
            total = math.prod(len(c) for c in choices)
            step = max(1, math.ceil(total / MAX_PHRASES_PER_SIGN))
            spelled = itertools.islice(itertools.product(*choices), 0, None, step)
            phrases.extend(p for p in (" ".join(words) for words in spelled) if len(p) <= MAX_SLOT_VALUE_CHARS)
        return phrases

    def load_word_classes(self, file: str, raw: Any) -> dict[str, tuple[str, ...]]:
        """`words`: named lists of words that mean the same for a sign ("pale: [pale, white]")."""
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.problem(file, None, "words", "must map class names to lists of words")
            return {}
        classes = {}
        for name, words in raw.items():
            if not isinstance(words, list) or not words or not all(isinstance(w, str) and w for w in words):
                hint = " (quote words YAML reads as true or false, like \"on\" and \"no\")" if isinstance(words, list) and any(isinstance(w, bool) for w in words) else ""
                self.problem(file, None, f"words.{name}", f"must be a non-empty list of words{hint}")
                classes[str(name)] = ()  # known, so the signs using it report nothing more
                continue
            for word in words:
                self.check_phrase(file, None, f"words.{name}", word)
            classes[str(name)] = tuple(words)
        return classes

    # -- routines.yaml

    def load_routines(self, path: Path, sources: dict[str, Source] | None) -> dict[str, Routine]:
        file = self.display(path)
        routines: dict[str, Routine] = {}
        phrase_owner: dict[str, str] = {}
        unnamed_owner: str | None = None
        for index, raw in enumerate(self.top_list(path, "routines")):
            entry = _Entry(
                self, file, raw, index, {"id", "title", "name", "said", "safety", "sources", "steps", "when_none_named"},
                name_field="id",
            )
            routine_id, title, name = entry.text("id"), entry.text("title"), entry.text("name")
            if routine_id is not None and not CONTENT_ID.fullmatch(routine_id):
                entry.fail("id", "must be lower_snake_case")
            if routine_id in routines:
                entry.fail("id", "duplicate routine id")
            safety = entry.text("safety", max_words=MAX_SAFETY_WORDS)
            said = entry.text_list("said")
            if said and len(said) < MIN_ROUTINE_PHRASES:
                entry.fail("said", f"{len(said)} phrases; list at least {MIN_ROUTINE_PHRASES} ways people ask for it")
            for phrase in said:
                self.check_phrase(file, entry.name, "said", phrase)
                owner = phrase_owner.setdefault(phrase, str(entry.name))
                if owner != entry.name:
                    entry.fail("said", f"'{phrase}' already names routine '{owner}'")
            cited = self.cited_sources(file, entry, sources)
            steps = [self.load_step(file, entry, number, raw_step) for number, raw_step in enumerate(entry.list("steps"), 1)]
            unnamed = entry.raw.get("when_none_named", False)
            if unnamed not in (True, False):
                entry.fail("when_none_named", "true or false")
            elif unnamed and unnamed_owner is not None:
                entry.fail("when_none_named", f"only one routine can start when none is named ('{unnamed_owner}' does)")
            elif unnamed:
                unnamed_owner = str(entry.name)
            if entry.ok and routine_id and title and name and safety and all(steps):
                routines[routine_id] = Routine(routine_id, title, name, said, safety, cited, tuple(steps), unnamed is True)
        return routines

    def load_step(self, file: str, routine: _Entry, number: int, raw: Any) -> RoutineStep | None:
        step = _Entry(self, file, raw, routine.name, {"do", "hold", "reps", "sides", "until_eased"}, field_prefix=f"steps[{number}].")
        do = step.text("do", max_words=MAX_STEP_WORDS)
        hold, reps, sides = step.raw.get("hold"), step.raw.get("reps", 1), step.raw.get("sides", False)
        until_eased = step.raw.get("until_eased", False)
        if hold is not None and (not isinstance(hold, int) or isinstance(hold, bool) or not MIN_HOLD_SECONDS <= hold <= MAX_HOLD_SECONDS):
            step.fail("hold", f"whole seconds from {MIN_HOLD_SECONDS} to {MAX_HOLD_SECONDS}")
        if not isinstance(reps, int) or isinstance(reps, bool) or not 1 <= reps <= 20:
            step.fail("reps", "a whole number from 1 to 20")
        if sides not in (True, False):
            step.fail("sides", "true or false")
        if until_eased not in (True, False) or (until_eased and hold is None):
            step.fail("until_eased", "true or false, and true only with a hold")
        if not step.ok or do is None:
            routine.ok = False
            return None
        return RoutineStep(do, hold, reps, sides, until_eased)

    # -- locales.yaml

    def load_locales(self, path: Path, sources: dict[str, Source] | None) -> dict[str, LocaleFacts]:
        file = self.display(path)
        locales: dict[str, LocaleFacts] = {}
        known = {"locale", "emergency_number", "spoken_number", "urgent_care", "soon_line", "sources"}
        for index, raw in enumerate(self.top_list(path, "locales")):
            entry = _Entry(self, file, raw, index, known, name_field="locale")
            code, number = entry.text("locale"), entry.text("emergency_number")
            urgent_care = entry.text("urgent_care", max_words=MAX_URGENT_CARE_WORDS)
            soon_line = entry.text("soon_line", required=False)
            if code is not None and not _LOCALE.fullmatch(code):
                entry.fail("locale", "must look like en-US")
            if code in locales:
                entry.fail("locale", "duplicate locale")
            if number is not None and not number.isdigit():
                entry.fail("emergency_number", "digits only, as on the card; say it otherwise with 'spoken_number'")
            spoken = entry.text("spoken_number", required=False) or (" ".join(number) if number else None)
            cited = self.cited_sources(file, entry, sources)
            if entry.ok and code and number and urgent_care:
                locales[code] = LocaleFacts(code, number, spoken, urgent_care, soon_line, cited)
        return locales

    # -- across files

    def check_references(
        self,
        topics: dict[str, Topic],
        topic_file: dict[str, str],
        intents: list[QuestionIntent | ActionIntent],
        red_flags: dict[str, RedFlag],
        routines: dict[str, Routine],
    ) -> dict[str, dict[str, tuple[str, ...]]]:
        intents_file = self.display(self.directory / "intents.yaml")
        used_types = {slot.type for intent in intents for slot in intent.slots} - BUILT_IN_SLOT_TYPES
        if routines and ROUTINE_TYPE not in used_types:
            self.problem(
                intents_file, None, None, f"no intent has a {ROUTINE_TYPE} slot, so no routine can be asked for"
            )
        if red_flags and SYMPTOM_TYPE not in used_types:
            self.problem(
                intents_file, None, None,
                f"no intent has a {SYMPTOM_TYPE} slot, so no red flag in red_flags.yaml can be heard",
            )
        symptom_phrases = {phrase: flag_id for flag_id, phrases in self.symptom_values.items() for phrase in phrases}
        for intent in intents:
            for sample in intent.samples:
                if sample in symptom_phrases:
                    self.problem(
                        intents_file, intent.name, "samples",
                        f"'{sample}' names red flag '{symptom_phrases[sample]}', so the safety net answers it, never this intent",
                    )
            topic_slot = intent.topic_slot if isinstance(intent, QuestionIntent) else None
            if topic_slot is not None and topic_slot.type in (SYMPTOM_TYPE, ROUTINE_TYPE):
                self.problem(
                    intents_file, intent.name, "slots",
                    f"a {topic_slot.type} slot does not name topics: it cannot choose the topic",
                )
        # A value reaches its topic only through a slot that chooses the topic.
        questions = [intent for intent in intents if isinstance(intent, QuestionIntent)]
        topic_types = {intent.topic_slot.type for intent in questions if intent.topic_slot}
        reachable: set[str] = set()
        for intent in questions:
            for field, target in (("topic", intent.topic), ("default", intent.default)):
                if target is None:
                    continue
                if target in topics:
                    reachable.add(target)
                elif target not in self.topic_ids_seen:
                    self.problem(intents_file, intent.name, field, f"unknown topic '{target}'")

        slot_types: dict[str, dict[str, tuple[str, ...]]] = {name: {} for name in sorted(used_types)}
        phrase_owner: dict[tuple[str, str], str] = {}
        for topic in topics.values():
            file = topic_file[topic.id]
            if topic.routine is not None and topic.routine not in routines and not self.unreadable:
                self.problem(file, topic.id, "routine", f"unknown routine '{topic.routine}'")
            offered = topic.follow_up.routine if topic.follow_up else None
            if offered is not None and offered not in routines and not self.unreadable:
                self.problem(file, topic.id, "follow_up.routine", f"unknown routine '{offered}'")
            if topic.follow_up is not None and topic.follow_up.topic is not None:
                target = topic.follow_up.topic
                if target not in self.topic_ids_seen:
                    self.problem(file, topic.id, "follow_up.topic", f"unknown topic '{target}'")
                elif target == topic.id:
                    self.problem(file, topic.id, "follow_up.topic", "a topic cannot offer itself")
            for slot_type, phrases in topic.asked.items():
                if slot_type in (SYMPTOM_TYPE, ROUTINE_TYPE):
                    home = "red_flags.yaml" if slot_type == SYMPTOM_TYPE else "routines.yaml"
                    self.problem(
                        file, topic.id, f"asked.{slot_type}",
                        f"{slot_type} values come from {home}: list them there",
                    )
                    continue
                if slot_type not in used_types:
                    self.problem(
                        file, topic.id, f"asked.{slot_type}",
                        f"unknown slot type '{slot_type}' (types used in intents.yaml: {', '.join(sorted(used_types))})",
                    )
                    continue
                slot_types[slot_type][topic.id] = phrases
                if slot_type in topic_types:
                    reachable.add(topic.id)
                for phrase in phrases:
                    owner = phrase_owner.setdefault((slot_type, phrase), topic.id)
                    if owner != topic.id:
                        self.problem(
                            file, topic.id, f"asked.{slot_type}",
                            f"'{phrase}' already names topic '{owner}' for {slot_type}",
                        )
        for topic_id in sorted(set(topics) - reachable):
            self.problem(
                topic_file[topic_id], topic_id, "asked",
                "no intent reaches this topic: add phrases under 'asked' or name it in intents.yaml",
            )
        if SYMPTOM_TYPE in slot_types:
            slot_types[SYMPTOM_TYPE] = {flag_id: self.symptom_values[flag_id] for flag_id in red_flags}
        if ROUTINE_TYPE in slot_types:
            slot_types[ROUTINE_TYPE] = {routine.id: routine.said for routine in routines.values()}
        for slot_type, values in slot_types.items():
            # An entry that failed to load leaves its type short: that entry's own problem
            # is the one to report.
            if not values and not self.problems:
                self.problem(intents_file, None, None, f"slot type '{slot_type}' has no values: no topic lists it under 'asked'")
        return slot_types


class _Entry:
    """Typed field access for one YAML mapping, recording problems instead of raising."""

    def __init__(
        self,
        loader: Loader,
        file: str,
        raw: Any,
        position: int | str | None,
        known: set[str],
        name_field: str = "name",
        field_prefix: str = "",
    ):
        self.loader, self.file, self.raw, self.prefix = loader, file, raw, field_prefix
        self.ok = True
        if isinstance(position, str) or position is None:
            self.name = position
        elif isinstance(raw, dict) and isinstance(raw.get(name_field, raw.get("key")), str):
            self.name = raw.get(name_field, raw.get("key"))
        else:
            self.name = f"#{position + 1}"
        if not isinstance(raw, dict):
            self.fail(None, "must be a mapping of fields")
            self.raw = {}
            return
        for unknown in sorted(set(map(str, raw)) - known):
            self.fail(unknown, f"unknown field (expected one of: {', '.join(sorted(known))})")

    def fail(self, field: str | None, message: str) -> None:
        self.ok = False
        field = None if field is None else self.prefix + field
        self.loader.problem(self.file, self.name, field, message)

    def text(self, field: str, required: bool = True, max_words: int | None = None) -> str | None:
        value = self.raw.get(field)
        if value is None:
            if required:
                self.fail(field, "missing")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(field, "must be non-empty text")
            return None
        value = " ".join(value.split())
        if max_words is not None and len(value.split()) > max_words:
            self.fail(field, f"{len(value.split())} words; keep it to {max_words} and offer the rest")
        return value

    def list(self, field: str, required: bool = True) -> list:
        value = self.raw.get(field)
        if value is None:
            if required:
                self.fail(field, "missing")
            return []
        if not isinstance(value, list) or not value:
            self.fail(field, "must be a non-empty list")
            return []
        return value

    def text_list(self, field: str, required: bool = True) -> tuple[str, ...]:
        values = self.list(field, required)
        if not all(isinstance(v, str) and v.strip() for v in values):
            self.fail(field, "every item must be non-empty text")
            return ()
        return tuple(" ".join(v.split()) for v in values)

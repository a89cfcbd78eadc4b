"""How often the offline resolver reaches the right answer, on labelled utterances.

A topic file is YAML: `utterances: [{text, topic | intent, also?: [topics]}]`. An
utterance counts as right when the resolved intent and slots lead to its topic (or one
of its `also` topics), or, for a built-in intent, to that intent.

A red-flag file (`red_flags_heldout*.yaml`) has `emergency: [{text, flag}]`, `urgent:`
and `soon: [{text, flag}]` and `ordinary: [{text}]`: every emergency must reach an
emergency answer, an urgent sign the urgent one, and no other sentence an emergency.

A triage file (`triage_*.yaml`, written blind from medical.md) has `cases: [{text, locale,
level}]`, level one of emergency, urgent, soon or calm. Each case is said through the
offline dialog in its locale, in a new session, as `python -m skill dialog --json` says
it, and the response is read as a listener hears it (`level_heard`).

A labelled file (`labelled_resolutions*.yaml`) has `utterances: [{text, intent, slots?}]`
and no topics.

An answers file (`answers_*.yaml`, written blind from medical.md) has `questions: [{text,
locale?, must: ["a|b", ...], must_not: [...]}]`. Each question is said through the offline
dialog in a new session, and the spoken answer must hold every `must` item (any of its
"|" alternatives) and none of `must_not`: the right answer to another question is a miss.
`kind_of` tells the five apart by what is in them, not by their names.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from ...runtime.core.content import Content
from ...runtime.core.safety import SafetyNet, Slot
from ...runtime.core.triage import EMERGENCY, URGENT, Finding
from .nlu import Resolution, Resolver


# libyaml's parser where PyYAML has it: the labelled sets take seconds with the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_set(path: Path):
    """A labelled set as written (libyaml where PyYAML has it). Read once while the file is
    unchanged: its kind is told from it, then it is scored, often in a forked worker that
    shares what the parent read. Callers only read it."""
    stat = path.stat()
    return _parsed_set(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _parsed_set(path: str, _mtime_ns: int, _size: int):
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_LOADER)


class SetError(ValueError):
    """A file that is not one of the five kinds of set, said with the file's name."""


DATA = Path(__file__).resolve().parents[3] / "tests" / "data"
# The sets scored when none are named, in this order; the first three are read by the
# resolver alone (profile-nlu scores them against Alexa), the others run whole dialogs.
DEFAULT_SETS = ("heldout_utterances*.yaml", "red_flags_*.yaml", "labelled_resolutions*.yaml", "triage_*.yaml", "answers_*.yaml")


def kinds_of(names: list[str], patterns: tuple[str, ...] = DEFAULT_SETS) -> tuple[list[Path], list[str]]:
    """The files named (or else the project's sets matching `patterns`) and the kind of
    each; SetError names the first that is no set, or says there are none."""
    def in_order(paths):
        return sorted(paths, key=lambda p: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", p.name)])

    files = [Path(name) for name in names] or [path for pattern in patterns for path in in_order(DATA.glob(pattern))]
    if not files:
        raise SetError("no labelled files given or found")
    return files, [kind_of(path) for path in files]


def kind_of(path: Path) -> str:
    """"topics", "labelled", "red_flags", "triage" or "answers", from the file's shape."""
    try:
        data = load_set(path)
    except (OSError, yaml.YAMLError) as error:
        raise SetError(f"{path}: cannot be read: {error}") from None
    if isinstance(data, dict) and isinstance(data.get("cases"), list):
        return "triage"
    if isinstance(data, dict) and isinstance(data.get("questions"), list):
        return "answers"
    if isinstance(data, dict) and isinstance(data.get("emergency"), list):
        return "red_flags"
    utterances = data.get("utterances") if isinstance(data, dict) else None
    if isinstance(utterances, list) and utterances and all(isinstance(u, dict) for u in utterances):
        if any("topic" in u for u in utterances) and all("topic" in u or "intent" in u for u in utterances):
            return "topics"
        if all("intent" in u for u in utterances):
            return "labelled"
    raise SetError(
        f"{path}: not a set this command scores: expected `cases:` (triage), `questions:` (answers), "
        "`emergency:` (red flags), "
        "or `utterances:` whose entries have a `topic` or a built-in `intent` (topics) or all an `intent` (labelled)"
    )


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
    return _topic_answer(content, resolution.intent, _ids_as_read(content, resolution))


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
    entries = load_set(path)["utterances"]
    misses = []
    for entry in entries:
        expected = entry.get("topic") or entry["intent"]
        got = answer_of(content, resolver, entry["text"])
        if not any(same_answer(content, e, got) for e in (expected, *(entry.get("also") or ()))):
            misses.append(Miss(entry["text"], expected, got))
    return Score(path.name, len(entries), tuple(misses))


def slots_of(resolution: Resolution) -> dict[str, Slot]:
    """The slots as the skill reads them from the request: resolved id and words heard."""
    return {s.name: Slot(s.id, s.value) for s in resolution.slots if s.value is not None}


def flags_heard(content: Content, resolver: Resolver, text: str) -> tuple[Finding | None, Finding | None]:
    """The red flag the text reports, and the one it asks about, as the skill sees them."""
    return _flags_of(content, resolver.resolve(text))


def _flags_of(content: Content, resolution: Resolution) -> tuple[Finding | None, Finding | None]:
    safety, slots = SafetyNet(content), slots_of(resolution)
    return safety.reported(resolution.intent, slots), safety.asked_about(resolution.intent, slots)


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
    data = load_set(path)
    missed, alarms = [], []
    for entry in data["emergency"]:
        flag = next(filter(None, flags_heard(content, resolver, entry["text"])), None)
        if flag is None or flag.level != EMERGENCY:
            missed.append(Miss(entry["text"], entry["flag"], flag.flag if flag else "no red flag"))
    for entry in data.get("urgent") or ():
        flag = next(filter(None, flags_heard(content, resolver, entry["text"])), None)
        if flag is None or flag.level != URGENT:
            missed.append(Miss(entry["text"], entry["flag"], flag.flag if flag else "no red flag"))
    calm = [(e["text"], e.get("flag", "ordinary")) for e in [*data["soon"], *data["ordinary"]]]
    for text, expected in calm:
        reported, _ = flags_heard(content, resolver, text)
        if reported is not None and reported.level == EMERGENCY:
            alarms.append(Miss(text, expected, reported.flag))
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
    entries = load_set(path)["utterances"]
    intent_misses, answer_misses, slot_misses, emergency_misses = [], [], [], []
    slots_expected = emergencies = 0
    for entry in entries:
        resolution = resolver.resolve(entry["text"])
        labelled = {name: Slot(value_id) for name, value_id in (entry.get("slots") or {}).items()}
        if resolution.intent != entry["intent"]:
            intent_misses.append(Miss(entry["text"], entry["intent"], resolution.intent))
            if _answer(content, resolution.intent, slots_of(resolution)) != _answer(content, entry["intent"], labelled):
                answer_misses.append(Miss(entry["text"], entry["intent"], resolution.intent))
        heard = _ids_as_read(content, resolution)
        for name, value_id in (entry.get("slots") or {}).items():
            slots_expected += 1
            if heard.get(name) != value_id:
                slot_misses.append(Miss(entry["text"], f"{name}={value_id}", f"{name}={heard.get(name)}"))
        if entry.get("emergency"):
            emergencies += 1
            flag = next(filter(None, _flags_of(content, resolution)), None)  # (resolved once, above)
            if flag is None or flag.level != EMERGENCY:
                emergency_misses.append(Miss(entry["text"], "emergency answer", flag.flag if flag else "no red flag"))
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


def _ids_as_read(content: Content, resolution: Resolution) -> dict[str, str | None]:
    """Each slot's value as the skill reads it: a symptom slot's red flag, from its
    resolved id or from the words Alexa could not resolve; any other slot's id."""
    safety = SafetyNet(content)
    ids = {}
    for name, slot in slots_of(resolution).items():
        finding = safety.triage.most_urgent([slot.words]) if slot.id is None and slot.words else None
        ids[name] = finding.flag if finding else slot.id
    return ids


def _answer(content: Content, intent: str, slots: dict[str, Slot]) -> str:
    """What the skill says for an intent and its slots, named: a red flag, a topic, a
    routine, or the intent's own answer (skip as next, cancel as stop)."""
    safety = SafetyNet(content)
    flag = safety.reported(intent, slots) or safety.asked_about(intent, slots)
    if flag is not None:
        return f"flag:{flag.flag}" if flag.level != EMERGENCY else "emergency"
    slot_ids = {name: slot.id for name, slot in slots.items()}
    answer = _topic_answer(content, intent, slot_ids)
    topic = content.topics.get(answer)
    if topic is not None and topic.routine:
        return f"routine:{topic.routine}"
    return {"SkipIntent": "AMAZON.NextIntent", "AMAZON.CancelIntent": "AMAZON.StopIntent"}.get(answer, answer)


# --------------------------------------------------------------------------- triage files

NONE = "none"  # a topic, a routine, the fallback: no red flag answer


@dataclass(frozen=True)
class TriageCase:
    text: str
    locale: str
    level: str  # expected: emergency, urgent, soon or calm
    heard: str  # what the response said: emergency, asked (the call if it is happening), urgent, soon or none
    first_words: str


@dataclass(frozen=True)
class TriageScore:
    name: str
    cases: tuple[TriageCase, ...]

    def of(self, level: str) -> list[TriageCase]:
        return [c for c in self.cases if c.level == level]

    @property
    def emergencies_called(self) -> int:
        return sum(c.heard == EMERGENCY for c in self.of(EMERGENCY))

    @property
    def calm_alarmed(self) -> int:
        return sum(c.heard == EMERGENCY for c in self.of("calm"))

    def summary(self) -> str:
        parts = [f"emergencies with the call first {self.emergencies_called}/{len(self.of(EMERGENCY))}"]
        for level in (URGENT, "soon"):
            cases = self.of(level)
            if cases:
                right = sum(c.heard == level for c in cases)
                alarmed = sum(c.heard == EMERGENCY for c in cases)
                parts.append(f"{level} {right}/{len(cases)} ({alarmed} called an emergency)")
        calm = self.of("calm")
        parts.append(f"calm alarmed {self.calm_alarmed}/{len(calm)}, told to get help today {sum(c.heard == URGENT for c in calm)}")
        return ", ".join(parts)

    def misses(self) -> list[Miss]:
        wrong = []
        for case in self.cases:
            ok = case.heard == case.level if case.level in (EMERGENCY, URGENT) else case.heard != EMERGENCY
            if case.level == "soon":
                ok = case.heard in ("soon", URGENT, NONE)
            if not ok:
                wrong.append(Miss(f"[{case.locale}] {case.text}", case.level, f"{case.heard}: {case.first_words}"))
        return wrong


def level_heard(content: Content, response: dict, locale: str) -> str:
    """What a listener hears first, as a level: the call (emergency), the call or where to
    get seen if it is happening now (asked), get seen today (urgent), a see-a-doctor sign (soon), or none."""
    from ...runtime.core.conversation import Conversation, spoken_digits
    from ...runtime.core.speech import ssml_to_plain

    body = response.get("response") or {}
    said = ssml_to_plain((body.get("outputSpeech") or {}).get("ssml") or "<speak/>")
    conversation = Conversation(content)
    numbers = conversation.numbers(locale)
    if said.startswith(content.prompts.emergency_call.format(**numbers)):
        return EMERGENCY
    if said.startswith(spoken_digits(conversation.urgent_care(locale))):
        return URGENT
    asked_lines = (content.prompts.sign_if_now.format(**numbers), conversation.urgent_if_now(locale))
    if any(spoken_digits(line) in said for line in asked_lines):
        return "asked"
    title = (body.get("card") or {}).get("title")
    if any(flag.title == title for flag in content.red_flags.values()):
        return "soon"
    return NONE


def said_afresh(entries: list[dict], models_dir: Path | None = None):
    """Each entry's `text` said through the offline dialog of its `locale` (en-US if none),
    each in a new session, as `python -m skill dialog --json` says it: (entry, locale, turn)."""
    from .dialog import Dialog

    dialogs: dict[str, Dialog] = {}
    for entry in entries:
        locale = entry.get("locale") or "en-US"
        if locale not in dialogs:
            dialogs[locale] = Dialog.for_locale(locale) if models_dir is None else Dialog.for_locale(locale, models_dir)
        dialog = dialogs[locale]
        dialog.session = None
        yield entry, locale, dialog.say(entry["text"])


def score_triage_file(content: Content, path: Path, models_dir: Path | None = None) -> TriageScore:
    """Each case said through the offline dialog of its locale, each in a new session."""
    cases = []
    for entry, locale, turn in said_afresh(load_set(path)["cases"], models_dir):
        heard = level_heard(content, turn.response or {}, locale)
        first = " ".join(turn.speech_plain.split()[:8])
        cases.append(TriageCase(entry["text"], locale, entry["level"], heard, first))
    return TriageScore(path.name, tuple(cases))


# --------------------------------------------------------------------------- answers files


def _heard_words(said: str) -> str:
    """Speech as the answers files match it: lower case, straight apostrophes, no other punctuation."""
    said = said.lower().replace("\u2019", "'")
    return " " + " ".join(re.sub(r"[^a-z0-9' ]+", " ", said).split()) + " "


def _holds(heard: str, item: str) -> bool:
    """Whether the heard words hold any of an item's "|" alternatives."""
    return any(alt and alt in heard for alt in (_heard_words(a).strip() for a in item.split("|")))


@dataclass(frozen=True)
class AnswersScore:
    name: str
    total: int
    misses: tuple[Miss, ...]

    def summary(self) -> str:
        right = self.total - len(self.misses)
        return f"answered the question asked {right}/{self.total} ({right / self.total:.1%})" if self.total else "no questions"


def score_answers_file(path: Path, models_dir: Path | None = None) -> AnswersScore:
    """Each question said through the offline dialog of its locale, each in a new session."""
    entries = load_set(path)["questions"]
    misses = []
    for entry, locale, turn in said_afresh(entries, models_dir):
        said = turn.speech_plain
        heard = _heard_words(said)
        lacking = [item for item in entry.get("must") or () if not _holds(heard, item)]
        wrong = [item for item in entry.get("must_not") or () if _holds(heard, item)]
        if lacking or wrong:
            reasons = [*(f"lacks {item!r}" for item in lacking), *(f"says {item!r}" for item in wrong)]
            misses.append(Miss(f"[{locale}] {entry['text']}", "; ".join(reasons), " ".join(said.split()[:24])))
    return AnswersScore(path.name, len(entries), tuple(misses))


# --------------------------------------------------------------------------- the report


def summary(kind: str, scored) -> tuple[str, list[Miss]]:
    """One set's line of the report (after its file name), and its misses."""
    if kind == "labelled":
        answered_wrong = {m.text for m in scored.answer_misses}
        misses = [
            *(replace(m, got=m.got + ("" if m.text in answered_wrong else " (same answer)")) for m in scored.intent_misses),
            *scored.slot_misses, *scored.emergencies_missed,
        ]
        return resolution_figures(scored), misses
    if kind == "triage":
        return scored.summary(), scored.misses()
    if kind == "answers":
        return scored.summary(), list(scored.misses)
    if kind == "red_flags":
        called = scored.emergencies - len(scored.missed)
        line = f"emergencies called {called}/{scored.emergencies}, false alarms {len(scored.false_alarms)}/{scored.checked_for_alarm}"
        return line, [*scored.missed, *scored.false_alarms]
    right = scored.total - len(scored.misses)
    return f"{scored.accuracy:.1%} ({right}/{scored.total})", list(scored.misses)


def report(files: list[Path], kinds: list[str], scores: list, misses: bool = False, beside: list | None = None) -> list[str]:
    """The report's lines: a line per set (and with `misses` each utterance answered
    wrongly), then the totals. With `beside` (the offline resolver's scores for the same
    sets), both figures under each set's name, "Alexa" first."""
    lines = []
    for n, (path, kind) in enumerate(zip(files, kinds)):
        line, wrong = summary(kind, scores[n])
        if beside is None:
            lines.append(f"{path.name}: {line}")
        else:
            lines += [f"{path.name}:", f"    Alexa    {line}", f"    offline  {summary(kind, beside[n])[0]}"]
        lines += [f"    {m.text!r}: expected {m.expected}, got {m.got}" for m in wrong] if misses else []
    lines += totals(kinds, scores)
    lines += [f"offline {line}" for line in totals(kinds, beside)] if beside is not None else []
    return lines


def totals(kinds: list[str], scores: list) -> list[str]:
    """The report's last lines: all topic sets, and all labelled sets, each as one."""
    lines = []
    topics = [s for k, s in zip(kinds, scores) if k == "topics"]
    right, total = sum(s.total - len(s.misses) for s in topics), sum(s.total for s in topics)
    if total:
        lines.append(f"all topics: {right / total:.1%} ({right}/{total})")
    labelled = [s for k, s in zip(kinds, scores) if k == "labelled"]
    if len(labelled) > 1:
        lines.append(f"all labelled: {resolution_figures(sum_scores(labelled))}")
    return lines


def resolution_figures(res: ResolutionScore) -> str:
    return (
        f"intent {res.intent_accuracy:.1%} ({res.total - len(res.intent_misses)}/{res.total}), "
        f"answer {res.answer_accuracy:.1%} ({res.total - len(res.answer_misses)}/{res.total}), "
        f"slots {res.slot_accuracy:.1%} ({res.slots_expected - len(res.slot_misses)}/{res.slots_expected}), "
        f"red flags answered as emergencies {res.emergencies - len(res.emergencies_missed)}/{res.emergencies}"
    )


# --------------------------------------------------------------------------- many sets at once

_SHARED: tuple[Content, Resolver] | None = None  # what forked workers score with


def score_sets(content: Content, resolver: Resolver, sets: list[tuple[Path, str]]) -> Iterator[object]:
    """Each (path, kind of set)'s score, in order. The sets are shared among the machine's
    cores: workers forked once the resolver has read everything use the same copy, and
    each set is scored as it would be alone."""
    global _SHARED
    _SHARED = content, resolver
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    workers = min(cores, len(sets))
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(_score, sets)
        return
    resolver.prepare()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield from pool.imap(_score, sets)


def _score(job: tuple[Path, str]) -> object:
    content, resolver = _SHARED
    path, kind = job
    if kind == "labelled":
        return score_resolutions(content, resolver, path)
    if kind == "triage":
        return score_triage_file(content, path)
    if kind == "answers":
        return score_answers_file(path)
    if kind == "red_flags":
        return score_red_flags(content, resolver, path)
    return score_file(content, resolver, path)

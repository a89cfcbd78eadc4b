"""Check ASK interaction models against Alexa's build rules before Alexa does.

`python -m skill check-models [PATH ...]` (default: interaction_models/*.json) prints one
line per problem, `file: intent: sample: rule`, and exits 1 if any is an error. The
rules are those of ../shared/reference/alexa-platform.md section 3; warnings (samples
that two intents would both match) do not fail the check.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .simulator.nlu import Resolver, normalize

# Words an invocation name may not contain: launch and connecting words, and brands.
LAUNCH_WORDS = {"launch", "ask", "tell", "load", "begin", "open", "enable", "start", "play", "run", "use"}
CONNECTING_WORDS = {"to", "from", "by", "if", "and", "whether", "for", "about", "with"}
FORBIDDEN_NAME_WORDS = {"alexa", "amazon", "echo", "computer", "skill", "app"}
REQUIRED_BUILTINS = (
    "AMAZON.CancelIntent", "AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.NavigateHomeIntent", "AMAZON.FallbackIntent",
)
MAX_VALUE_CHARS = 140
# Letters (any script), spaces, periods for abbreviations, underscores, possessive
# apostrophes and hyphens, plus {slot} references.
_SAMPLE = re.compile(r"(?:[^\W\d]|[ ._'\-]|\{[A-Za-z_]+\})+")
_SLOT = re.compile(r"\{([A-Za-z_]+)\}")
_NAME = re.compile(r"[a-z]+(?:'s)?\.?(?: [a-z]+(?:'s)?\.?)*")


@dataclass(frozen=True)
class Finding:
    file: str
    intent: str
    sample: str
    rule: str
    error: bool = True

    def __str__(self) -> str:
        kind = "" if self.error else "warning: "
        return f"{self.file}: {self.intent or '-'}: {self.sample or '-'}: {kind}{self.rule}"


def check_model(
    model: dict, file: str, handled_builtins: frozenset[str] = frozenset(), skill_intents: frozenset[str] | None = None
) -> list[Finding]:
    """Alexa's build rules, and with `handled_builtins` / `skill_intents` (the custom
    intents the skill knows) whether the model and the skill agree."""
    findings: list[Finding] = []

    def error(intent: str, sample: str, rule: str) -> None:
        findings.append(Finding(file, intent, sample, rule))

    language = (model.get("interactionModel") or {}).get("languageModel")
    if not isinstance(language, dict):
        return [Finding(file, "", "", "no interactionModel.languageModel")]
    _check_invocation(language.get("invocationName"), error)
    intents = language.get("intents") or []
    types = {t.get("name"): t for t in language.get("types") or [] if isinstance(t, dict)}
    names = [i.get("name") for i in intents if isinstance(i, dict)]
    for name in REQUIRED_BUILTINS:
        if name not in names:
            error(name, "", "required built-in intent is missing")
    for name in sorted(handled_builtins - set(names)):
        error(name, "", "the skill handles this built-in intent, so the model must declare it")
    for name in names if skill_intents is not None else ():
        if isinstance(name, str) and not name.startswith("AMAZON.") and name not in skill_intents:
            error(name, "", "the skill doesn't know this intent: it would refuse it name-free and fall back in a session")
    seen_samples: dict[str, str] = {}
    for intent in intents:
        _check_intent(intent, types, seen_samples, error)
    for type_name, slot_type in types.items():
        _check_type(type_name, slot_type, error)
    if not findings:
        findings.extend(_overlaps(model, file))
    return findings


def _check_invocation(name: object, error) -> None:
    if not isinstance(name, str) or not name:
        error("", "", "invocation name is missing")
        return
    words = name.split()
    if not _NAME.fullmatch(name):
        error("", name, "invocation name: lower-case letters and spaces only (numbers spelled out)")
    if len(words) < 2:
        error("", name, "invocation name: at least two words")
    for word in words:
        if word in LAUNCH_WORDS | CONNECTING_WORDS:
            error("", name, f"invocation name: no launch or connecting words ('{word}')")
        if word.rstrip(".").removesuffix("'s") in FORBIDDEN_NAME_WORDS:
            error("", name, f"invocation name: must not contain '{word}'")


def _check_intent(intent: object, types: dict, seen_samples: dict[str, str], error) -> None:
    if not isinstance(intent, dict) or not isinstance(intent.get("name"), str):
        error("", "", "an intent without a name")
        return
    name = intent["name"]
    slots = {s.get("name"): s.get("type") for s in intent.get("slots") or [] if isinstance(s, dict)}
    used: set[str] = set()
    for sample in intent.get("samples") or []:
        if not isinstance(sample, str) or not sample.strip():
            error(name, repr(sample), "a sample must be non-empty text")
            continue
        if not _SAMPLE.fullmatch(sample) or "  " in sample or sample != sample.strip():
            error(name, sample, "sample characters: letters, spaces, periods, apostrophes and hyphens only (no digits, no , ? ! /)")
        references = _SLOT.findall(sample)
        used.update(references)
        for slot in references:
            if slot not in slots:
                error(name, sample, f"slot '{{{slot}}}' is not declared in the intent")
            elif slots[slot] == "AMAZON.SearchQuery" and not _SLOT.sub("", sample).strip():
                error(name, sample, "an AMAZON.SearchQuery slot needs a carrier phrase around it")
        key = " ".join(sample.lower().split())
        if key in seen_samples:
            where = "twice in this intent" if seen_samples[key] == name else f"also in {seen_samples[key]}"
            error(name, sample, f"duplicate sample ({where})")
        seen_samples.setdefault(key, name)
    for slot, slot_type in slots.items():
        if slot not in used:
            error(name, "", f"slot '{slot}' is used by no sample")
        if isinstance(slot_type, str) and not slot_type.startswith("AMAZON.") and slot_type not in types:
            error(name, "", f"slot '{slot}' has type '{slot_type}', which the model does not define")


def _check_type(name: str, slot_type: dict, error) -> None:
    values = slot_type.get("values") or []
    if not values:
        error("", name, "custom slot type has no values")
    ids: set[str] = set()
    for value in values:
        value_id = value.get("id")
        if value_id is not None:
            if value_id in ids:
                error("", name, f"value id '{value_id}' is used twice")
            ids.add(value_id)
        spoken = value.get("name") or {}
        for phrase in [spoken.get("value"), *(spoken.get("synonyms") or [])]:
            if not isinstance(phrase, str) or not phrase.strip():
                error("", name, "a value or synonym is empty")
            elif len(phrase) > MAX_VALUE_CHARS:
                error("", name, f"'{phrase[:40]}...' is over {MAX_VALUE_CHARS} characters")


def _overlaps(model: dict, file: str) -> list[Finding]:
    """Samples that another intent's sample would match word for word, slot values aside:
    Alexa cannot tell those two intents apart."""
    return [
        Finding(file, intent, sample, f"{other} would match this too", error=False)
        for intent, sample, other in _overlapping(json.dumps(model))
    ]


@lru_cache(maxsize=4)
def _overlapping(model_text: str) -> tuple[tuple[str, str, str], ...]:
    """(intent, sample, the other intent) for each sample another intent's would match: found
    once for the locales that share a model."""
    model = json.loads(model_text)
    resolver = Resolver(model)
    language = model["interactionModel"]["languageModel"]
    example = {t["name"]: t["values"][0]["name"]["value"] for t in language.get("types") or [] if t.get("values")}
    found = []
    for intent in language["intents"]:
        slots = {s["name"]: s["type"] for s in intent.get("slots") or []}
        for sample in intent.get("samples") or []:
            text = normalize(_SLOT.sub(lambda m: example.get(slots.get(m.group(1), ""), "something"), sample))
            words = set(text.split())
            # Only the samples indexed under a word of the text can hold all their words in it.
            for n in sorted({n for word in {"", *words} for n in resolver._samples_by_word.get(word, ())}):
                other = resolver.samples[n]
                if other.intent.startswith("AMAZON.") or other.intent == intent["name"] or not other.words <= words:
                    continue  # a sample can only match a text holding all its own words
                if _matches(resolver, other, text):
                    found.append((intent["name"], sample, other.intent))
                    break
    return tuple(found)


def _matches(resolver: Resolver, sample, text: str) -> bool:
    """Whether `sample` matches the text whole, each of its slots taking a value of its type."""
    match = sample.pattern.match(text)
    if match is None:
        return False
    slots = [(i, name) for i, (kind, name) in enumerate(sample.parts) if kind == "slot"]
    return all(resolver._slot_value(sample.intent, name, match.group(f"s{i}"))[0].id is not None for i, name in slots)


def check_files(
    paths: list[Path], handled_builtins: frozenset[str] = frozenset(), skill_intents: frozenset[str] | None = None
) -> list[Finding]:
    findings = []
    for path in paths:
        try:
            model = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            findings.append(Finding(str(path), "", "", f"cannot be read as JSON: {error}"))
            continue
        findings.extend(check_model(model, str(path), handled_builtins, skill_intents))
    return findings

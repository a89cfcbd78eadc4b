"""The content, as a listener and a clinician would judge it."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import pytest
import textstat
import yaml

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
FORBIDDEN = yaml.safe_load((Path(__file__).parent / "data" / "forbidden_phrases.yaml").read_text())["forbidden"]


def everything_said_or_shown(content):
    """(where, text) for every line the skill can speak or put on a card."""
    yield from spoken_lines(content)
    for topic in content.topics.values():
        yield f"{topic.id}.title", topic.title
        if topic.card:
            yield f"{topic.id}.card", topic.card
        if topic.follow_up is not None:
            yield f"{topic.id}.follow_up.prompt", topic.follow_up.prompt
    for flag in content.red_flags.values():
        yield f"{flag.id}.title", flag.title
    for routine in content.routines.values():
        yield f"{routine.id}.title", routine.title
        yield f"{routine.id}.name", routine.name
    for name in content.prompts._fields:
        yield f"prompts.{name}", getattr(content.prompts, name)


def spoken_lines(content):
    """The texts a listener hears: answers, follow-ups, red-flag lines, routine steps and
    the skill's own questions."""
    for topic in content.topics.values():
        if topic.speech:
            yield f"{topic.id}.speech", topic.speech
        if topic.follow_up is not None and topic.follow_up.text:
            yield f"{topic.id}.follow_up.text", topic.follow_up.text
    for flag in content.red_flags.values():
        yield f"{flag.id}.why/advice", flag.why or flag.advice
        if flag.first_aid:
            yield f"{flag.id}.first_aid", flag.first_aid
    for facts in content.locales.values():
        yield f"{facts.locale}.urgent_care", facts.urgent_care
    for routine in content.routines.values():
        yield f"{routine.id}.safety", routine.safety
        for number, step in enumerate(routine.steps, 1):
            yield f"{routine.id}.steps[{number}]", step.do
    for name in ("welcome", "help", "fallback", "error", "nothing_offered", "nothing_to_repeat", "pain_worse",
                 "safety_line", "unheard", "emergency_cannot_call", "sign_if_now", "urgent_care_anywhere",
                 "urgent_worse", "urgent_if_now", "passed_soon", "passed_urgent"):
        yield f"prompts.{name}", getattr(content.prompts, name)


def test_there_are_at_least_thirty_five_topics(content):
    assert len(content.topics) >= 35


@pytest.mark.parametrize("rule", FORBIDDEN, ids=[r["why"] for r in FORBIDDEN])
def test_nothing_wrong_or_promotional_is_ever_said(content, rule):
    pattern = re.compile(rule["pattern"], re.IGNORECASE)
    hits = [f"{where}: {text!r}" for where, text in everything_said_or_shown(content) if pattern.search(text)]
    assert not hits, f"{rule['why']}:\n" + "\n".join(hits)


def test_the_forbidden_list_catches_what_it_is_meant_to():
    said = [
        "Tonic water may help.", "Magnesium is proven.", "Drink 3.7 litres a day.", "Try Nurofen.",
        "I'll call 911 for you.", "This cream cures cramps.", "Ask about baclofen.", "Stress can cause cramps.",
    ]
    for text in said:
        assert any(re.search(r["pattern"], text, re.IGNORECASE) for r in FORBIDDEN), text


def test_answers_are_in_plain_words(content):
    grades = sorted(((textstat.flesch_kincaid_grade(text), where) for where, text in spoken_lines(content)), reverse=True)
    worst = "\n".join(f"  grade {g:.1f}  {where}" for g, where in grades[:8])
    assert grades[0][0] <= 8, f"every spoken line at grade 8 or below; the worst:\n{worst}"
    assert statistics.median(g for g, _ in grades) <= 6, f"median grade above 6; the worst:\n{worst}"


def test_every_entry_names_its_sources_and_never_the_unusable_seeds(content):
    entries = [*content.topics.values(), *content.red_flags.values(), *content.routines.values()]
    cited = {key for entry in entries for key in entry.sources}
    for entry in entries:
        assert entry.sources, entry.id
    seeds = {content.sources[key].seed for key in cited if content.sources[key].seed}
    assert not seeds & {"000_9aac15e9cb24f3b5.txt", "002_d94c28077ab75d1e.txt"}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
def test_cited_seed_documents_exist(content):
    for source in content.sources.values():
        if source.seed:
            assert (SEEDS / source.seed).is_file(), source.seed


def test_the_disclaimer_is_in_the_help(content):
    help_text = content.prompts.help
    assert "not a substitute for a doctor" in help_text
    assert "In an emergency, call your local emergency number." in help_text
    assert "not medical advice" in content.prompts.card_footer


def test_every_offer_is_a_short_question(content):
    for topic in content.topics.values():
        if topic.follow_up is not None:
            assert topic.follow_up.prompt.endswith("?") and len(topic.follow_up.prompt.split()) <= 12, topic.id


def test_every_first_spoken_part_is_under_fifty_words(content):
    from skill.runtime.core.conversation import Conversation
    from skill.runtime.core.triage import Finding

    conversation = Conversation(content)
    first_parts = [(where, text) for where, text in spoken_lines(content) if ".follow_up." not in where]
    first_parts += [
        (f"{f.id} answer in {locale}", conversation.red_flag(Finding(f.id, f.level, False, 0, 0), locale).speech.plain())
        for f in content.red_flags.values()
        for locale in content.locales
    ]
    first_parts += [("welcome", conversation.welcome().speech.plain()), ("help", conversation.help().speech.plain())]
    counts = sorted(((len(text.split()), where) for where, text in first_parts), reverse=True)
    worst = "\n".join(f"  {n} words  {where}" for n, where in counts[:8])
    assert counts[0][0] < 50, f"the longest first spoken parts:\n{worst}"

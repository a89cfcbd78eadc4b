"""The loader stops start-up on bad content, naming the file, the entry and the field.

Each test copies a small valid content set and breaks one thing in it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from skill.runtime.core.content import ContentError

from skill.runtime.core.compiled import load_content

MINIMAL = Path(__file__).parent / "fixtures" / "content_min"


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(MINIMAL, target)
    return target


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1))


def problems_for(directory: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_content(directory)
    return [str(p) for p in caught.value.problems]


def test_the_minimal_content_loads_into_frozen_objects(content_dir):
    content = load_content(content_dir)
    assert set(content.topics) == {"now_general", "now_calf", "cause_general"}
    calf = content.topics["now_calf"]
    assert calf.asked["BodyPart"] == ("calf", "calves")
    with pytest.raises(AttributeError):
        calf.speech = "changed"
    with pytest.raises(TypeError):
        content.topics["new"] = calf


def test_malformed_yaml_names_the_file_and_line(content_dir):
    (content_dir / "answers" / "basic.yaml").write_text("topics:\n  - id: x\n    title: [unclosed\n")
    [problem] = problems_for(content_dir)
    assert problem.startswith("content/answers/basic.yaml: line ")
    assert "not valid YAML" in problem


def test_a_sample_starting_with_a_slot_gets_a_hint_to_quote_it(content_dir):
    replace_in(content_dir / "intents.yaml", "      - i have a cramp\n", "      - {body_part} cramp\n")
    [problem] = problems_for(content_dir)
    assert problem.startswith("content/intents.yaml: line 11")
    assert "must be in quotes" in problem


BASIC = "answers/basic.yaml"
FLAGS = "red_flags.yaml"
LOCALES = "locales.yaml"
PROMPTS = "prompts.yaml"
ROUTINES = "routines.yaml"
ORPHAN_FILE = "topics:\n  - id: {id}\n    title: T\n    speech: S.\n    card: C.\n    sources: [NHS]\n"
UNKNOWN_FIELD = "unknown field (expected one of: asked, card, follow_up, id, routine, sources, speech, title)"
UNREACHABLE = "no intent reaches this topic: add phrases under 'asked' or name it in intents.yaml"

# (file, text to replace or None to write the file anew, new text, every problem expected)
BREAKAGES = {
    "a missing field": (BASIC, "    card: Often there is no clear cause.\n", "", [
        "content/answers/basic.yaml: entry 'cause_general': field 'card': missing",
    ]),
    "an entry without an id is named by position": (BASIC, "  - id: now_general\n", "  - title_typo: x\n", [
        f"content/answers/basic.yaml: entry '#1': field 'title_typo': {UNKNOWN_FIELD}",
        "content/answers/basic.yaml: entry '#1': field 'id': missing",
        "content/intents.yaml: entry 'CrampNowIntent': field 'default': unknown topic 'now_general'",
    ]),
    "a misspelt field": (BASIC, "    sources: [NHS]\n  - id: now_calf", "    source: [NHS]\n  - id: now_calf", [
        f"content/answers/basic.yaml: entry 'now_general': field 'source': {UNKNOWN_FIELD}",
        "content/answers/basic.yaml: entry 'now_general': field 'sources': missing",
    ]),
    "a wrong type": (BASIC, "    speech: Stretch the muscle and rub it.", "    speech: [a, list]", [
        "content/answers/basic.yaml: entry 'now_general': field 'speech': must be non-empty text",
    ]),
    "a duplicate id names both files": ("answers/more.yaml", None, ORPHAN_FILE.format(id="now_calf"), [
        "content/answers/more.yaml: entry 'now_calf': field 'id': duplicate id: already used in content/answers/basic.yaml",
    ]),
    "an unknown follow-up topic": (BASIC, "      topic: cause_general", "      topic: cause_typo", [
        "content/answers/basic.yaml: entry 'now_calf': field 'follow_up.topic': unknown topic 'cause_typo'",
    ]),
    "an unknown source": (BASIC, "    sources: [NHS]\n    asked:", "    sources: [NHS, BLOG]\n    asked:", [
        "content/answers/basic.yaml: entry 'now_calf': field 'sources': unknown source 'BLOG' (see sources.yaml)",
    ]),
    "an unknown default topic": ("intents.yaml", "default: now_general", "default: now_nowhere", [
        "content/intents.yaml: entry 'CrampNowIntent': field 'default': unknown topic 'now_nowhere'",
        f"content/answers/basic.yaml: entry 'now_general': field 'asked': {UNREACHABLE}",
    ]),
    "an unknown slot type": (BASIC, "      BodyPart: [calf, calves]", "      BodyParts: [calf, calves]", [
        "content/answers/basic.yaml: entry 'now_calf': field 'asked.BodyParts': unknown slot type 'BodyParts' (types used in intents.yaml: BodyPart, Routine, Symptom)",
        f"content/answers/basic.yaml: entry 'now_calf': field 'asked': {UNREACHABLE}",
    ]),
    "a spoken answer over fifty words": (BASIC, "    speech: Stretch the muscle and rub it.", "    speech: " + "word " * 51, [
        "content/answers/basic.yaml: entry 'now_general': field 'speech': 51 words; keep it to 50 and offer the rest",
    ]),
    "a follow-up with neither text nor topic": (BASIC, "      text: Tired muscles play a part.\n", "", [
        "content/answers/basic.yaml: entry 'cause_general': field 'follow_up': give exactly one of 'text', 'topic' or 'routine'",
    ]),
    "a sample with an undeclared slot or punctuation": (
        "intents.yaml", "      - i have a cramp\n", "      - my {muscle} hurts\n      - why, really?\n", [
            "content/intents.yaml: entry 'CrampNowIntent': field 'samples': 'my {muscle} hurts': slot '{muscle}' is not declared",
            "content/intents.yaml: entry 'CrampNowIntent': field 'samples': 'why, really?': use lower-case words only (no digits, no , ? ! / and single spaces)",
        ]),
    "the same sample in two intents": (
        "intents.yaml", "      - what causes cramps\n", "      - what causes cramps\n      - i have a cramp\n", [
            "content/intents.yaml: entry 'CauseIntent': field 'samples': 'i have a cramp' appears also in CrampNowIntent",
        ]),
    "one phrase naming two topics of a slot type": (
        BASIC, "    sources: [NHS]\n  - id: now_calf", "    sources: [NHS]\n    asked:\n      BodyPart: [calves]\n  - id: now_calf", [
            "content/answers/basic.yaml: entry 'now_calf': field 'asked.BodyPart': 'calves' already names topic 'now_general' for BodyPart",
        ]),
    "a topic no intent can reach": ("answers/more.yaml", None, ORPHAN_FILE.format(id="orphan"), [
        f"content/answers/more.yaml: entry 'orphan': field 'asked': {UNREACHABLE}",
    ]),
    "a red flag said too few ways": (FLAGS, "tight chest, chest pressure, heart attack]", "tight chest]", [
        "content/red_flags.yaml: entry 'chest_pain': field 'said': 4 phrases; list at least 6 ways people say it",
    ]),
    "a why that delays the call": (FLAGS, "    why: Chest pain can be a sign of a heart attack.",
        "    why: " + "word " * 21, [
        "content/red_flags.yaml: entry 'chest_pain': field 'why': 21 words; keep it to 20 and offer the rest",
    ]),
    "an emergency without a why": (FLAGS, "    why: Chest pain can be a sign of a heart attack.\n", "", [
        "content/red_flags.yaml: entry 'chest_pain': field 'why': missing",
    ]),
    "one phrase naming two red flags": (FLAGS, "new pills, new tablets", "new pills, chest pain", [
        "content/red_flags.yaml: entry 'new_medicine': field 'said': 'chest pain' already names red flag 'chest_pain'",
    ]),
    "a red flag with a topic's id": (FLAGS, "  - id: new_medicine", "  - id: now_calf", [
        "content/red_flags.yaml: entry 'now_calf': field 'id': duplicate id: already a red flag or a topic",
    ]),
    "a red flag citing an unknown source": (FLAGS, "    sources: [NHS]\nurgent:", "    sources: [BLOG]\nurgent:", [
        "content/red_flags.yaml: entry 'chest_pain': field 'sources': unknown source 'BLOG' (see sources.yaml)",
    ]),
    "an urgent sign's advice too long to say before the way to get help": (FLAGS,
        "    advice: A cramp that lasts over ten minutes needs a check.", "    advice: " + "word " * 31, [
        "content/red_flags.yaml: entry 'long_cramp': field 'advice': 31 words; keep it to 30 and offer the rest",
    ]),
    "a sign that is over given no level": (FLAGS,
        "    title: Chest pain\n", "    title: Chest pain\n    passed: later\n", [
        "content/red_flags.yaml: entry 'chest_pain': field 'passed': a level no more urgent than 'emergency': emergency, urgent, soon",
    ]),
    "a slow-onset flag that is an emergency itself": (FLAGS,
        "    title: Chest pain\n", "    title: Chest pain\n    slowly: chest_pain\n", [
        "content/red_flags.yaml: entry 'chest_pain': field 'slowly': 'chest_pain' is not an urgent or soon red flag",
    ]),
    "a sign of one word": (FLAGS, "      - [chest, chest_feeling]", "      - [chest]", [
        "content/red_flags.yaml: entry 'chest_pain': field 'signs': ['chest']: a sign is a list of at least two word classes or words, or {anywhere: [...]}",
    ]),
    "a look-alike with a word YAML reads as true": (FLAGS, "  - chest of drawers", "  - [chest, on, drawers]", [
        "content/red_flags.yaml: field 'calm': ['chest', True, 'drawers']: a phrase, or a list of at least two word classes or words (quote words YAML reads as true or false, like \"on\" and \"no\")",
    ]),
    "a word class with a word YAML reads as false": (FLAGS, "  chest_feeling: [pain, tight, crushing]", "  chest_feeling: [pain, no]", [
        "content/red_flags.yaml: field 'words.chest_feeling': must be a non-empty list of words (quote words YAML reads as true or false, like \"on\" and \"no\")",
    ]),
    "no urgent level": (FLAGS, "urgent:", "urgnet:", [
        "content/red_flags.yaml: the file must have top-level lists 'emergency', 'urgent', 'soon'",
    ]),
    "a red flag phrase Alexa would refuse": (FLAGS, "heart attack]", "heart attack, chest pain!]", [
        "content/red_flags.yaml: entry 'chest_pain': field 'said': 'chest pain!': use lower-case words only",
    ]),
    "red flags with no slot to be heard in": ("intents.yaml", "      - {name: symptom, type: Symptom}\n", "", [
        "content/intents.yaml: entry 'CrampNowIntent': field 'samples': 'i have a cramp and {symptom}': slot '{symptom}' is not declared",
    ]),
    "a topic claiming a symptom": (BASIC, "      BodyPart: [calf, calves]", "      BodyPart: [calf, calves]\n      Symptom: [chest ache]", [
        "content/answers/basic.yaml: entry 'now_calf': field 'asked.Symptom': Symptom values come from red_flags.yaml: list them there",
    ]),
    "a sample that is a red flag's phrase": ("intents.yaml", "      - what causes cramps\n", "      - what causes cramps\n      - chest pain\n", [
        "content/intents.yaml: entry 'CauseIntent': field 'samples': 'chest pain' names red flag 'chest_pain', so the safety net answers it, never this intent",
    ]),
    "a hold Alexa could not count": (ROUTINES, "        hold: 30", "        hold: 300", [
        "content/routines.yaml: entry 'calf': field 'steps[2].hold': whole seconds from 5 to 60",
    ]),
    "two routines that would start when none is named": (ROUTINES, "  - id: calf\n", (
        "  - id: other\n    title: Other\n    name: other stretch\n    when_none_named: true\n"
        "    said: [other stretch, other stretches, the other stretch, an other stretch, stretches for the other]\n"
        "    safety: Gently.\n    sources: [NHS]\n    steps:\n      - do: Reach up.\n        hold: 10\n"
        "  - id: calf\n    when_none_named: true\n"), [
        "content/routines.yaml: entry 'calf': field 'when_none_named': only one routine can start when none is named ('other' does)",
    ]),
    "a routine started when none is named, said unclearly": (ROUTINES, "  - id: calf\n", "  - id: calf\n    when_none_named: sometimes\n", [
        "content/routines.yaml: entry 'calf': field 'when_none_named': true or false",
    ]),
    "a step too long to say before its count": (ROUTINES, "      - do: Face a wall.", "      - do: " + "word " * 21, [
        "content/routines.yaml: entry 'calf': field 'steps[1].do': 21 words; keep it to 20 and offer the rest",
    ]),
    "a topic answered by a routine that does not exist": (BASIC, "    title: A calf cramp\n", "    title: A calf cramp\n    routine: calf_typo\n", [
        "content/answers/basic.yaml: entry 'now_calf': field 'speech': a topic answered by a routine says only what the routine says",
        "content/answers/basic.yaml: entry 'now_calf': field 'card': a topic answered by a routine says only what the routine says",
        "content/answers/basic.yaml: entry 'now_calf': field 'follow_up': a topic answered by a routine says only what the routine says",
    ]),
    "an emergency number in words": (LOCALES, '"911"', "nine one one", [
        "content/locales.yaml: entry 'en-US': field 'emergency_number': digits only, as on the card; say it otherwise with 'spoken_number'",
    ]),
    "a locale with nowhere to get seen today": (LOCALES, '    urgent_care: "Get medical help today: go to urgent care."\n', "", [
        "content/locales.yaml: entry 'en-US': field 'urgent_care': missing",
    ]),
    "a malformed locale": (LOCALES, "locale: en-GB", "locale: english", [
        "content/locales.yaml: entry 'english': field 'locale': must look like en-US",
    ]),
    "a prompt that lost its number": (PROMPTS, "Call {number} now.", "Call now.", [
        "content/prompts.yaml: entry 'prompts': field 'emergency_call': must use exactly {number}",
    ]),
    "a line after the fallback that lost its number": (PROMPTS, "If this is an emergency, call {number}.", "If this is an emergency, call.", [
        "content/prompts.yaml: entry 'prompts': field 'safety_line': must use exactly {number}",
    ]),
}


@pytest.mark.parametrize("breakage", BREAKAGES, ids=list(BREAKAGES))
def test_each_breakage_is_reported_with_file_entry_and_field(content_dir, breakage):
    file, old, new, expected = BREAKAGES[breakage]
    if old is None:
        (content_dir / file).write_text(new)
    else:
        replace_in(content_dir / file, old, new)
    assert problems_for(content_dir) == expected


def test_a_missing_prompt_and_a_missing_file_are_both_reported(content_dir):
    replace_in(content_dir / "prompts.yaml", "  goodbye: Goodbye.\n", "")
    (content_dir / "sources.yaml").unlink()
    assert problems_for(content_dir) == [
        "content/sources.yaml: file is missing",
        "content/prompts.yaml: entry 'prompts': field 'goodbye': missing",
    ]


def test_every_problem_is_reported_at_once(content_dir):
    replace_in(content_dir / "answers" / "basic.yaml", "    card: Often there is no clear cause.\n", "")
    replace_in(content_dir / "answers" / "basic.yaml", "      topic: cause_general", "      topic: cause_typo")
    assert len(problems_for(content_dir)) == 2


def test_the_error_message_lists_each_problem_on_its_own_line(content_dir):
    replace_in(content_dir / "answers" / "basic.yaml", "    card: Often there is no clear cause.\n", "")
    with pytest.raises(ContentError) as caught:
        load_content(content_dir)
    assert str(caught.value) == (
        "1 problem(s) in the content:\n"
        "  content/answers/basic.yaml: entry 'cause_general': field 'card': missing"
    )


def test_red_flags_become_the_symptom_slot_type_and_locales_their_numbers(content_dir):
    content = load_content(content_dir)
    chest = content.red_flags["chest_pain"]
    assert chest.level == "emergency" and chest.why.startswith("Chest pain")
    assert content.red_flags["long_cramp"].level == "urgent" and content.red_flags["new_medicine"].level == "soon"
    # The model's values: the phrases, then the signs spelled out ("chest pain" is said
    # outright, so the sign's spelling of it is not a second value).
    assert content.slot_types["Symptom"]["chest_pain"][:2] == ("chest pain", "pain in my chest")
    assert "breastbone crushing" in content.slot_types["Symptom"]["chest_pain"]
    assert content.locales["en-GB"].emergency_number == "999" and content.locales["en-GB"].soon_line == "NHS 111"
    assert content.locales["en-US"].spoken_number == "9 1 1" and content.locales["en-AU"].spoken_number == "triple zero"
    assert content.triage_rules.calm == ("chest of drawers",)


def test_missing_red_flags_stop_start_up(content_dir):
    (content_dir / "red_flags.yaml").unlink()
    assert problems_for(content_dir) == ["content/red_flags.yaml: file is missing"]


def test_routines_load_with_their_steps_and_become_the_routine_slot_type(content_dir):
    content = load_content(content_dir)
    calf = content.routines["calf"]
    assert [s.do for s in calf.steps] == ["Face a wall.", "Lean in until your calf stretches."]
    assert (calf.steps[1].hold, calf.steps[1].reps, calf.steps[1].sides) == (30, 2, True)
    assert content.slot_types["Routine"]["calf"][0] == "calf stretch"
    assert "RoutineIntent" in content.action_intents


def test_compiled_content_is_the_same_content_and_a_stale_copy_is_never_used(content_dir):
    from skill.runtime.core.compiled import COMPILED_NAME, compile_content

    parsed = load_content(content_dir)
    compile_content(content_dir)
    assert (content_dir / COMPILED_NAME).is_file()
    assert load_content(content_dir) == parsed
    replace_in(content_dir / "answers" / "basic.yaml", "Often there is no clear cause.", "Often there is no one cause.")
    assert load_content(content_dir).topics["cause_general"].speech == "Often there is no one cause."
    (content_dir / COMPILED_NAME).write_text("{garbage")
    assert load_content(content_dir).topics["cause_general"].speech == "Often there is no one cause."


def test_content_compiled_for_requests_keeps_what_the_triage_reads_and_tools_never_load_it(content_dir):
    from skill.runtime.core.compiled import compile_content
    from skill.runtime.core.safety import triage_for

    full = load_content(content_dir)
    compile_content(content_dir, for_requests=True)
    lean = load_content(content_dir, for_requests=True)
    # Lambda reads the words people say with the red flags' phrases and signs: they stay.
    assert {k: f._replace(sources=()) for k, f in lean.red_flags.items()} == {
        k: f._replace(sources=()) for k, f in full.red_flags.items()
    }
    assert lean.triage_rules == full.triage_rules
    assert [f.flag for f in triage_for(lean).findings("my chest is crushing")] == ["chest_pain"]
    # What only the interaction model needs does not, nor the sources the build checked.
    assert lean.topics["now_calf"].asked == {} and lean.routines["calf"].said == ()
    assert set(lean.slot_types["Symptom"]) == set(full.slot_types["Symptom"])
    assert lean.sources == {} and full.sources
    assert all(not entry.sources for group in ("topics", "routines", "red_flags", "locales")
               for entry in getattr(lean, group).values())
    for topic_id, topic in full.topics.items():
        assert lean.topics[topic_id] == topic._replace(asked=lean.topics[topic_id].asked, sources=())
    assert lean.prompts == full.prompts
    assert {k: facts._replace(sources=()) for k, facts in full.locales.items()} == lean.locales
    assert load_content(content_dir) == full  # a tool reads the YAML: it needs the phrases

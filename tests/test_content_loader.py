"""The loader stops start-up on bad content, naming the file, the entry and the field.

Each test copies a small valid content set and breaks one thing in it.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from skill.core.content import ContentError, load_content

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
    with pytest.raises(dataclasses.FrozenInstanceError):
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
    assert problem.startswith("content/intents.yaml: line 9")
    assert "must be in quotes" in problem


def test_a_missing_field_names_file_entry_and_field(content_dir):
    replace_in(content_dir / "answers" / "basic.yaml", "    card: Often there is no clear cause.\n", "")
    assert problems_for(content_dir) == [
        "content/answers/basic.yaml: entry 'cause_general': field 'card': missing"
    ]


def test_an_entry_without_an_id_is_named_by_position(content_dir):
    replace_in(content_dir / "answers" / "basic.yaml", "  - id: now_general\n", "  - title_typo: x\n")
    problems = problems_for(content_dir)
    assert "content/answers/basic.yaml: entry '#1': field 'id': missing" in problems


def test_a_misspelt_field_is_reported_not_ignored(content_dir):
    replace_in(content_dir / "answers" / "basic.yaml", "    sources: [NHS]\n  - id: now_calf", "    source: [NHS]\n  - id: now_calf")
    problems = problems_for(content_dir)
    assert any(
        p.startswith("content/answers/basic.yaml: entry 'now_general': field 'source': unknown field")
        for p in problems
    )
    assert "content/answers/basic.yaml: entry 'now_general': field 'sources': missing" in problems


def test_a_wrong_type_is_reported(content_dir):
    replace_in(content_dir / "answers" / "basic.yaml", "    speech: Stretch the muscle and rub it.", "    speech: [a, list]")
    assert problems_for(content_dir) == [
        "content/answers/basic.yaml: entry 'now_general': field 'speech': must be non-empty text"
    ]


def test_a_duplicate_id_names_both_files(content_dir):
    (content_dir / "answers" / "more.yaml").write_text(
        "topics:\n  - id: now_calf\n    title: T\n    speech: S.\n    card: C.\n    sources: [NHS]\n"
    )
    problems = problems_for(content_dir)
    assert "content/answers/more.yaml: entry 'now_calf': field 'id': duplicate id: already used in content/answers/basic.yaml" in problems


def test_an_unknown_follow_up_topic_is_an_unknown_reference(content_dir):
    replace_in(content_dir / "answers" / "basic.yaml", "      topic: cause_general", "      topic: cause_typo")
    assert problems_for(content_dir) == [
        "content/answers/basic.yaml: entry 'now_calf': field 'follow_up.topic': unknown topic 'cause_typo'"
    ]


def test_an_unknown_source_is_an_unknown_reference(content_dir):
    replace_in(content_dir / "answers" / "basic.yaml", "    sources: [NHS]\n    asked:", "    sources: [NHS, BLOG]\n    asked:")
    assert problems_for(content_dir) == [
        "content/answers/basic.yaml: entry 'now_calf': field 'sources': unknown source 'BLOG' (see sources.yaml)"
    ]


def test_an_unknown_default_topic_in_intents_is_an_unknown_reference(content_dir):
    replace_in(content_dir / "intents.yaml", "default: now_general", "default: now_nowhere")
    problems = problems_for(content_dir)
    assert "content/intents.yaml: entry 'CrampNowIntent': field 'default': unknown topic 'now_nowhere'" in problems


def test_an_unknown_slot_type_is_an_unknown_reference(content_dir):
    replace_in(content_dir / "answers" / "basic.yaml", "      BodyPart: [calf, calves]", "      BodyParts: [calf, calves]")
    problems = problems_for(content_dir)
    assert any(
        p.startswith("content/answers/basic.yaml: entry 'now_calf': field 'asked.BodyParts': unknown slot type 'BodyParts'")
        for p in problems
    )


def test_a_spoken_answer_over_fifty_words_is_refused(content_dir):
    long_answer = " ".join(["word"] * 51) + "."
    replace_in(content_dir / "answers" / "basic.yaml", "    speech: Stretch the muscle and rub it.", f"    speech: {long_answer}")
    assert problems_for(content_dir) == [
        "content/answers/basic.yaml: entry 'now_general': field 'speech': 51 words; keep it to 50 and offer the rest"
    ]


def test_a_follow_up_needs_exactly_one_of_text_or_topic(content_dir):
    replace_in(content_dir / "answers" / "basic.yaml", "      text: Tired muscles play a part.\n", "")
    assert problems_for(content_dir) == [
        "content/answers/basic.yaml: entry 'cause_general': field 'follow_up': give exactly one of 'text' or 'topic'"
    ]


def test_a_sample_with_an_undeclared_slot_or_punctuation_is_refused(content_dir):
    replace_in(content_dir / "intents.yaml", "      - i have a cramp\n", "      - my {muscle} hurts\n      - why, really?\n")
    problems = problems_for(content_dir)
    assert "content/intents.yaml: entry 'CrampNowIntent': field 'samples': 'my {muscle} hurts': slot '{muscle}' is not declared" in problems
    assert any(p.startswith("content/intents.yaml: entry 'CrampNowIntent': field 'samples': 'why, really?'") for p in problems)


def test_the_same_sample_in_two_intents_is_refused(content_dir):
    replace_in(content_dir / "intents.yaml", "      - what causes cramps\n", "      - what causes cramps\n      - i have a cramp\n")
    assert problems_for(content_dir) == [
        "content/intents.yaml: entry 'CauseIntent': field 'samples': 'i have a cramp' appears also in CrampNowIntent"
    ]


def test_one_phrase_naming_two_topics_of_a_slot_type_is_refused(content_dir):
    replace_in(content_dir / "answers" / "basic.yaml", "    sources: [NHS]\n  - id: now_calf", "    sources: [NHS]\n    asked:\n      BodyPart: [calves]\n  - id: now_calf")
    assert problems_for(content_dir) == [
        "content/answers/basic.yaml: entry 'now_calf': field 'asked.BodyPart': 'calves' already names topic 'now_general' for BodyPart"
    ]


def test_a_topic_no_intent_can_reach_is_refused(content_dir):
    (content_dir / "answers" / "more.yaml").write_text(
        "topics:\n  - id: orphan\n    title: T\n    speech: S.\n    card: C.\n    sources: [NHS]\n"
    )
    assert problems_for(content_dir) == [
        "content/answers/more.yaml: entry 'orphan': field 'asked': no intent reaches this topic: add phrases under 'asked' or name it in intents.yaml"
    ]


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

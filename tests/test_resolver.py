"""The offline resolver: how typed words become an intent and slots."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from skill.tools.interaction_model import model_path
from skill.tools.simulator.accuracy import score_file
from skill.tools.simulator.nlu import FALLBACK, Resolver, normalize

DATA = Path(__file__).parent / "data"
HELD_OUT = sorted(DATA.glob("heldout_*.yaml"))


class RememberingResolver:
    """The resolver, with each text resolved once for all the tests here that say it (the
    labelled sets are scored per set, all together, and checked for samples): what a text
    resolves to depends on the text alone, as the resolver keeps nothing between texts."""

    def __init__(self, resolver: Resolver):
        self._resolver = resolver
        self.resolve = functools.cache(resolver.resolve)

    def __getattr__(self, name: str):
        return getattr(self._resolver, name)


@pytest.fixture(scope="module")
def resolver():
    return RememberingResolver(Resolver(json.loads(model_path("en-US").read_text())))


@pytest.mark.parametrize(
    "text, normal",
    [
        ("What's the best thing for cramps?", "what is the best thing for cramps"),
        ("Ow, my calf's cramping!", "my calf is cramping"),
        ("are twitches a sign of A.L.S.", "are twitches a sign of als"),
        ("I can't sleep, um, I won't lie", "i can not sleep i will not lie"),
        ("please help", "help"),
        ("please", "please"),
        ("  ", ""),
    ],
)
def test_text_is_normalised_the_same_way_as_samples(text, normal):
    assert normalize(text) == normal


def test_an_exact_sample_resolves_its_slot_to_the_value_id(resolver):
    result = resolver.resolve("my calves are cramping")
    assert (result.intent, result.method) == ("CrampNowIntent", "sample")
    slot, _symptom = result.slots
    assert (slot.name, slot.value, slot.id, slot.canonical, slot.status) == (
        "body_part", "calves", "now_calf", "calf", "ER_SUCCESS_MATCH",
    )


def test_words_around_a_value_are_not_part_of_it(resolver):
    slot, _symptom = resolver.resolve("i have a cramp in my left calf").slots
    assert (slot.value, slot.id) == ("left calf", "now_calf")


def test_a_value_not_in_the_slot_type_is_no_match_like_alexa(resolver):
    result = resolver.resolve("my elbow is cramping")
    assert result.intent == "CrampNowIntent"
    slot, _symptom = result.slots
    assert (slot.value, slot.id, slot.status) == ("elbow", None, "ER_SUCCESS_NO_MATCH")


def test_every_declared_slot_is_present_even_when_empty(resolver):
    result = resolver.resolve("what causes cramps")
    assert [(s.name, s.value, s.status) for s in result.slots] == [("situation", None, None), ("body_part", None, None), ("symptom", None, None)]


def test_a_paraphrase_is_matched_by_similarity_with_its_slot_spotted(resolver):
    result = resolver.resolve("ugh the arch of my foot has locked up again")
    assert (result.intent, result.method) == ("CrampNowIntent", "learned")
    assert result.slots[0].id == "now_foot"


@pytest.mark.parametrize("text", ["what is the weather", "play some jazz", "how tall is mount everest", "", "?!"])
def test_unrelated_or_empty_text_falls_back(resolver, text):
    assert resolver.resolve(text).intent == FALLBACK


@pytest.mark.parametrize(
    "text, intent",
    [("help", "AMAZON.HelpIntent"), ("stop", "AMAZON.StopIntent"), ("never mind", "AMAZON.CancelIntent"),
     ("yes please", "AMAZON.YesIntent"), ("no thank you", "AMAZON.NoIntent"), ("say that again", "AMAZON.RepeatIntent"),
     ("go home", "AMAZON.NavigateHomeIntent"), ("what can you do", "AMAZON.HelpIntent")],
)
def test_built_in_intents_by_their_usual_phrases(resolver, text, intent):
    assert resolver.resolve(text).intent == intent


@pytest.mark.parametrize(
    "text, fitting",
    [("cramp help", {"CrampNowIntent"}), ("help my foot is cramping so bad", {"CrampNowIntent"}),
     ("the cramp won't stop", {"CrampNowIntent", "HowLongIntent", "AboutIntent"})],
)
def test_a_built_in_phrase_inside_a_sentence_about_cramps_does_not_claim_it(resolver, text, fitting):
    assert resolver.resolve(text).intent in fitting


@pytest.mark.parametrize("path", HELD_OUT, ids=[p.name for p in HELD_OUT])
def test_held_out_utterances_reach_the_right_answer(content, resolver, path, capsys):
    """Utterances written by people who never saw the model's samples."""
    score = score_file(content, resolver, path)
    with capsys.disabled():
        print(f"\n  {score.name}: {score.accuracy:.1%} of {score.total}", end="")
    misses = "\n".join(f"  {m.text!r}: expected {m.expected}, got {m.got}" for m in score.misses)
    assert score.accuracy >= 0.85, f"{score.accuracy:.1%}; misses:\n{misses}"


LABELLED_FILES = sorted(DATA.glob("labelled_resolutions*.yaml"))


@pytest.mark.parametrize("path", LABELLED_FILES, ids=[p.name for p in LABELLED_FILES])
def test_no_labelled_utterance_is_a_sample_of_the_model(resolver, path):
    """The labelled sets measure wording nobody wrote into the model: an utterance that
    is a sample, as written or with its slots filled by values, measures nothing. A new
    sample that makes one so moves it out of the set (or the sample goes)."""
    import yaml

    utterances = yaml.safe_load(path.read_text(encoding="utf-8"))["utterances"]
    samples = [u["text"] for u in utterances if resolver.resolve(u["text"]).method == "sample"]
    assert samples == []


# (file, intent, answer, slots): each set's level, about 1.5 points under its figure in
# docs/resolver.md, which a change must not lose. Sets 1 to 8 were used in tuning; 9 to 13 were first
# scored blind (docs/resolver.md gives their first runs).
LABELLED = [
    ("labelled_resolutions.yaml", 0.93, 0.96, 0.94),
    ("labelled_resolutions_2.yaml", 0.93, 0.96, 0.94),
    ("labelled_resolutions_3.yaml", 0.93, 0.97, 0.96),
    ("labelled_resolutions_4.yaml", 0.91, 0.95, 0.89),
    ("labelled_resolutions_5.yaml", 0.92, 0.97, 0.95),
    ("labelled_resolutions_6.yaml", 0.88, 0.94, 0.89),
    ("labelled_resolutions_7.yaml", 0.89, 0.94, 0.94),
    ("labelled_resolutions_8.yaml", 0.86, 0.92, 0.90),  # 86.5% after issue 18 (all labelled: 91.4% -> 91.9%)
    ("labelled_resolutions_9.yaml", 0.88, 0.93, 0.94),  # 89.8% after issue 13's topics
    ("labelled_resolutions_10.yaml", 0.88, 0.94, 0.87),  # 89.9% after issue 13's topics
    ("labelled_resolutions_11.yaml", 0.87, 0.92, 0.85),
    ("labelled_resolutions_12.yaml", 0.89, 0.94, 0.94),
    ("labelled_resolutions_13.yaml", 0.87, 0.93, 0.90),
]


def test_every_labelled_set_is_listed():
    assert sorted(row[0] for row in LABELLED) == sorted(p.name for p in LABELLED_FILES)


@pytest.mark.parametrize("name, intent, answer, slots", LABELLED, ids=[row[0] for row in LABELLED])
def test_the_labelled_sets_every_red_flag_reaches_the_emergency_answer(content, resolver, name, intent, answer, slots):
    """tests/data/labelled_resolutions*.yaml: intent and slot ids a careful person expects.
    Every red flag in them must reach the emergency answer; the accuracy figures are
    printed and held to the level docs/resolver.md reports, so a change that loses ground fails."""
    from skill.tools.simulator.accuracy import score_resolutions

    score = score_resolutions(content, resolver, DATA / name)
    print(
        f"\n  {name}: intent {score.intent_accuracy:.1%}, answer {score.answer_accuracy:.1%}, "
        f"slots {score.slot_accuracy:.1%} of {score.total}"
    )
    assert score.total >= 150
    assert score.emergencies >= 20 and score.emergencies_missed == ()
    assert score.intent_accuracy >= intent and score.answer_accuracy >= answer and score.slot_accuracy >= slots


def test_all_the_labelled_sets_together_meet_the_target(content, resolver):
    """The target for the resolver: at least 90% of intents right over every labelled set."""
    from skill.tools.simulator.accuracy import score_resolutions, sum_scores

    score = sum_scores([score_resolutions(content, resolver, path) for path in LABELLED_FILES])
    assert score.intent_accuracy >= 0.90 and score.emergencies_missed == ()

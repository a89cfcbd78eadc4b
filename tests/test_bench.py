"""`python -m skill bench`: what it sends, and how it reads its pairs (the run itself takes
minutes, and its figures are printed, not asserted: see docs/performance.md)."""

from __future__ import annotations

from skill.runtime.core.speech import ssml_to_plain
from skill.tools.bench import Cold, request_events
from test_lambda import invoke


def test_each_request_type_is_answered_as_its_kind_and_the_emergency_is_a_symptom_intent():
    events = request_events()
    assert set(events) == {"launch", "question", "routine step", "emergency"}
    emergency = events["emergency"]["request"]
    assert emergency["intent"]["name"] == "SymptomIntent"
    assert emergency["intent"]["slots"]["symptom"]["resolutions"]["resolutionsPerAuthority"][0]["status"]["code"] == "ER_SUCCESS_NO_MATCH"
    said = {kind: ssml_to_plain(invoke(event)["response"]["outputSpeech"]["ssml"]) for kind, event in events.items()}
    assert said["emergency"].startswith("Call 9 1 1 now.")
    assert said["launch"].startswith("If you have a cramp now")
    assert said["question"].startswith("Night cramps are common")
    assert "calf stretches. Hold." in said["routine step"]  # the calf routine's next step


def cold(ratios: list[float]) -> Cold:
    return Cold({"bare": 1.0, "cramp coach": 1.0}, {"bare": 1.0, "cramp coach": 1.0}, ratios)


def test_a_cold_start_verdict_needs_three_pairs_in_four_on_one_side_of_the_target():
    assert cold([1.00, 1.01, 1.02, 1.03, 1.04]).verdict(1.05) == "met"
    assert cold([1.10, 1.12, 1.20, 1.15, 1.09]).verdict(1.05) == "MISSED"
    # Pairs on both sides: the machine's noise decides, so the benchmark says so.
    assert cold([1.00, 1.02, 1.06, 1.08, 1.04, 1.07]).verdict(1.05) == "too close to call"
    # One slow pair does not turn a clear result.
    assert cold([1.00, 1.01, 1.02, 1.01, 1.50, 1.02, 1.00, 1.03]).verdict(1.05) == "met"

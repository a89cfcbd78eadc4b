"""`python -m skill bench`: what it sends, and how it reads its pairs (the run itself takes
minutes, and its figures are printed, not asserted: see docs/performance.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from skill.runtime.core.speech import ssml_to_plain
from skill.tools.bench import Cold, request_events
from skill.tools.cpu_share import CpuShare, share_of_cpu, usd
from test_lambda import invoke

ROOT = Path(__file__).resolve().parents[1]


def test_each_request_type_is_answered_as_its_kind_and_the_emergency_is_a_symptom_intent():
    events = request_events()
    assert set(events) == {"launch", "question", "routine step", "emergency", "name-free check"}
    emergency = events["emergency"]["request"]
    assert emergency["intent"]["name"] == "SymptomIntent"
    assert emergency["intent"]["slots"]["symptom"]["resolutions"]["resolutionsPerAuthority"][0]["status"]["code"] == "ER_SUCCESS_NO_MATCH"
    assert invoke(events.pop("name-free check"))["response"] == {"canFulfillIntent": {
        "canFulfill": "YES", "slots": {"body_part": {"canUnderstand": "YES", "canFulfill": "YES"}}}}
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


# -- Lambda's CPU share by memory size (bench --lambda-memory)


def test_lambda_gives_a_share_of_one_cpu_in_proportion_to_memory_up_to_one_vcpu():
    assert share_of_cpu(1769) == 1.0 and share_of_cpu(3008) == 1.0  # a Python process uses one
    assert abs(share_of_cpu(256) - 0.1447) < 0.0001
    assert share_of_cpu(512) == 2 * share_of_cpu(256)


def test_the_price_of_a_request_counts_whole_milliseconds_and_the_request_fee():
    # 1.2 ms is billed as 2 ms: 0.002 s x 1 GB x $0.0000133334, plus $0.0000002.
    assert usd(1024, 1.2) == pytest.approx(0.002 * 0.0000133334 + 0.0000002, rel=1e-12)
    assert usd(1024, 2.0, requests=1000) == pytest.approx(1000 * usd(1024, 2.0), rel=1e-12)
    # For work that is all CPU, more memory finishes sooner for about the same price.
    assert abs(usd(1769, 1.0) - usd(256, 1.0 / share_of_cpu(256))) < 0.0000001


def test_a_process_started_in_a_cpu_share_runs_in_that_cgroup_with_that_quota():
    """The mechanism, not a timing: the child is in a cgroup of its own whose CFS quota is
    the share asked for (these machines run as root; elsewhere the error says why)."""
    with CpuShare(share_of_cpu(512)) as limited:
        result = subprocess.run(["cat", "/proc/self/cgroup"], capture_output=True, text=True, preexec_fn=limited.enter)
        quota = (limited.path / "cpu.cfs_quota_us") if (limited.path / "cpu.cfs_quota_us").exists() else limited.path / "cpu.max"
        assert quota.read_text().split()[0] == str(round(100_000 * share_of_cpu(512)))
        path = limited.path
    assert f"/{path.name}" in result.stdout
    assert not path.exists()  # removed when done


def test_lambda_memory_sizes_are_checked_before_anything_is_built():
    for bad, says in (("99", "128 to 10240 MB"), ("256,lots", "not a list of megabytes")):
        result = subprocess.run([sys.executable, "-m", "skill", "bench", "--lambda-memory", bad],
                                cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 2 and says in result.stderr

"""`python -m skill profile-nlu`, driven by a stand-in `ask` on the PATH that answers as
the ASK CLI and SMAPI do (tests/fixtures/ask_standin/ask.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from skill.tools.simulator.nlu import Resolver

ROOT = Path(__file__).resolve().parents[1]
STANDIN = Path(__file__).parent / "fixtures" / "ask_standin" / "ask.py"
MODEL = json.loads((ROOT / "interaction_models" / "en-US.json").read_text())
SKILL = "amzn1.ask.skill.00000000-0000-4000-8000-00000000c0ac"

SMALL_SET = """
utterances:
  - text: "my calf is cramping"
    intent: CrampNowIntent
    slots: {body_part: now_calf}
  - text: "does pickle juice actually work"
    intent: RemedyIntent
    slots: {remedy: pickle_juice}
  - text: "i have crushing chest pain"
    intent: SymptomIntent
    slots: {symptom: chest_pain}
    emergency: true
  - text: "why do i get cramps at night"
    intent: CauseIntent
    slots: {situation: cause_night}
"""


def selected(intent: str, **slots: tuple[str, str | None]) -> dict:
    """A profile-nlu body as SMAPI documents it: the selected intent, its slots with
    entity resolution (values flat: {name, id}), and the intents considered."""
    body = {}
    for name, (words, value_id) in slots.items():
        authority = {"authority": f"amzn1.er-authority.echo-sdk.{SKILL}.Type",
                     "status": {"code": "ER_SUCCESS_MATCH" if value_id else "ER_SUCCESS_NO_MATCH"}}
        if value_id:
            authority["values"] = [{"name": words, "id": value_id}]
        body[name] = {"name": name, "value": words, "confirmationStatus": "NONE",
                      "resolutions": {"resolutionsPerAuthority": [authority]}}
    return {"sessionEnded": False, "selectedIntent": {"name": intent, "confirmationStatus": "NONE", "slots": body},
            "consideredIntents": [{"name": "AMAZON.FallbackIntent", "confirmationStatus": "NONE", "slots": {}}]}


ANSWERS = {
    # With a dialog still to run (multiTurn), as SMAPI says when the intent has one.
    "my calf is cramping": {**selected("CrampNowIntent", body_part=("calf", "now_calf")), "multiTurn": {
        "dialogAct": {"type": "Dialog.ElicitSlot", "targetSlot": "symptom"}, "token": "t1", "prompt": "What else?"}},
    "does pickle juice actually work": selected("RemedyIntent", remedy=("pickle juice", "pickle_juice")),
    # Alexa hears the emergency in another intent, unresolved: the skill's triage still calls it.
    "i have crushing chest pain": selected("CrampNowIntent", symptom=("crushing chest pain", None)),
    # and misses this one altogether
    "why do i get cramps at night": selected("AMAZON.FallbackIntent"),
}


@pytest.fixture
def standin(tmp_path):
    """Write a plan for the stand-in; run the command with it first on the PATH."""
    set_file = tmp_path / "labelled_small.yaml"
    set_file.write_text(SMALL_SET)
    plan_file = tmp_path / "plan.json"
    log = tmp_path / "calls.jsonl"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "ask").write_text(f'#!/bin/sh\nexec "{sys.executable}" -S "{STANDIN}" "$@"\n')
    (bin_dir / "ask").chmod(0o755)

    def model_file(version: str) -> str:
        path = tmp_path / f"model-{version}.json"
        path.write_text(json.dumps({"version": version, "interactionModel": MODEL["interactionModel"]}))
        return str(path)

    def run(*args: str, plan: dict | None = None, path: str | None = None) -> subprocess.CompletedProcess:
        plan = {"models": {"en-US": model_file("3")}, "answers": ANSWERS, "log": str(log), **(plan or {})}
        plan_file.write_text(json.dumps(plan))
        env = {**os.environ, "ASK_STANDIN_PLAN": str(plan_file), "PATH": path or f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
        command = [sys.executable, "-m", "skill", "profile-nlu", "--skill-id", SKILL, "--cache", str(tmp_path / "cache"),
                   "--retry-pause", "0.05", *args]
        return subprocess.run([*command, *([] if any(a.endswith(".yaml") for a in args) else [str(set_file)])],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    def calls() -> list[list[str]]:
        return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []

    run.calls = calls
    run.model_file = model_file
    return run


def profiled(calls) -> list[str]:
    return [c[c.index("-u") + 1] for c in calls if c[:2] == ["smapi", "profile-nlu"]]


def test_the_figures_for_a_small_set_are_alexas_scored_as_accuracy_scores_them(standin):
    result = standin()
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "labelled_small.yaml: intent 50.0% (2/4), answer 75.0% (3/4), slots 75.0% (3/4), "
        "red flags answered as emergencies 1/1",
    ]
    assert "Traceback" not in result.stderr
    assert "profiled 4/4 (0 from the cache, 0 tried again)" in result.stderr
    # Every call named the skill, the locale and the development stage.
    for call in standin.calls():
        assert call[call.index("-s") + 1] == SKILL and call[call.index("-l") + 1] == "en-US"
        assert call[call.index("-g") + 1] == "development"


def test_misses_and_the_offline_figures_side_by_side(standin):
    result = standin("--misses", "--compare-offline")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "labelled_small.yaml:"
    assert lines[1].startswith("    Alexa    intent 50.0% (2/4)")
    assert lines[2].startswith("    offline  intent ")
    assert "    'why do i get cramps at night': expected CauseIntent, got AMAZON.FallbackIntent" in lines


def test_given_alexas_answers_equal_to_the_offline_resolvers_the_report_is_accuracys_line_for_line(standin, tmp_path):
    """The same scoring code: a stand-in that answers what the offline resolver resolves
    gives exactly `python -m skill accuracy`'s report, for each kind of set it reads
    (a slice of each of the project's sets, to keep it quick)."""
    from skill.tools.profile_nlu import texts_of
    from skill.tools.simulator.accuracy import kind_of, load_set

    files = []
    for name, groups in (("labelled_resolutions.yaml", ["utterances"]), ("heldout_utterances.yaml", ["utterances"]),
                         ("red_flags_heldout.yaml", ["emergency", "urgent", "soon", "ordinary"])):
        data = load_set(ROOT / "tests" / "data" / name)
        (tmp_path / name).write_text(json.dumps({g: data[g][:25] for g in groups if g in data}))
        files.append(str(tmp_path / name))
    resolver, answers = Resolver(MODEL), {}
    for name in files:
        for text in texts_of(kind_of(Path(name)), load_set(Path(name))):
            r = resolver.resolve(text)
            answers[text] = selected(r.intent, **{s.name: (s.value, s.id) for s in r.slots if s.value is not None})
    result = standin(*files, plan={"answers": answers})
    assert result.returncode == 0, result.stderr
    offline = subprocess.run([sys.executable, "-m", "skill", "accuracy", *files], cwd=ROOT, capture_output=True, text=True)
    assert result.stdout == offline.stdout
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == [
        "labelled_resolutions.yaml", "heldout_utterances.yaml", "red_flags_heldout.yaml", "all topics"]


def test_a_second_run_asks_nothing_again_and_a_rebuilt_model_asks_everything(standin):
    assert standin().returncode == 0
    first = len(profiled(standin.calls()))
    second = standin()
    assert second.returncode == 0 and "profiled 4/4 (4 from the cache" in second.stderr
    assert len(profiled(standin.calls())) == first == 4
    rebuilt = {"models": {"en-US": standin.model_file("4")}}
    assert standin(plan=rebuilt).returncode == 0
    assert len(profiled(standin.calls())) == 8


def test_a_5xx_or_a_timeout_is_tried_again_and_the_figures_are_whole(standin):
    plan = {"fail_first": {"my calf is cramping": [503, 2], "does pickle juice actually work": [429, 1]},
            "hang_first": {"why do i get cramps at night": 1}}
    result = standin("--timeout", "2", plan=plan)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "intent 50.0% (2/4)" in result.stdout
    assert "4 tried again" in result.stderr
    assert profiled(standin.calls()).count("my calf is cramping") == 3


def test_a_5xx_that_lasts_stops_with_a_clear_line_keeps_the_rest_and_resumes(standin):
    result = standin(plan={"fail_first": {"my calf is cramping": [500, 99]}})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = [x for x in result.stderr.splitlines() if x.startswith("python -m skill profile-nlu:")]
    assert "1 of 4 utterances could not be profiled after 4 tries" in line and "HTTP 500" in line
    assert "run the same command again" in line
    before = len(profiled(standin.calls()))
    resumed = standin()  # the service is back
    assert resumed.returncode == 0 and "intent 50.0% (2/4)" in resumed.stdout
    assert profiled(standin.calls())[before:] == ["my calf is cramping"]


def test_without_the_ask_cli_it_says_how_to_get_it(standin, tmp_path):
    result = standin(path=str(tmp_path / "nothing-here"))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip() == ("python -m skill profile-nlu: the ASK CLI (ask) is not installed or not on the "
                                     "PATH: npm install -g ask-cli, then ask configure")


def test_an_unconfigured_cli_and_a_locale_not_built_are_each_one_clear_line(standin):
    unconfigured = standin(plan={"configured": False})
    assert unconfigured.returncode == 1 and "Traceback" not in unconfigured.stderr
    assert "the ASK CLI is not configured: run ask configure" in unconfigured.stderr
    not_built = standin("--locale", "en-GB")
    assert not_built.returncode == 1 and "Traceback" not in not_built.stderr
    assert f"skill {SKILL} has no en-GB model at stage development: run ask deploy" in not_built.stderr
    assert profiled(standin.calls()) == []  # nothing was asked of a model that isn't there


def test_a_set_that_runs_whole_dialogs_is_refused_with_the_reason(standin):
    result = standin("tests/data/triage_blind_1_us.yaml")
    assert result.returncode == 2
    assert "a triage set is said through whole dialogs" in result.stderr


def test_a_cli_that_only_profiles_still_gives_the_figures_and_says_the_cache_is_unversioned(standin):
    result = standin(plan={"profile_only": True})
    assert result.returncode == 0, result.stderr
    assert "intent 50.0% (2/4)" in result.stdout
    assert "answers are cached as unversioned" in result.stderr and "Traceback" not in result.stderr


def test_a_404_from_the_profiler_itself_is_the_not_built_line_at_once(standin):
    result = standin(plan={"profile_only": True, "fail_first": {"my calf is cramping": [404, 99]}})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"skill {SKILL} has no en-US model at stage development: run ask deploy" in result.stderr
    assert profiled(standin.calls()).count("my calf is cramping") == 1  # not tried again

"""`python -m skill bench`: the Lambda package against a bare ask-sdk-core skill, built and
started the same way, on this machine.

What it measures is what Lambda runs:
- both packages are built into a temporary folder: ours by the Makefile `sam build` runs,
  the bare "hello" skill by the same pip command with ask-sdk-core alone, both for this
  machine's platform (the function's is arm64; the code is the same);
- cold start: a fresh interpreter with nothing but the package on its path (`-S`) imports
  the handler's module and answers one LaunchRequest, timed from outside, with json and
  logging loaded first as the Lambda runtime has them. Twice: without bytecode, as the
  package ships (/var/task is read-only, so Python compiles every module at every cold
  start), and with bytecode this interpreter compiled. The skills take turns in pairs,
  each pair giving a ratio, so that drift in the machine's speed hits both;
- warm latency per request type through lambda_handler, with INFO request logging on as
  on Lambda, p50 and p99;
- peak memory after the cold start, and both packages zipped;
- with --lambda-memory, cold starts again at the share of a CPU Lambda gives each memory
  size (a cgroup's CPU quota, skill/tools/cpu_share.py), with what requests cost there:
  the figures template.yaml's MemorySize was chosen by.

Each cold-start verdict reads the spread of the pair ratios: met when three pairs in four
are within the target, missed when three in four are over it, and otherwise "too close
to call" with the spread shown, so that the machine's noise can't flip the verdict.
"""

from __future__ import annotations

import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .cpu_share import CpuShare, CpuShareUnavailable, share_of_cpu, usd

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "requests"
TARGETS = {"cold": 1.05, "warm": 1.5, "zip": 1.05}

BARE_SKILL = '''
from ask_sdk_core.skill_builder import SkillBuilder

builder = SkillBuilder()


@builder.request_handler(can_handle_func=lambda handler_input: True)
def hello(handler_input):
    return handler_input.response_builder.speak("Hello.").set_should_end_session(True).response


lambda_handler = builder.lambda_handler()
'''
MODULES = {"bare": "hello_lambda", "cramp coach": "skill.runtime.lambda_function"}

# A fresh interpreter: the runtime's own imports, then the handler's module and one
# LaunchRequest; prints the peak memory in KB (VmHWM: ru_maxrss keeps the parent's size).
COLD = """
import json, logging, sys
sys.path.insert(0, sys.argv[1])
from {module} import lambda_handler
lambda_handler(json.load(open(sys.argv[2])), None)
print(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")))
"""

# One interpreter per skill, INFO logging to a handler as on Lambda: every request type
# in turn, in microseconds.
WARM = """
import copy, json, logging, os, sys, time
logging.basicConfig(level=logging.INFO, stream=open(os.devnull, "w"))
sys.path.insert(0, sys.argv[1])
from {module} import lambda_handler
events = json.loads(sys.argv[2])
rounds = int(sys.argv[3])
times = {{name: [] for name in events}}
for name, event in events.items():
    for _ in range(20):
        lambda_handler(copy.deepcopy(event), None)
for _ in range(rounds):
    for name, event in events.items():
        event = copy.deepcopy(event)
        start = time.perf_counter()
        lambda_handler(event, None)
        times[name].append((time.perf_counter() - start) * 1e6)
print(json.dumps(times))
"""


def request_events() -> dict[str, dict]:
    """One envelope per request type, as Alexa sends them."""
    launch = json.loads((FIXTURES / "launch.json").read_text())
    question = json.loads((FIXTURES / "cause_night.json").read_text())
    step = json.loads((FIXTURES / "cramp_now_calf.json").read_text())
    step["session"]["new"] = False
    step["session"]["attributes"] = {"routine": {"routine": "calf", "segment": 0, "paused": False}}
    step["request"]["intent"] = {"name": "AMAZON.NextIntent", "confirmationStatus": "NONE"}
    # An emergency as it arrives: SymptomIntent, with words Alexa heard but could not resolve.
    emergency = json.loads((FIXTURES / "cramp_now_no_match.json").read_text())
    emergency["request"]["intent"] = {"name": "SymptomIntent", "confirmationStatus": "NONE", "slots": {"symptom": {
        "name": "symptom", "value": "my chest is crushing and i can't get my breath", "confirmationStatus": "NONE",
        "resolutions": {"resolutionsPerAuthority": [{
            "authority": "amzn1.er-authority.echo-sdk.x.Symptom", "status": {"code": "ER_SUCCESS_NO_MATCH"}}]},
    }}}
    # Alexa asking first whether the skill can answer a request said without its name.
    # As Amazon's example has it: no session, and the slot's words with no resolutions.
    check = json.loads((FIXTURES / "cramp_now_calf.json").read_text())
    check["request"]["type"] = "CanFulfillIntentRequest"
    check["request"]["intent"]["slots"] = {"body_part": {"name": "body_part", "value": "calf"}}
    del check["session"]
    return {"launch": launch, "question": question, "routine step": step, "emergency": emergency, "name-free check": check}


def build(directory: Path, python: str = sys.executable) -> dict[str, Path]:
    """Both packages, for this machine's platform: ours by the Makefile, the bare skill by
    the same pip command with ask-sdk-core alone (the Makefile's own dependency spec)."""
    ours, bare = directory / "cramp coach", directory / "bare"
    ours.mkdir()
    bare.mkdir()
    subprocess.run(
        ["make", "-s", "build-CrampCoachFunction", f"ARTIFACTS_DIR={ours}", f"PYTHON={python}", "LAMBDA_PLATFORM="],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    sdk = next(d for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
               if d.startswith("ask-sdk-core"))
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile", "--target", str(bare), sdk],
        check=True, capture_output=True, text=True,
    )
    (bare / "hello_lambda.py").write_text(BARE_SKILL)
    return {"bare": bare, "cramp coach": ours}


def with_bytecode(packages: dict[str, Path], directory: Path) -> dict[str, Path]:
    """Copies of the packages with every module compiled by this interpreter."""
    compiled = {}
    for name, package in packages.items():
        copy = directory / f"{package.name} (bytecode)"
        shutil.copytree(package, copy)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(copy)], check=True, capture_output=True)
        compiled[name] = copy
    return compiled


def _env() -> dict:
    # Nothing of the checkout's: no PYTHONPATH, no content folder, no skill id; and no
    # bytecode written, so a package without it stays without it.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CRAMP_COACH_CONTENT", "SKILL_ID")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def cold_once(name: str, package: Path, event: Path = FIXTURES / "launch.json", share: CpuShare | None = None) -> tuple[float, float]:
    """(milliseconds, peak MB) for one cold start in a fresh interpreter answering `event`,
    on a whole core or, with `share`, on Lambda's share of one."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-S", "-c", COLD.format(module=MODULES[name]), str(package), str(event)],
        capture_output=True, text=True, env=_env(), check=True, preexec_fn=share.enter if share else None,
    )
    return (time.perf_counter() - start) * 1000, int(result.stdout.strip()) / 1024


@dataclass(frozen=True)
class Cold:
    ms: dict[str, float]  # each skill's median
    peak_mb: dict[str, float]
    ratios: list[float]  # cramp coach / bare, per pair

    def quartiles(self) -> tuple[float, float, float]:
        q1, median, q3 = statistics.quantiles(self.ratios, n=4, method="inclusive")
        return q1, median, q3

    def verdict(self, target: float) -> str:
        q1, _, q3 = self.quartiles()
        if q3 <= target:
            return "met"
        if q1 > target:
            return "MISSED"
        return "too close to call"


def cold_pairs(packages: dict[str, Path], pairs: int) -> Cold:
    times: dict[str, list[float]] = {name: [] for name in packages}
    peaks: dict[str, list[float]] = {name: [] for name in packages}
    ratios = []
    for n in range(pairs):
        order = ["bare", "cramp coach"] if n % 2 == 0 else ["cramp coach", "bare"]
        pair = {}
        for name in order:
            ms, peak = cold_once(name, packages[name])
            pair[name] = ms
            times[name].append(ms)
            peaks[name].append(peak)
        ratios.append(pair["cramp coach"] / pair["bare"])
    return Cold(
        {name: statistics.median(v) for name, v in times.items()},
        {name: statistics.median(v) for name, v in peaks.items()},
        ratios,
    )


def warm(packages: dict[str, Path], rounds: int) -> dict[str, dict[str, tuple[float, float]]]:
    """Each skill's (p50, p99) in microseconds per request type."""
    events = json.dumps(request_events())
    figures = {}
    for name, package in packages.items():
        env = {**_env(), "AWS_LAMBDA_FUNCTION_NAME": "bench"}  # INFO request logging, as on Lambda
        result = subprocess.run(
            [sys.executable, "-S", "-c", WARM.format(module=MODULES[name]), str(package), events, str(rounds)],
            capture_output=True, text=True, env=env, check=True,
        )
        figures[name] = {kind: (_percentile(v, 0.5), _percentile(v, 0.99)) for kind, v in json.loads(result.stdout).items()}
    return figures


def at_lambda_memory(packages: dict[str, Path], sizes: list[int], runs: int, warm_us: float, directory: Path) -> list[str]:
    """Rows for the table of cold starts at Lambda's CPU share for each memory size (no
    bytecode, as shipped), with what requests cost there. `warm_us`: a warm question's
    time on a whole core, which at a share of one takes proportionally longer."""
    emergency = directory / "emergency.json"
    emergency.write_text(json.dumps(request_events()["emergency"]))
    rows = ["| memory | share of a CPU | bare: cold launch | Cramp Coach: cold launch | Cramp Coach: cold one-shot emergency "
            "| a warm question | $ per 1,000 warm requests | $ per cold start |", "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for memory in sizes:
        share = share_of_cpu(memory)
        times: dict[str, list[float]] = {"bare": [], "ours": [], "emergency": []}
        with CpuShare(share) as limited:
            for _ in range(runs):
                times["bare"].append(cold_once("bare", packages["bare"], share=limited)[0])
                times["ours"].append(cold_once("cramp coach", packages["cramp coach"], share=limited)[0])
                times["emergency"].append(cold_once("cramp coach", packages["cramp coach"], emergency, share=limited)[0])
        bare, ours, urgent = (statistics.median(times[k]) for k in ("bare", "ours", "emergency"))
        warm_ms = warm_us / 1000 / share
        rows.append(f"| {memory} MB | {share:.2f} | {bare:,.0f} ms | {ours:,.0f} ms | {urgent:,.0f} ms | {warm_ms:.1f} ms "
                    f"| ${usd(memory, warm_ms, 1000):.5f} | ${usd(memory, urgent):.6f} |")
    return rows


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def zipped_mb(package: Path) -> float:
    """The package's size as Lambda takes it: every file, deflated, in megabytes."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(package.rglob("*")):
            if path.is_file():
                bundle.write(path, path.relative_to(package))
    return archive.tell() / 1_000_000


def machine() -> str:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"Python {platform.python_version()} ({platform.python_implementation()}), {platform.machine()}, "
            f"{os.cpu_count()} CPUs, load average {load}")


def main(pairs: int, warm_rounds: int, lambda_memory: list[int] = (), lambda_runs: int = 5) -> int:
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        try:
            packages = build(directory)
        except subprocess.CalledProcessError as error:
            print(f"python -m skill bench: a package could not be built: {(error.stderr or '').strip()[-300:]}", file=sys.stderr)
            return 2
        compiled = with_bytecode(packages, directory)
        print(f"{machine()}\n{pairs} pairs of cold starts, {warm_rounds} warm rounds per request type\n")
        rows = ["| measure | bare ask-sdk-core | Cramp Coach | ratio | target |", "|---|---:|---:|---:|---|"]
        verdicts = []
        for label, built in (("no bytecode (as shipped)", packages), ("with bytecode", compiled)):
            cold = cold_pairs(built, pairs)
            q1, median, q3 = cold.quartiles()
            verdict = cold.verdict(TARGETS["cold"])
            verdicts.append(verdict)
            rows.append(
                f"| cold start, {label} | {cold.ms['bare']:.0f} ms | {cold.ms['cramp coach']:.0f} ms | "
                f"{median:.2f}x (pairs {q1:.2f}-{q3:.2f}) | <= {TARGETS['cold']}x {verdict} |"
            )
        rows.append(f"| peak memory after a cold start | {cold.peak_mb['bare']:.1f} MB | {cold.peak_mb['cramp coach']:.1f} MB "
                    f"| {cold.peak_mb['cramp coach'] / cold.peak_mb['bare']:.2f}x | |")
        figures = warm(compiled, warm_rounds)
        for kind, (ours50, ours99) in figures["cramp coach"].items():
            bare50, bare99 = figures["bare"][kind]
            met = ours50 / bare50 <= TARGETS["warm"]
            verdicts.append("met" if met else "MISSED")
            rows.append(f"| warm {kind}, p50 | {bare50:.0f} us | {ours50:.0f} us | {ours50 / bare50:.2f}x | "
                        f"<= {TARGETS['warm']}x {'met' if met else 'MISSED'} |")
            rows.append(f"| warm {kind}, p99 | {bare99:.0f} us | {ours99:.0f} us | {ours99 / bare99:.2f}x | |")
        bare_mb, ours_mb = (zipped_mb(packages[name]) for name in ("bare", "cramp coach"))
        met = ours_mb / bare_mb <= TARGETS["zip"]
        verdicts.append("met" if met else "MISSED")
        rows.append(f"| package, zipped | {bare_mb:.2f} MB | {ours_mb:.2f} MB | {ours_mb / bare_mb:.3f}x | "
                    f"<= {TARGETS['zip']}x {'met' if met else 'MISSED'} |")
        print("\n".join(rows))
        if lambda_memory:
            print(f"\nAt Lambda's share of a CPU for each memory size (median of {lambda_runs}; no bytecode, as shipped; "
                  "prices us-east-1 arm64, before the free tier):\n")
            try:
                question_us = figures["cramp coach"]["question"][0]
                print("\n".join(at_lambda_memory(packages, list(lambda_memory), lambda_runs, question_us, directory)))
            except CpuShareUnavailable as error:
                print(f"not measured: {error}")
    return 0 if all(v == "met" for v in verdicts) else 1

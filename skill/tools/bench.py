"""`python -m skill bench`: Cramp Coach against a bare ask-sdk-core "hello" skill, side by side.

On one machine, in one run:
- cold start: a fresh interpreter imports the Lambda module and answers its first
  LaunchRequest (what a Lambda cold start costs in Python), timed from outside, the two
  skills alternating, several rounds, medians;
- warm latency per request type (launch, a question, a routine step, an emergency), p50
  and p99 through lambda_handler with real envelopes;
- peak memory after the cold start, and the zipped Lambda package's size (built with the
  Makefile that `sam build` runs).

Targets: cold start at most 1.15x the bare skill's, warm p50 at most 1.5x, package under
5 MB. Both skills run with the same interpreter and with bytecode caching on (a warm-up
run writes it), as a package shipped with its .pyc files would, and, like the Lambda
runtime, with json and logging already imported.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "requests"
TARGETS = {"cold": 1.15, "warm": 1.5, "package_mb": 5.0}

# The bare skill: ask-sdk-core and one handler that says hello to any request.
BARE_SKILL = '''
from ask_sdk_core.skill_builder import SkillBuilder

builder = SkillBuilder()


@builder.request_handler(can_handle_func=lambda handler_input: True)
def hello(handler_input):
    return handler_input.response_builder.speak("Hello.").set_should_end_session(True).response


lambda_handler = builder.lambda_handler()
'''

# Run in a fresh interpreter: import a skill's Lambda module, answer one LaunchRequest,
# print the peak memory (KB). The first line stands in for the Lambda Python runtime,
# which has json and logging loaded before it imports the handler's module. (VmHWM, not
# ru_maxrss: the latter keeps the parent's size from before exec.)
COLD = """
import json, logging, sys
sys.path.insert(0, sys.argv[1])
from {module} import lambda_handler
lambda_handler(json.load(open(sys.argv[2])), None)
print(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")))
"""

# Run in one interpreter per skill: every request type, timed in turn (microseconds).
WARM = """
import json, sys, time, copy
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
    emergency = json.loads((FIXTURES / "cramp_now_calf.json").read_text())
    emergency["request"]["intent"]["slots"]["symptom"] = {
        "name": "symptom", "value": "my chest is tight", "confirmationStatus": "NONE",
        "resolutions": {"resolutionsPerAuthority": [{
            "authority": "amzn1.er-authority.echo-sdk.x.Symptom", "status": {"code": "ER_SUCCESS_MATCH"},
            "values": [{"value": {"name": "chest pain", "id": "chest_pain"}}]}]},
    }
    return {"launch": launch, "question": question, "routine step": step, "emergency": emergency}


@dataclass(frozen=True)
class Figures:
    cold_ms: float
    peak_mb: float
    warm_us: dict[str, tuple[float, float]]  # request type -> (p50, p99)


def _child_env(content_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "SKILL_ID")}
    env["PYTHONPATH"] = str(ROOT)
    env["CRAMP_COACH_CONTENT"] = str(content_dir)
    return env


def _cold_once(module: str, path: Path, env: dict) -> tuple[float, float]:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", COLD.format(module=module), str(path), str(FIXTURES / "launch.json")],
        capture_output=True, text=True, env=env, check=True,
    )
    elapsed = (time.perf_counter() - start) * 1000
    return elapsed, int(result.stdout.strip()) / 1024


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(rounds: int = 15, warm_rounds: int = 300) -> dict[str, Figures]:
    from ..runtime.core.compiled import COMPILED_NAME, compile_content

    with tempfile.TemporaryDirectory() as directory:
        # As the Lambda build does: the content compiled for requests, and no YAML.
        content_dir = Path(directory) / "content"
        content_dir.mkdir()
        compile_content(target=content_dir / COMPILED_NAME, for_requests=True)
        env = _child_env(content_dir)
        bare_dir = Path(directory)
        (bare_dir / "hello_lambda.py").write_text(BARE_SKILL)
        skills = {"bare": ("hello_lambda", bare_dir), "cramp coach": ("skill.runtime.lambda_function", ROOT)}
        for module, path in skills.values():
            _cold_once(module, path, env)  # writes the bytecode caches
        cold: dict[str, list[tuple[float, float]]] = {name: [] for name in skills}
        for _ in range(rounds):
            for name, (module, path) in skills.items():  # alternating, so drift hits both
                cold[name].append(_cold_once(module, path, env))
        events = json.dumps(request_events())
        figures = {}
        for name, (module, path) in skills.items():
            result = subprocess.run(
                [sys.executable, "-c", WARM.format(module=module), str(path), events, str(warm_rounds)],
                capture_output=True, text=True, env=env, check=True,
            )
            times = json.loads(result.stdout)
            figures[name] = Figures(
                cold_ms=statistics.median(t for t, _ in cold[name]),
                peak_mb=statistics.median(m for _, m in cold[name]),
                warm_us={kind: (_percentile(v, 0.5), _percentile(v, 0.99)) for kind, v in times.items()},
            )
    return figures


def package_size_mb() -> float | None:
    """Build the Lambda package with the Makefile `sam build` runs, and zip it."""
    with tempfile.TemporaryDirectory() as directory:
        artifacts = Path(directory) / "package"
        artifacts.mkdir()
        build = subprocess.run(
            ["make", "-s", "build-CrampCoachFunction", f"ARTIFACTS_DIR={artifacts}", f"PYTHON={sys.executable}"],
            cwd=ROOT, capture_output=True, text=True,
        )
        if build.returncode != 0:
            print(f"package not built: {build.stderr.strip()[-300:]}", file=sys.stderr)
            return None
        archive = Path(directory) / "package.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
            for path in sorted(artifacts.rglob("*")):
                if path.is_file():
                    bundle.write(path, path.relative_to(artifacts))
        return archive.stat().st_size / 1_000_000


def report(figures: dict[str, Figures], package_mb: float | None) -> tuple[str, bool]:
    bare, ours = figures["bare"], figures["cramp coach"]
    rows = ["| measure | bare ask-sdk-core | Cramp Coach | ratio | target |", "|---|---:|---:|---:|---|"]
    ok = True

    def row(label: str, a: float, b: float, unit: str, target: float | None) -> None:
        nonlocal ok
        ratio = b / a
        verdict = ""
        if target is not None:
            passed = ratio <= target
            ok &= passed
            verdict = f"<= {target}x {'met' if passed else 'MISSED'}"
        rows.append(f"| {label} | {a:.1f} {unit} | {b:.1f} {unit} | {ratio:.2f}x | {verdict} |")

    row("cold start (median)", bare.cold_ms, ours.cold_ms, "ms", TARGETS["cold"])
    for kind in ours.warm_us:
        (bare50, bare99), (ours50, ours99) = bare.warm_us[kind], ours.warm_us[kind]
        row(f"warm {kind}, p50", bare50, ours50, "us", TARGETS["warm"])
        row(f"warm {kind}, p99", bare99, ours99, "us", None)
    row("peak memory", bare.peak_mb, ours.peak_mb, "MB", None)
    if package_mb is None:
        rows.append("| Lambda package, zipped | | not built | | < 5 MB |")
        ok = False
    else:
        passed = package_mb < TARGETS["package_mb"]
        ok &= passed
        rows.append(f"| Lambda package, zipped | | {package_mb:.2f} MB | | < 5 MB {'met' if passed else 'MISSED'} |")
    return "\n".join(rows), ok


def main(rounds: int, warm_rounds: int) -> int:
    figures = measure(rounds, warm_rounds)
    table, ok = report(figures, package_size_mb())
    print(f"{rounds} cold rounds and {warm_rounds} warm rounds each, Python {sys.version.split()[0]}\n")
    print(table)
    return 0 if ok else 1

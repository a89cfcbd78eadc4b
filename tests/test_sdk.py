"""skill/runtime/sdk.py: the SDK's dispatch without its service clients, answering exactly
as the SDK's own CustomSkill would."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from skill.runtime.app import build_skill, handle_event
from skill.runtime.core.compiled import load_content
from skill.runtime.sdk import register_lazily

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "requests"


def test_a_cold_start_and_every_kind_of_request_load_no_service_client():
    """In a fresh interpreter, as on Lambda: the handler's module and one request of every
    fixture, and not one of the SDK's service clients loaded."""
    script = """
import json, sys
from pathlib import Path
from skill.runtime.lambda_function import lambda_handler
for path in sorted(Path(sys.argv[1]).glob("*.json")):
    assert "response" in lambda_handler(json.loads(path.read_text()), None), path
from skill.runtime.sdk import loaded_service_clients
print(json.dumps([loaded_service_clients(), "ask_sdk_model.services.service_client_factory" in sys.modules]))
"""
    result = subprocess.run([sys.executable, "-c", script, str(FIXTURES)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [[], False]


@pytest.fixture(scope="module")
def skills():
    """Ours, and the SDK's CustomSkill with the very same handlers, in the same order."""
    from ask_sdk_core.skill_builder import SkillBuilder  # the whole SDK, service clients and all

    ours = build_skill(load_content(for_requests=True))
    builder = SkillBuilder()
    options = ours.dispatcher.request_mappers[0]
    for chain in options.request_handler_chains:
        builder.add_request_handler(chain.request_handler)
    for handler in ours.dispatcher.exception_mapper.exception_handlers:
        builder.add_exception_handler(handler)
    return ours, builder.create()


def _conversation():
    """Every fixture, then a session carried over: a routine started and stepped through."""
    events = [json.loads(path.read_text()) for path in sorted(FIXTURES.glob("*.json"))]
    start = json.loads((FIXTURES / "cramp_now_calf.json").read_text())
    follow = json.loads(json.dumps(start))
    follow["session"]["new"] = False
    follow["request"]["intent"] = {"name": "AMAZON.NextIntent", "confirmationStatus": "NONE"}
    return events, start, follow


def test_our_skill_answers_every_request_exactly_as_the_sdks_custom_skill(skills):
    ours, sdk = skills
    events, start, follow = _conversation()
    assert len(events) > 20
    for event in events:
        assert handle_event(ours, json.loads(json.dumps(event))) == handle_event(sdk, json.loads(json.dumps(event)))
    # Session attributes written by one turn come back the same way into the next.
    first = handle_event(ours, start)
    assert first == handle_event(sdk, json.loads(json.dumps(start)))
    follow["session"]["attributes"] = first["sessionAttributes"]
    assert handle_event(ours, json.loads(json.dumps(follow))) == handle_event(sdk, json.loads(json.dumps(follow)))
    assert first["userAgent"].startswith("ask-python/")


def _package(tmp_path: Path, name: str, init: str) -> None:
    package = tmp_path / name / "services"
    package.mkdir(parents=True)
    (tmp_path / name / "__init__.py").write_text("")
    (package / "__init__.py").write_text(init)
    (package / "light.py").write_text("class Light:\n    pass\n")
    (package / "heavy.py").write_text("import sys\nsys.heavy_loaded = True\nclass Heavy:\n    pass\n")


def test_a_lazily_registered_package_loads_each_name_from_its_module_when_asked(tmp_path, monkeypatch):
    _package(tmp_path, "lazy_pkg", "from .light import Light\nfrom .heavy import Heavy\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delattr(sys, "heavy_loaded", raising=False)
    try:
        register_lazily("lazy_pkg.services")
        from lazy_pkg.services import Light

        from lazy_pkg.services.light import Light as the_real_one
        assert Light is the_real_one
        assert not hasattr(sys, "heavy_loaded")  # the other module is not loaded...
        from lazy_pkg.services import Heavy  # ...until its name is asked for

        assert Heavy.__module__ == "lazy_pkg.services.heavy" and sys.heavy_loaded
        with pytest.raises(AttributeError):
            getattr(importlib.import_module("lazy_pkg.services"), "Nothing")
    finally:
        for name in [m for m in sys.modules if m.startswith("lazy_pkg")]:
            del sys.modules[name]
        monkeypatch.delattr(sys, "heavy_loaded", raising=False)


def test_a_name_the_init_defines_otherwise_runs_the_real_init(tmp_path, monkeypatch):
    """A later SDK might define a name some other way: nothing goes missing."""
    _package(tmp_path, "odd_pkg", "from .light import Light\nVERSION = '2'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        register_lazily("odd_pkg.services")
        from odd_pkg.services import VERSION

        assert VERSION == "2"
    finally:
        for name in [m for m in sys.modules if m.startswith("odd_pkg")]:
            del sys.modules[name]


def test_a_package_already_imported_is_left_as_it_is():
    import json as before

    register_lazily("json")
    assert sys.modules["json"] is before


def test_the_cores_named_tuples_are_made_without_compiling_string_annotations():
    """With `from __future__ import annotations`, typing.NamedTuple compiles each field's
    annotation string at import: about 7 ms of every cold start for the core's classes."""
    core = ROOT / "skill" / "runtime" / "core"
    for module in core.glob("*.py"):
        text = module.read_text()
        if "(NamedTuple)" in text:
            assert "from __future__ import annotations" not in text, module.name

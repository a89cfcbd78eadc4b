"""Deploying: the SAM template and its package, the ASK CLI skill package, and the
self-hosted endpoint served for real on 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from skill.runtime.core.compiled import load_content
from skill.tools.cpu_share import ONE_VCPU_MB
from skill.tools.simulator.nlu import Resolver, normalize
from skill.tools.skill_package import PackageError, build_manifest, write_package

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
FIXTURES = Path(__file__).parent / "fixtures" / "requests"
ENV = {**os.environ, "SAM_CLI_TELEMETRY": "0"}
ARN = "arn:aws:lambda:us-east-1:123456789012:function:cramp-coach"


# -- AWS SAM


def test_the_template_passes_cfn_lint():
    result = subprocess.run([BIN / "cfn-lint", "template.yaml"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _template() -> dict:
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)  # !Ref, !Sub, !GetAtt
    return yaml.load((ROOT / "template.yaml").read_text(), Loader=Loader)


def test_the_template_asks_for_what_the_issue_says():
    template = _template()
    function = template["Resources"]["CrampCoachFunction"]
    props = function["Properties"]
    assert (props["Runtime"], props["Architectures"], props["Handler"]) == (
        "python3.13", ["arm64"], "skill.runtime.lambda_function.lambda_handler"
    )
    assert props["Timeout"] < 8
    assert props["MemorySize"] == ONE_VCPU_MB  # one whole vCPU: see the next test
    assert function["Metadata"]["BuildMethod"] == "makefile"
    assert props["Events"]["Alexa"]["Type"] == "AlexaSkill"
    assert "SkillId" in template["Parameters"]
    assert template["Resources"]["CrampCoachLogGroup"]["Type"] == "AWS::Logs::LogGroup"
    assert "Policies" not in props  # the basic execution role only: the skill calls no AWS service


def test_the_template_says_what_each_setting_costs_and_why():
    """Memory, timeout, architecture, SnapStart and provisioned concurrency: each with a
    comment that gives a price (issue 16), and where the figures come from."""
    lines = (ROOT / "template.yaml").read_text().splitlines()

    def comment_above(setting: str) -> str:
        at = next(n for n, line in enumerate(lines) if line.strip().startswith(setting))
        above = []
        for line in reversed(lines[:at]):
            if not line.strip().startswith("#"):
                break
            above.append(line.strip().lstrip("# "))
        return " ".join(reversed(above))

    assert "1,000 requests a night" in comment_above("Runtime:")
    assert "python -m skill bench --lambda-memory" in comment_above("Runtime:")
    for key in ("Architectures:", "MemorySize:", "Timeout:"):
        assert "$" in comment_above(key), key
    # Neither is switched on, and the comment says what each would cost and why not.
    props = _template()["Resources"]["CrampCoachFunction"]["Properties"]
    assert "SnapStart" not in props and "ProvisionedConcurrencyConfig" not in props
    why_not = comment_above("Description: Cramp Coach Alexa skill")
    snapstart, provisioned = why_not.index("No SnapStart:"), why_not.index("No provisioned concurrency:")
    for paragraph in (why_not[snapstart:provisioned], why_not[provisioned:]):
        assert "$" in paragraph and "a month" in paragraph, paragraph


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    build_dir = tmp_path_factory.mktemp("sam") / "build"
    result = subprocess.run(
        [BIN / "sam", "build", "--build-dir", str(build_dir)], cwd=ROOT, capture_output=True, text=True, env=ENV, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return build_dir / "CrampCoachFunction"


def test_sam_build_packages_only_the_skill_its_content_and_runtime_dependencies(built):
    top = {p.name for p in built.iterdir()}
    assert {"skill", "content", "ask_sdk_core"} <= top
    assert not top & {"tests", "interaction_models", "template.yaml", "README.md", "pytest", "flask", "cryptography", "samcli"}
    assert {p.name for p in (built / "skill").iterdir()} == {"__init__.py", "runtime"}  # no tools, no endpoint
    # The content goes compiled (checked by the build), without the YAML, a YAML parser or the checks.
    assert [p.name for p in (built / "content").rglob("*") if p.is_file()] == ["compiled.json"]
    assert not top & {"yaml", "_yaml"} and not list(built.glob("PyYAML*"))
    assert not (built / "skill" / "runtime" / "core" / "loader.py").exists()
    # Wheels for the function's platform, not this machine's: compiled code for arm64.
    assert list(built.rglob("*.cpython-313-aarch64-linux-gnu.so"))


def launch_in_package(package: Path, cwd: Path) -> subprocess.CompletedProcess:
    """A LaunchRequest through the package's lambda_handler, in a Python that sees only the
    package (-S: no site-packages, so only what the package itself holds can be imported)."""
    script = (
        "import json, sys; sys.path.insert(0, sys.argv[1]);"
        "from skill.runtime.lambda_function import lambda_handler;"
        "print(json.dumps(lambda_handler(json.load(open(sys.argv[2])), None)))"
    )
    return subprocess.run(
        [sys.executable, "-S", "-c", script, str(package), str(FIXTURES / "launch.json")],
        cwd=cwd, capture_output=True, text=True, timeout=60,
    )


def test_the_built_package_answers_a_launch_request_on_its_own(built, tmp_path):
    result = launch_in_package(built, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["response"]["outputSpeech"]["ssml"].startswith("<speak>If you have a cramp now")
    assert result.stderr == ""


def test_content_edited_on_the_deployed_function_is_never_half_read_and_the_log_says_what_to_do(built, tmp_path):
    """A maintainer who edits content in the Lambda console: the function can't read YAML,
    so it goes on answering from the content the build checked, and logs what to do."""
    package = tmp_path / "package"
    shutil.copytree(built, package)
    edited = package / "content" / "prompts.yaml"
    edited.write_text((ROOT / "content" / "prompts.yaml").read_text().replace("If you have a cramp now", "EDITED"))
    result = launch_in_package(package, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["response"]["outputSpeech"]["ssml"].startswith("<speak>If you have a cramp now")
    assert "content edited after the build (content/prompts.yaml)" in result.stderr
    assert "deploy again (sam build && sam deploy)" in result.stderr


def test_the_zipped_package_is_small(built):
    result = subprocess.run(
        [sys.executable, "-m", "skill", "package-size", str(built)], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    megabytes = float(result.stdout.split(": ")[1].split()[0])
    print(f"\n  zipped Lambda package: {megabytes:.2f} MB")
    assert megabytes < 5


# -- the ASK CLI skill package

CONFIG = {"endpoint": ARN, "privacy_url": "https://example.org/privacy", "terms_url": "https://example.org/terms"}


@pytest.fixture(scope="module")
def manifest():
    return build_manifest(load_content(), **CONFIG)["manifest"]


def test_the_manifest_lists_five_locales_with_the_disclaimer(manifest):
    locales = manifest["publishingInformation"]["locales"]
    assert sorted(locales) == ["en-AU", "en-CA", "en-GB", "en-IN", "en-US"]
    for listing in locales.values():
        assert "not a substitute for professional medical advice; in an emergency call your local emergency number" in listing["description"]
        assert listing["name"] == "Cramp Coach"
    assert manifest["publishingInformation"]["category"] == "HEALTH_AND_FITNESS"


def test_the_manifest_takes_the_endpoint_and_urls_from_configuration(manifest):
    assert manifest["apis"]["custom"]["endpoint"]["uri"] == ARN
    for policy in manifest["privacyAndCompliance"]["locales"].values():
        assert policy == {"privacyPolicyUrl": CONFIG["privacy_url"], "termsOfUseUrl": CONFIG["terms_url"]}
    with pytest.raises(PackageError):
        build_manifest(load_content(), None, CONFIG["privacy_url"], CONFIG["terms_url"])
    with pytest.raises(PackageError):
        build_manifest(load_content(), ARN, "http://example.org/privacy", CONFIG["terms_url"])


def test_the_manifest_asks_for_the_reminders_permission_and_no_other(manifest):
    assert manifest["permissions"] == [{"name": "alexa::alerts:reminders:skill:readwrite"}]


def test_the_manifest_declares_the_apl_and_name_free_interfaces_and_no_other(manifest):
    interfaces = [i["type"] for i in manifest["apis"]["custom"]["interfaces"]]
    assert interfaces == ["ALEXA_PRESENTATION_APL", "CAN_FULFILL_INTENT_REQUEST"]


def test_every_example_phrase_is_something_the_model_understands(manifest):
    model = json.loads((ROOT / "interaction_models" / "en-US.json").read_text())
    resolver = Resolver(model)
    for listing in manifest["publishingInformation"]["locales"].values():
        assert len(listing["examplePhrases"]) <= 3
        assert listing["examplePhrases"][0] == "Alexa, open cramp coach"  # the name first
        name_free = 0
        for phrase in listing["examplePhrases"]:
            text = normalize(phrase.removeprefix("Alexa, "))
            if text in ("open cramp coach", "launch cramp coach"):
                continue
            if not text.startswith("ask cramp coach "):
                name_free += 1  # said without the name: Alexa asks the skill first
            resolution = resolver.resolve(text.removeprefix("ask cramp coach "))
            assert resolution.method == "sample", (phrase, resolution)
        assert name_free == 1
        assert "Alexa, my calf is cramping" in listing["description"]


def test_build_package_writes_the_manifest_and_copies_the_models(tmp_path):
    content = load_content()
    written = write_package(content, build_manifest(content, **CONFIG), tmp_path)
    custom = json.loads((tmp_path / "skill.json").read_text())["manifest"]["apis"]["custom"]
    assert custom["endpoint"]["uri"] == ARN
    assert {"type": "CAN_FULFILL_INTENT_REQUEST"} in custom["interfaces"]
    for locale in content.locales:
        copied = tmp_path / "interactionModels" / "custom" / f"{locale}.json"
        assert copied in written and copied.read_text() == (ROOT / "interaction_models" / f"{locale}.json").read_text()
    assert json.loads((ROOT / "ask-resources.json").read_text())["profiles"]["default"]["skillMetadata"]["src"] == "./skill-package"


def test_build_package_without_configuration_says_what_is_missing():
    env = {k: v for k, v in ENV.items() if not k.startswith("CRAMP_COACH_")}
    result = subprocess.run([sys.executable, "-m", "skill", "build-package"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode == 2 and "Lambda function's ARN" in result.stderr


# -- the self-hosted endpoint, served for real


def post_json(url: str, body: bytes) -> int:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_served_endpoint_rejects_an_unsigned_request(serve):
    url = serve("--skill-id", "amzn1.ask.skill.test")
    assert post_json(url, (FIXTURES / "launch.json").read_bytes()) == 400


def test_no_verify_refuses_to_listen_beyond_this_machine():
    result = subprocess.run(
        [sys.executable, "-m", "skill", "serve", "--no-verify", "--host", "0.0.0.0"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 2 and "only binds to 127.0.0.1" in result.stderr


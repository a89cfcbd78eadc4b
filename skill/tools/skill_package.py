"""The ASK CLI skill package: skill-package/skill.json and its interaction models.

`python -m skill build-package --endpoint ARN --privacy-url URL --terms-url URL` writes
skill-package/ for `ask deploy --target skill-metadata`: the manifest from
content/manifest.yaml for every locale in content/locales.yaml, and the models copied
from interaction_models/ (generated from content/, so nothing is edited twice). The
endpoint and the URLs are configuration: options, or the environment variables
CRAMP_COACH_ENDPOINT, CRAMP_COACH_PRIVACY_URL and CRAMP_COACH_TERMS_URL.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import yaml

from ..runtime.core.content import Content
from ..runtime.core.reminder import PERMISSION_SCOPE
from .interaction_model import MODELS_DIR, model_path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = ROOT / "skill-package"
MANIFEST_SOURCE = ROOT / "content" / "manifest.yaml"
_LAMBDA_ARN = re.compile(r"arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?")
_URL = re.compile(r"https://[^\s]+")
# Screens the routine document is laid out for.
APL_VIEWPORTS = [
    {"mode": "HUB", "shape": "ROUND", "minWidth": 480, "maxWidth": 480, "minHeight": 480, "maxHeight": 480},
    {"mode": "HUB", "shape": "RECTANGLE", "minWidth": 960, "maxWidth": 1280, "minHeight": 480, "maxHeight": 800},
    {"mode": "TV", "shape": "RECTANGLE", "minWidth": 960, "maxWidth": 1920, "minHeight": 540, "maxHeight": 1080},
]


class PackageError(ValueError):
    """Configuration the manifest needs is missing or malformed."""


def build_manifest(content: Content, endpoint: str, privacy_url: str, terms_url: str) -> dict:
    if not _LAMBDA_ARN.fullmatch(endpoint or ""):
        raise PackageError("the endpoint must be the Lambda function's ARN (sam deploy prints it as FunctionArn)")
    for name, url in (("privacy policy", privacy_url), ("terms of use", terms_url)):
        if not _URL.fullmatch(url or ""):
            raise PackageError(f"the {name} URL must be an https:// address you publish")
    listing = yaml.safe_load(MANIFEST_SOURCE.read_text(encoding="utf-8"))
    locales = sorted(content.locales)
    return {
        "manifest": {
            "manifestVersion": "1.0",
            "publishingInformation": {
                "locales": {
                    locale: {
                        "name": listing["name"],
                        "summary": " ".join(listing["summary"].split()),
                        "description": " ".join(listing["description"].split()),
                        "examplePhrases": listing["example_phrases"],
                        "keywords": listing["keywords"],
                    }
                    for locale in locales
                },
                "category": listing["category"],
                "distributionCountries": sorted({locale.split("-")[1] for locale in locales}),
                "isAvailableWorldwide": False,
                "testingInstructions": " ".join(listing["testing_instructions"].split()),
            },
            "privacyAndCompliance": {
                "allowsPurchases": False,
                "usesPersonalInfo": False,
                "isChildDirected": False,
                "isExportCompliant": True,
                "containsAds": False,
                "locales": {locale: {"privacyPolicyUrl": privacy_url, "termsOfUseUrl": terms_url} for locale in locales},
            },
            # The nightly stretch reminder; asked for by voice when first needed.
            "permissions": [{"name": PERMISSION_SCOPE}],
            "apis": {
                "custom": {
                    "endpoint": {"uri": endpoint},
                    "interfaces": [
                        {"type": "ALEXA_PRESENTATION_APL", "supportedViewports": APL_VIEWPORTS},
                        # Name-free requests ("Alexa, my calf is cramping"): Alexa asks the skill first.
                        {"type": "CAN_FULFILL_INTENT_REQUEST"},
                    ],
                }
            },
        }
    }


def write_package(content: Content, manifest: dict, directory: Path = PACKAGE_DIR) -> list[Path]:
    models = directory / "interactionModels" / "custom"
    if models.exists():
        shutil.rmtree(models)
    models.mkdir(parents=True)
    written = [directory / "skill.json"]
    written[0].write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    for locale in sorted(content.locales):
        target = models / f"{locale}.json"
        shutil.copyfile(model_path(locale, MODELS_DIR), target)
        written.append(target)
    return written

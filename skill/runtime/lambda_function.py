"""The AWS Lambda entry point: lambda_function.lambda_handler.

The content is read and validated once, when Lambda loads this module (the cold start);
every request after that reuses the same skill object.
"""

from __future__ import annotations

import logging
import os

from .app import build_skill, handle_event
from .core.compiled import load_content

# On Lambda, INFO lines go to CloudWatch; elsewhere (the dialog, tests) the caller decides.
if "AWS_LAMBDA_FUNCTION_NAME" in os.environ:
    logging.getLogger().setLevel(os.environ.get("LOG_LEVEL", "INFO"))

# Set SKILL_ID (template.yaml does) so requests for any other skill are refused.
SKILL = build_skill(load_content(for_requests=True), skill_id=os.environ.get("SKILL_ID") or None)


def lambda_handler(event: dict, context: object) -> dict:
    return handle_event(SKILL, event, context)

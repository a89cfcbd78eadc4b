"""build_skill(): every handler registered in one visible place; handle_event() runs one request.

Lambda, the offline dialog (and later the self-hosted endpoint) all call these, so the
skill cannot tell which door a request came through.
"""

from __future__ import annotations

import json

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model import RequestEnvelope

from .core.content import Content, load_content
from .core.conversation import Conversation
from .handlers.builtins import (
    FallbackHandler,
    HelpHandler,
    NoHandler,
    RepeatHandler,
    StopHandler,
    YesHandler,
)
from .handlers.launch import LaunchHandler
from .handlers.lifecycle import CatchAllExceptionHandler, QuietRequestHandler
from .handlers.questions import QuestionHandler
from .handlers.routines import (
    ListRoutinesHandler,
    PainWorseHandler,
    RoutineNavigationHandler,
    RoutineStartHandler,
)
from .handlers.safety import RedFlagHandler


# The built-in intents these handlers answer; `check-models` requires each model to
# declare them, so none is missed at deploy time.
BUILT_IN_INTENTS = frozenset(
    {
        "AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent",
        "AMAZON.FallbackIntent", "AMAZON.RepeatIntent", "AMAZON.YesIntent", "AMAZON.NoIntent",
        "AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.PauseIntent", "AMAZON.ResumeIntent",
        "AMAZON.StartOverIntent",
    }
)


class InvalidRequestError(ValueError):
    """The event is not an Alexa request envelope; there is nobody to answer in speech."""


def build_skill(content: Content | None = None, skill_id: str | None = None) -> CustomSkill:
    """The skill. With `skill_id`, requests from any other skill id are refused."""
    conversation = Conversation(content if content is not None else load_content())
    builder = SkillBuilder()
    builder.skill_id = skill_id
    # Order matters: the first handler whose can_handle is true answers. Red flags first,
    # whatever the intent and whatever the session was doing.
    for handler in (
        RedFlagHandler(conversation),
        LaunchHandler(conversation),
        QuestionHandler(conversation),
        RoutineStartHandler(conversation),
        ListRoutinesHandler(conversation),
        RoutineNavigationHandler(conversation),
        PainWorseHandler(conversation),
        HelpHandler(conversation),
        StopHandler(conversation),
        RepeatHandler(conversation),
        YesHandler(conversation),
        NoHandler(conversation),
        FallbackHandler(conversation),  # every other intent
        QuietRequestHandler(),  # every other request type
    ):
        builder.add_request_handler(handler)
    builder.add_exception_handler(CatchAllExceptionHandler(conversation))
    return builder.create()


def handle_event(skill: CustomSkill, event: object, context: object = None) -> dict:
    """Run one request envelope (as parsed JSON) through the skill; return the response JSON."""
    if not isinstance(event, dict) or not isinstance(event.get("request"), dict):
        raise InvalidRequestError("not an Alexa request envelope: no 'request' object")
    try:
        envelope = skill.serializer.deserialize(payload=json.dumps(event), obj_type=RequestEnvelope)
    except (SerializationException, TypeError, ValueError) as error:
        raise InvalidRequestError("not a valid Alexa request envelope") from error
    response = skill.invoke(request_envelope=envelope, context=context)
    return skill.serializer.serialize(response)

"""The ASK SDK's dispatch, built from its own parts, without its service clients.

ask_sdk_core's CustomSkill and DefaultSerializer import the package ask_sdk_model.services,
whose __init__ imports every service client (reminders, lists, timers, Login with Amazon
and dateutil's time zones). That is half of a cold start: about 220 ms of 490 on this
machine without bytecode, and several times that on a 256 MB Lambda's share of a CPU
(docs/performance.md). The skill calls no Alexa service, so it never needs them.

So this module:
- registers ask_sdk_model.services without running its __init__ (register_lazily): each
  name the __init__ would have imported is imported from its own module when first asked
  for, so the SDK gets the very same classes;
- runs requests with `Skill`, which does what CustomSkill.invoke does for a skill with no
  API client, persistence or templates, with the SDK's own dispatcher, HandlerInput,
  AttributesManager, serializer and response envelope. Nothing of the SDK is copied.

Import this before anything that imports ask_sdk_core.serialize or ask_sdk_core.skill.
If either was imported first (a test, a tool), the full package is already there and
nothing changes but the time.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys

SERVICES = "ask_sdk_model.services"


def register_lazily(name: str) -> None:
    """Register the package `name` without running its __init__, if nothing imported it yet.

    Its __init__ must be one "from .module import Name" line per name, as the SDK's
    generated ones are: each name is imported from its module when first asked for. A
    name it doesn't list runs the real __init__, so nothing can go missing, only slower.
    """
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    package = importlib.util.module_from_spec(spec)
    with open(spec.origin, encoding="utf-8") as init:
        home = {attr: module for module, attr in re.findall(r"^from \.(\w+) import (\w+)\s*$", init.read(), re.M)}

    def __getattr__(attr: str) -> object:
        if attr.startswith("__"):
            raise AttributeError(attr)
        if attr not in home:
            spec.loader.exec_module(package)
            if attr not in vars(package):
                raise AttributeError(f"module {name!r} has no attribute {attr!r}")
            return vars(package)[attr]
        value = getattr(importlib.import_module(f"{name}.{home[attr]}"), attr)
        setattr(package, attr, value)
        return value

    package.__getattr__ = __getattr__
    sys.modules[name] = package
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(importlib.import_module(parent), child, package)


register_lazily(SERVICES)

# The SDK's parts, after the line above so that none of them loads the service clients.
from ask_sdk_core.__version__ import __version__ as SDK_VERSION  # noqa: E402
from ask_sdk_core.attributes_manager import AttributesManager  # noqa: E402
from ask_sdk_core.handler_input import HandlerInput  # noqa: E402
from ask_sdk_core.serialize import DefaultSerializer  # noqa: E402
from ask_sdk_core.utils import RESPONSE_FORMAT_VERSION  # noqa: E402
from ask_sdk_model import RequestEnvelope, ResponseEnvelope  # noqa: E402
from ask_sdk_runtime.dispatch import GenericRequestDispatcher  # noqa: E402
from ask_sdk_runtime.skill import RuntimeConfigurationBuilder  # noqa: E402
from ask_sdk_runtime.utils import UserAgentManager, user_agent_info  # noqa: E402

UserAgentManager.register_component(user_agent_info(sdk_version=SDK_VERSION))  # as CustomSkill does


class Skill:
    """Request handlers in order, the first that can handle a request answers; exception
    handlers for what goes wrong. `skill_id` is for the caller to check (app.handle_event
    does, before the SDK sees the envelope)."""

    def __init__(self, request_handlers, exception_handlers, skill_id: str | None = None):
        configuration = RuntimeConfigurationBuilder()
        for handler in request_handlers:
            configuration.add_request_handler(handler)
        for handler in exception_handlers:
            configuration.add_exception_handler(handler)
        self.dispatcher = GenericRequestDispatcher(options=configuration.get_runtime_configuration())
        self.serializer = DefaultSerializer()
        self.skill_id = skill_id

    def invoke(self, request_envelope: RequestEnvelope, context: object = None) -> ResponseEnvelope:
        handler_input = HandlerInput(
            request_envelope=request_envelope,
            attributes_manager=AttributesManager(request_envelope=request_envelope),
            context=context,
        )
        response = self.dispatcher.dispatch(handler_input=handler_input)
        in_session = request_envelope.session is not None
        return ResponseEnvelope(
            response=response,
            version=RESPONSE_FORMAT_VERSION,
            session_attributes=handler_input.attributes_manager.session_attributes if in_session else None,
            user_agent=UserAgentManager.get_user_agent(),
        )


def loaded_service_clients() -> list[str]:
    """The service-client modules imported so far (tests and the benchmark check it's none)."""
    return sorted(name for name in sys.modules if name.startswith(f"{SERVICES}.") and name.endswith("_client"))


"""The offline dialog: type what you would say to Alexa, see what Alexa would say back.

Like `ask dialog`, but with no Amazon account, deployment or network: the text is resolved
against interaction_models/<locale>.json, wrapped in a real request envelope, and sent to
the same `lambda_handler` that AWS Lambda runs. Session attributes carry across turns, and
the session closes when a response ends it. With `screen` on, the requests come from a
device with a screen (APL), and what the skill puts on it is printed under the answer.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO
from collections.abc import Callable, Iterable

from ...runtime.core.session import OFFER_REMINDER
from ...runtime.core.speech import ssml_to_plain
from ..interaction_model import MODELS_DIR, model_path
from .envelopes import (
    API_TOKEN,
    LOCAL_SKILL_ID,
    SCREEN_HEIGHT,
    SCREEN_WIDTH,
    Session,
    can_fulfill_request,
    intent_request,
    launch_request,
    permission_answer,
    session_ended_request,
)
from .reminders_standin import RemindersStandIn
from .nlu import Resolution, Resolver, normalize, resolver_for
from .replay import QUIT, write_replay

Handler = Callable[[dict, object], dict]

_LAUNCH_VERBS = r"(?:open|launch|start|begin|load|run|play|use|talk to|speak to|go to)"
_CONNECTING_WORDS = r"(?:to|about|for|if|whether|that)"


@dataclass(frozen=True)
class Turn:
    utterance: str
    intent: str | None  # None for a LaunchRequest or SessionEndedRequest
    slots: dict  # filled slots: name -> {"value", "id", "status"}
    request: dict | None  # None when nothing was sent to the skill
    response: dict | None
    resolution: Resolution | None = None
    # Said without the skill's name: the skill's canFulfillIntent answer, which Alexa asks
    # for first. The request itself follows only on YES or MAYBE.
    can_fulfill: dict | None = None
    # The skill asked for the reminders permission: what the person answered Alexa, and
    # the turn of the skill's answer to that (a Connections.Response).
    permission: str | None = None
    then: Turn | None = None

    @property
    def speech_ssml(self) -> str | None:
        speech = ((self.response or {}).get("response") or {}).get("outputSpeech") or {}
        return speech.get("ssml")

    @property
    def speech_plain(self) -> str:
        """What the listener hears, as text ("" for no speech)."""
        return ssml_to_plain(self.speech_ssml) if self.speech_ssml else ""

    @property
    def screens(self) -> list[dict]:
        """The APL datasources of each RenderDocument directive: what a screen would show."""
        directives = ((self.response or {}).get("response") or {}).get("directives") or []
        return [
            d.get("datasources") or {}
            for d in directives
            if isinstance(d, dict) and d.get("type") == "Alexa.Presentation.APL.RenderDocument"
        ]

    @property
    def ends_session(self) -> bool:
        return ((self.response or {}).get("response") or {}).get("shouldEndSession") is not False

    def to_json(self) -> dict:
        return {
            "utterance": self.utterance,
            "intent": self.intent,
            "slots": self.slots,
            "request": self.request,
            "response": self.response,
            **({"canFulfillIntent": self.can_fulfill} if self.can_fulfill is not None else {}),
            **({"permission": self.permission} if self.permission is not None else {}),
        }


class Dialog:
    def __init__(
        self, handler: Handler, resolver: Resolver, locale: str, skill_id: str, screen: bool = False, name_free: bool = False
    ):
        self.handler = handler
        self.resolver = resolver
        self.locale = locale
        self.skill_id = skill_id
        self.screen = screen  # the device has a screen: requests declare APL and a viewport
        # What is said with no session open goes name-free, as "Alexa, my calf is cramping".
        self.name_free = name_free
        # When the skill asks for the reminders permission, what the person answers Alexa:
        # "yes", "no" or "no-voice" (a device that can't ask by voice). Once "yes", granted.
        self.permission_answer = "yes"
        self.consented = False
        self._reminders: RemindersStandIn | None = None  # started when a reminder is first wanted
        self.session: Session | None = None
        invocation = re.escape(normalize(resolver.invocation_name))
        self._launch = re.compile(rf"^(?:(?:{_LAUNCH_VERBS}|ask|tell) )?{invocation}$")
        self._one_shot = re.compile(
            rf"^(?:(?:ask|tell) {invocation}(?: {_CONNECTING_WORDS})?"
            rf"|{_LAUNCH_VERBS} {invocation} and) (?P<rest>.+)$"
        )
        self._one_shot_suffix = re.compile(rf"^(?P<rest>.+) (?:using|with|from|on|in) {invocation}$")

    @classmethod
    def for_locale(cls, locale: str = "en-US", models_dir: Path = MODELS_DIR, skill_id: str | None = None) -> Dialog:
        path = model_path(locale, models_dir)
        if not path.exists():
            available = ", ".join(sorted(p.stem for p in models_dir.glob("*.json"))) or "none"
            raise LookupError(f"no interaction model for {locale} (available: {available})")
        resolver = resolver_for(path)
        from ...runtime.lambda_function import lambda_handler  # reads and validates the content

        skill_id = skill_id or os.environ.get("SKILL_ID") or LOCAL_SKILL_ID
        return cls(lambda_handler, resolver, locale, skill_id)

    @property
    def session_open(self) -> bool:
        return self.session is not None

    @property
    def reminders(self) -> RemindersStandIn:
        """The dialog's own Reminders API: what Alexa's would hold, in memory."""
        if self._reminders is None:
            self._reminders = RemindersStandIn()
        return self._reminders

    def _new_session(self) -> Session:
        session = Session(self.skill_id, consented=self.consented)
        if self._reminders is not None:
            session.api_endpoint = self._reminders.endpoint
        return session

    def say(self, utterance: str, name_free: bool | None = None) -> Turn:
        """What Alexa would send for `utterance`, and the skill's answer. Said with no
        session open and `name_free` (or the dialog's own setting), it goes as Alexa
        tries a request said without the skill's name: a CanFulfillIntentRequest first."""
        text = normalize(utterance)
        if text == "exit":
            return self._exit(utterance)
        if self._launch.match(text):
            self.session = self._new_session()
            return self._send(utterance, launch_request(self.session, self.locale, self.screen), None)
        one_shot = self._one_shot.match(text) or self._one_shot_suffix.match(text)
        if one_shot:
            self.session = self._new_session()
            text = one_shot.group("rest")
        elif self.session is None:
            if self.name_free if name_free is None else name_free:
                return self._name_free(utterance, self.resolver.resolve(text))
            # Real Alexa would answer a bare question itself; here it goes to the skill,
            # as if "ask cramp coach" had been said first.
            self.session = self._new_session()
        resolution = self.resolver.resolve(text)
        wants_reminders = resolution.intent in REMINDER_INTENTS or (
            resolution.intent == "AMAZON.YesIntent" and self.session.attributes.get(OFFER_REMINDER)
        )
        if wants_reminders:  # the dialog's Reminders API, from now on
            self.session.api_endpoint = self.reminders.endpoint
        return self._send(utterance, intent_request(self.session, self.locale, resolution, self.screen), resolution)

    def _name_free(self, utterance: str, resolution: Resolution) -> Turn:
        """Alexa asks the skill whether it can answer (nothing is said, nothing kept), and
        sends the request in a new session only if it says YES or MAYBE."""
        asked = self.handler(can_fulfill_request(self._new_session(), self.locale, resolution, self.screen), None)
        answer = (asked.get("response") or {}).get("canFulfillIntent") or {}
        if answer.get("canFulfill") not in ("YES", "MAYBE"):
            return Turn(utterance, resolution.intent, _filled_slots(resolution), None, None, resolution, answer)
        self.session = self._new_session()
        turn = self._send(utterance, intent_request(self.session, self.locale, resolution, self.screen), resolution)
        return replace(turn, can_fulfill=answer)

    def _exit(self, utterance: str) -> Turn:
        """Alexa ends the session for "exit" with a SessionEndedRequest, and says nothing."""
        if self.session is None:
            return Turn(utterance, None, {}, None, None)
        return self._send(utterance, session_ended_request(self.session, self.locale, screen=self.screen), None)

    def _send(self, utterance: str, request: dict, resolution: Resolution | None) -> Turn:
        session = self.session
        try:
            response = self.handler(request, None)
        except Exception:
            self.session = None
            raise
        turn = Turn(
            utterance,
            resolution.intent if resolution else None,
            _filled_slots(resolution),
            request,
            response,
            resolution,
        )
        if turn.ends_session or request["request"]["type"] == "SessionEndedRequest":
            self.session = None
        else:
            session.new = False
            session.attributes = response.get("sessionAttributes") or {}
        token = _permission_asked(response)
        return turn if token is None else self._answer_permission(turn, token)

    def _answer_permission(self, turn: Turn, token: str) -> Turn:
        """As Alexa does: ask the person, then tell the skill what they said."""
        answer = self.permission_answer
        if answer == "yes":
            self.consented = True
            self.reminders.granted.add(API_TOKEN)
        self.session = self._new_session()
        then = self._send(f"({answer})", permission_answer(self.session, self.locale, token, answer), None)
        return replace(turn, permission=answer, then=then)


REMINDER_INTENTS = frozenset({"ReminderIntent", "CancelReminderIntent", "ReminderTimeIntent"})


def _permission_asked(response: dict) -> str | None:
    """The token of the skill's request for the reminders permission, if it made one."""
    for directive in (response.get("response") or {}).get("directives") or []:
        if isinstance(directive, dict) and directive.get("type") == "Connections.SendRequest" and directive.get("name") == "AskFor":
            return str(directive.get("token") or "")
    return None


def _filled_slots(resolution: Resolution | None) -> dict:
    if resolution is None:
        return {}
    return {
        s.name: {"value": s.value, "id": s.id, "status": s.status}
        for s in resolution.slots
        if s.value is not None
    }


# --------------------------------------------------------------------------- the REPL


def run(
    dialog: Dialog,
    lines: Iterable[str],
    out: TextIO,
    *,
    as_json: bool = False,
    show_ssml: bool = False,
    verbose: bool = False,
    echo: bool = False,
    speak: Callable[[str], None] | None = None,
    recorded: list[str] | None = None,
) -> int:
    """Say each line to the dialog and print what Alexa says, as `ask dialog` does.

    `.quit` leaves; `.record FILE [--append-quit]` writes what was said so far as an ASK
    CLI replay file; `.screen [on|off]` switches the device's screen; `.name-free TEXT`
    says TEXT without the skill's name. Everything said to the skill is appended to
    `recorded`.
    """
    recorded = [] if recorded is None else recorded
    for line in lines:
        utterance = line.strip()
        if not utterance:
            continue
        if utterance == QUIT:
            break
        if utterance.startswith(".record"):
            _record(dialog, utterance, recorded, out)
            continue
        if utterance.split()[0] == ".screen":
            _switch_screen(dialog, utterance, out)
            continue
        name_free = None
        if utterance.split()[0] == ".name-free":
            utterance = utterance[len(".name-free"):].strip()
            if not utterance or dialog.session_open:
                print("        [usage: .name-free TEXT, with no session open (say exit first)]", file=out)
                continue
            name_free = True
        if echo and not as_json:
            print(f"User  > {utterance}", file=out)
        recorded.append(utterance)
        turn = dialog.say(utterance, name_free)
        while turn is not None:  # the turn, and the skill's answer to a permission it asked for
            _show(turn, dialog, out, as_json, show_ssml, verbose, speak)
            turn = turn.then
    return 0


# What the person tells Alexa when it asks for the reminders permission, as the dialog prints it.
PERMISSION_ANSWERS = {"yes": "the person says yes", "no": "the person says no",
                      "no-voice": "this device can't ask by voice"}


def _show(turn: Turn, dialog: Dialog, out: TextIO, as_json: bool, show_ssml: bool, verbose: bool, speak) -> None:
    if as_json:
        print(json.dumps(turn.to_json(), ensure_ascii=False), file=out, flush=True)
        return
    if verbose and turn.resolution is not None:
        r = turn.resolution
        slots = " ".join(f"{n}={v['id'] or v['value']!r}" for n, v in turn.slots.items())
        print(f"        [{r.intent} {slots} ({r.method} {r.score:.2f})]".replace("  (", " ("), file=out)
    if turn.can_fulfill is not None:
        print(f"        [{name_free_text(turn.can_fulfill)}]", file=out)
    if turn.request is None:
        if turn.can_fulfill is None:
            print("        [no session is open]", file=out)
        return
    ssml = turn.speech_ssml
    if ssml is not None:
        print(f"Alexa > {ssml if show_ssml else ssml_to_plain(ssml)}", file=out)
    for datasources in turn.screens:
        print(screen_text(datasources), file=out)
    if ssml is not None:
        out.flush()
        if speak is not None:
            speak(ssml)
    if turn.permission is not None:
        print(f"        [Alexa asks for permission to set reminders: {PERMISSION_ANSWERS[turn.permission]}]", file=out)
    elif not dialog.session_open:
        print("        [session ended]", file=out)
    out.flush()


def _record(dialog: Dialog, command: str, recorded: list[str], out: TextIO) -> None:
    words = command.split()
    append_quit = "--append-quit" in words[2:]
    if len(words) < 2 or words[0] != ".record" or set(words[2:]) - {"--append-quit"}:
        print("        [usage: .record FILE [--append-quit]]", file=out)
        return
    try:
        write_replay(Path(words[1]), dialog.skill_id, dialog.locale, recorded, append_quit)
    except OSError as error:
        # At the keyboard: say why and carry on; nothing said is lost, the next .record can try elsewhere.
        print(f"        [not recorded: cannot write {words[1]}: {error.strerror or error}]", file=out)
        return
    print(f"        [recorded {len(recorded)} inputs to {words[1]}]", file=out)


def _switch_screen(dialog: Dialog, command: str, out: TextIO) -> None:
    words = command.split()
    if words[1:] not in ([], ["on"], ["off"]):
        print("        [usage: .screen [on|off]]", file=out)
        return
    dialog.screen = words[1:] != ["off"]
    print(f"        [{screen_state(dialog.screen)}]", file=out)


def name_free_text(answer: dict) -> str:
    """The skill's canFulfillIntent answer in a line: "name-free: YES (body_part: YES/YES)"."""
    slots = answer.get("slots") or {}
    detail = ", ".join(f"{name}: {s.get('canUnderstand')}/{s.get('canFulfill')}" for name, s in slots.items())
    verdict = answer.get("canFulfill")
    after = "" if verdict in ("YES", "MAYBE") else "; Alexa would not send this to the skill"
    return f"name-free: {verdict}" + (f" (understand/fulfil {detail})" if detail else "") + after


def screen_state(on: bool) -> str:
    if not on:
        return "screen off: a device without a screen, as an Echo Dot"
    return f"screen on: the device declares Alexa.Presentation.APL, {SCREEN_WIDTH}x{SCREEN_HEIGHT}"


def screen_text(datasources: dict) -> str:
    """What a screen shows, compactly: for the routine document, its title and progress,
    then one numbered line per step; any other datasource as one line of JSON."""
    lines = []
    for name, data in datasources.items():
        if isinstance(data, dict) and isinstance(data.get("steps"), list):
            heading = " - ".join(str(data[key]) for key in ("title", "progress") if data.get(key))
            lines.append(f"Screen: {heading}")
            for number, step in enumerate(data["steps"], 1):
                lines.append(f"        {number}. {step.get('text', '') if isinstance(step, dict) else step}")
        else:
            lines.append(f"Screen: {name} {json.dumps(data, ensure_ascii=False)}")
    return "\n".join(lines) or "Screen: (an APL document with no datasources)"


def interactive_lines(prompt: str = "User  > ") -> Iterable[str]:
    while True:
        try:
            yield input(prompt)
        except EOFError:
            print(file=sys.stdout)
            return
        except KeyboardInterrupt:
            print(file=sys.stdout)
            return

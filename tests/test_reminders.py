"""The nightly stretch reminder, through lambda_handler, against a local stand-in of the
Alexa Reminders API reached through the envelope's apiEndpoint and apiAccessToken."""

from __future__ import annotations

import copy
import logging

import pytest

from skill.runtime import reminders_api
from skill.runtime.core.reminder import Time, time_from_slot, time_of
from skill.tools.simulator.reminders_standin import RemindersStandIn
from test_lambda import envelope, invoke, said

TOKEN = "api-token-not-to-be-logged"
SCOPE = "alexa::alerts:reminders:skill:readwrite"


@pytest.fixture
def api():
    standin = RemindersStandIn()
    yield standin
    standin.close()


def with_api(event: dict, api: RemindersStandIn, granted: bool) -> dict:
    system = event["context"]["System"]
    system["apiEndpoint"], system["apiAccessToken"] = api.endpoint, TOKEN
    if granted:
        system["user"]["permissions"] = {"consentToken": "consent-token"}
        api.granted.add(TOKEN)
    return event


def intent(name: str, api: RemindersStandIn, granted: bool = True, time: str | None = None) -> dict:
    event = envelope("cramp_now_calf")
    slots = {"time": {"name": "time", "value": time, "confirmationStatus": "NONE"}} if time else {}
    event["request"]["intent"] = {"name": name, "confirmationStatus": "NONE", "slots": slots}
    return with_api(event, api, granted)


def permission_answer(api: RemindersStandIn, status: str = "ACCEPTED", code: str = "200", token: str = "reminder 21:00") -> dict:
    event = envelope("cramp_now_calf")
    event["request"] = {
        "type": "Connections.Response", "requestId": "amzn1.echo-api.request.1", "timestamp": "2026-12-06T20:14:03Z",
        "locale": "en-US", "name": "AskFor", "status": {"code": code, "message": "OK"},
        "payload": {"permissionScope": SCOPE, "status": status, "isCardThrown": False}, "token": token,
    }
    return with_api(event, api, granted=status == "ACCEPTED")


def test_asked_with_no_permission_the_skill_asks_for_it_by_voice_and_sets_nothing(api):
    response = invoke(intent("ReminderIntent", api, granted=False, time="21:00"))
    assert said(response) == "To remind you, Cramp Coach needs your permission to set reminders."
    [directive] = response["response"]["directives"]
    assert directive["type"] == "Connections.SendRequest" and directive["name"] == "AskFor"
    assert directive["payload"] == {"@type": "AskForPermissionsConsentRequest", "@version": "2",
                                    "permissionScopes": [{"permissionScope": SCOPE, "consentLevel": "ACCOUNT"}]}
    assert directive["token"] == "reminder 21:00"  # the time comes back with the answer: nothing is stored
    assert api.calls == [("POST", "/v1/alerts/reminders")] and api.reminders == {}  # refused: 401


def test_once_allowed_a_daily_reminder_at_nine_pm_in_the_devices_time_zone_with_no_health_words(api):
    response = invoke(permission_answer(api))
    assert said(response).startswith("Done. Every night at 9 PM, I'll remind you to do your bedtime stretches.")
    [reminder] = api.reminders.values()
    trigger = reminder["trigger"]
    assert trigger["type"] == "SCHEDULED_ABSOLUTE" and "timeZoneId" not in trigger  # the device's own zone
    assert trigger["recurrence"] == {"recurrenceRules": ["FREQ=DAILY;BYHOUR=21;BYMINUTE=0;BYSECOND=0;INTERVAL=1;"]}
    [words] = reminder["alertInfo"]["spokenInfo"]["content"]
    assert words["locale"] == "en-US"
    assert words["text"] == "Time for your bedtime stretches. Say: Alexa, ask cramp coach to start my bedtime stretches."
    for health in ("cramp ", "cramps", "pain", "leg", "muscle", "doctor", "spasm"):
        assert health not in words["text"].lower().replace("cramp coach", "")
    assert reminder["pushNotification"] == {"status": "ENABLED"}


def test_with_permission_already_granted_the_reminder_is_set_at_once_at_the_time_said(api):
    response = invoke(intent("ReminderIntent", api, time="21:30"))
    assert said(response).startswith("Done. Every night at 9:30 PM")
    assert [time_of(r) for r in api.reminders.values()] == [Time(21, 30)]
    assert "directives" not in response["response"]


def test_no_time_said_is_nine_at_night_and_the_answer_says_so(api):
    assert "Every night at 9 PM" in said(invoke(intent("ReminderIntent", api)))


@pytest.mark.parametrize("status", ["DENIED", "NOT_ANSWERED"])
def test_a_refusal_or_no_answer_sets_nothing_and_says_so_kindly(api, status):
    response = invoke(permission_answer(api, status=status))
    assert said(response) == "Okay, no reminder. You can ask me again any time."
    assert api.reminders == {} and api.calls == []


def test_a_device_that_cant_ask_by_voice_gets_the_consent_card(api):
    response = invoke(permission_answer(api, code="400", status="NOT_ANSWERED"))
    assert said(response).startswith("I've sent a card to your Alexa app.")
    assert response["response"]["card"] == {"type": "AskForPermissionsConsent", "permissions": [SCOPE]}


def test_what_time_and_cancel_read_and_delete_through_the_api(api):
    assert said(invoke(intent("ReminderTimeIntent", api))).startswith("You don't have a stretch reminder set.")
    invoke(intent("ReminderIntent", api, time="21:00"))
    assert said(invoke(intent("ReminderTimeIntent", api))) == "Your stretch reminder is every night at 9 PM."
    assert said(invoke(intent("CancelReminderIntent", api))) == "Okay, I've cancelled your stretch reminder."
    assert api.reminders == {}
    assert ("DELETE", f"/v1/alerts/reminders/{api.calls[-1][1].rsplit('/', 1)[1]}") == api.calls[-1]
    assert said(invoke(intent("CancelReminderIntent", api))).startswith("You don't have a stretch reminder set.")


@pytest.mark.parametrize("status, code, answer", [
    (403, "", "Sorry, this device can't set reminders."),
    (400, "DEVICE_NOT_SUPPORTED", "Sorry, this device can't set reminders."),
    (429, "MAX_REMINDERS_EXCEEDED", "You have too many reminders set. Delete one in the Alexa app, then ask me again."),
    (500, "INTERNAL_SERVER_ERROR", "Sorry, I couldn't reach your reminders just now. Please try again later."),
    (503, "", "Sorry, I couldn't reach your reminders just now. Please try again later."),
])
def test_each_documented_error_gets_a_clear_spoken_answer(api, status, code, answer):
    api.fail_next(status, code)
    response = invoke(intent("ReminderIntent", api, time="21:00"))
    assert said(response) == answer
    assert response["response"]["shouldEndSession"] is True


def test_a_reminders_api_that_does_not_answer_in_time_is_a_spoken_apology(api, monkeypatch):
    monkeypatch.setattr(reminders_api, "TIMEOUT_SECONDS", 0.2)
    api.delay = 1.0
    assert said(invoke(intent("ReminderIntent", api, time="21:00"))).startswith("Sorry, I couldn't reach your reminders")


def test_a_permission_withdrawn_since_is_asked_for_again(api):
    event = intent("ReminderIntent", api, time="21:00")
    api.granted.clear()  # the consent token is stale: the API says 401
    response = invoke(event)
    assert response["response"]["directives"][0]["name"] == "AskFor"


def test_no_api_endpoint_in_the_request_is_an_apology_not_a_crash(api):
    event = intent("ReminderIntent", api, time="21:00")
    del event["context"]["System"]["apiEndpoint"]
    assert said(invoke(event)).startswith("Sorry, I couldn't reach your reminders")


def test_the_api_token_and_the_reminders_words_are_never_logged(api, caplog):
    with caplog.at_level(logging.DEBUG):
        invoke(intent("ReminderIntent", api, granted=False, time="21:00"))
        invoke(permission_answer(api))
        invoke(intent("CancelReminderIntent", api))
    assert TOKEN not in caplog.text and "consent-token" not in caplog.text


@pytest.mark.parametrize("value, expected", [
    ("21:00", Time(21, 0)), ("09:30", Time(21, 30)), ("00:30", Time(0, 30)), ("NI", Time(21, 0)), ("EV", Time(19, 0)),
    (None, Time(21, 0)), ("25:00", Time(21, 0)), ("soon", Time(21, 0)),
])
def test_amazon_time_values_become_an_evening_time_and_anything_else_nine_at_night(value, expected):
    """ "Every night at nine" comes as "09:00": a bedtime reminder takes it as 9 PM."""
    assert time_from_slot(value) == expected


def test_times_are_said_as_alexa_reads_them():
    assert [Time(21, 0).spoken(), Time(21, 30).spoken(), Time(0, 0).spoken(), Time(12, 5).spoken()] == [
        "9 PM", "9:30 PM", "12 AM", "12:05 PM"]


def test_a_connections_response_for_another_request_is_not_answered_as_a_reminder(api):
    event = permission_answer(api)
    event = copy.deepcopy(event)
    event["request"]["name"] = "Buy"
    response = invoke(event)
    assert "outputSpeech" not in response["response"] and api.calls == []

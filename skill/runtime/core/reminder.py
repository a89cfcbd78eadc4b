"""The nightly stretch reminder: when, and what the Reminders API is asked to create.

Pure Python, no SDK and no I/O (skill/runtime/reminders_api.py sends it). The reminder's
words come from content/prompts.yaml and say nothing about anyone's health. No time zone
is sent, so Alexa uses the device's: "nine at night" is nine at night where the person is.
"""


import re
from datetime import datetime
from typing import NamedTuple

# The permission the skill asks for, by voice, the first time a reminder is wanted.
PERMISSION_SCOPE = "alexa::alerts:reminders:skill:readwrite"
# The time when none was said ("set a bedtime stretch reminder"), said back to the person.
DEFAULT_TIME = (21, 0)
# AMAZON.TIME's words for a part of the day.
_PARTS_OF_DAY = {"MO": (8, 0), "AF": (14, 0), "EV": (19, 0), "NI": (21, 0)}
_CLOCK = re.compile(r"T?(\d{1,2}):(\d{2})")


class Time(NamedTuple):
    hour: int
    minute: int

    def spoken(self) -> str:
        """ "9 PM", "9:30 PM", "12 AM": as Alexa reads a time aloud."""
        half = "AM" if self.hour < 12 else "PM"
        hour = self.hour % 12 or 12
        return f"{hour} {half}" if self.minute == 0 else f"{hour}:{self.minute:02d} {half}"

    def token(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"


def time_from_slot(value: str | None) -> Time:
    """An AMAZON.TIME value ("21:00", "NI"), or the default when none or none usable.

    The reminder is for bedtime, said back as "every night at ...": AMAZON.TIME sends
    "every night at nine" as "09:00", so a time from 5 to 11:59 in the morning is taken as
    the evening (small hours stay as they are, for people who go to bed late)."""
    if value:
        match = _CLOCK.fullmatch(value.strip())
        if match and int(match[1]) < 24 and int(match[2]) < 60:
            hour = int(match[1])
            return Time(hour + 12 if 5 <= hour < 12 else hour, int(match[2]))
        if value.strip() in _PARTS_OF_DAY:
            return Time(*_PARTS_OF_DAY[value.strip()])
    return Time(*DEFAULT_TIME)


def daily_reminder(time: Time, locale: str, text: str, now: datetime) -> dict:
    """The body of POST /v1/alerts/reminders: every day at `time`, the device's time zone."""
    return {
        "requestTime": now.strftime("%Y-%m-%dT%H:%M:%S.000"),
        "trigger": {
            "type": "SCHEDULED_ABSOLUTE",
            "recurrence": {
                "recurrenceRules": [f"FREQ=DAILY;BYHOUR={time.hour};BYMINUTE={time.minute};BYSECOND=0;INTERVAL=1;"],
            },
        },
        "alertInfo": {"spokenInfo": {"content": [{"locale": locale, "text": text}]}},
        "pushNotification": {"status": "ENABLED"},
    }


def time_of(reminder: dict) -> Time | None:
    """When a reminder the API lists goes off, from its daily rule."""
    rules = ((reminder.get("trigger") or {}).get("recurrence") or {}).get("recurrenceRules") or []
    for rule in rules:
        parts = dict(part.split("=", 1) for part in str(rule).strip(";").split(";") if "=" in part)
        if parts.get("BYHOUR", "").isdigit():
            return Time(int(parts["BYHOUR"]), int(parts.get("BYMINUTE", "0") or 0))
    return None

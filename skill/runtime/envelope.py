"""Reading what a request envelope says about itself, whatever shape it arrives in.

Both doors use this: the self-hosted endpoint before it trusts a body, and every request
before the SDK sees it. Nothing here assumes a field is the type Alexa would send.
"""

from __future__ import annotations


def field(data: object, *path: str) -> object:
    """data[path[0]][path[1]]..., or None where any step is missing or not an object."""
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def is_for_skill(envelope: object, skill_id: str) -> bool:
    """Alexa names the skill in context.System.application on every request, and again in
    session.application when there is a session; both must be ours."""
    in_context = field(envelope, "context", "System", "application", "applicationId")
    in_session = field(envelope, "session", "application", "applicationId")
    return in_context == skill_id and (field(envelope, "session") is None or in_session == skill_id)

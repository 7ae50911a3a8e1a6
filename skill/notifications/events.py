"""The AMAZON.MessageAlert.Activated event, unicast to one Alexa user.

Both notifications use MessageAlert: a friend's message obviously, and an answer to the
user's community question too, because it is a message from another shopper waiting to be
heard (the other schemas are about orders, media, sports, weather, occasions, trash
collection and game invites, none of which fits). Alexa speaks it as "You have N new
messages from <creator>"; the creator is the sender's (or answerer's) handle, never a name
or the text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

MESSAGE_ALERT = "AMAZON.MessageAlert.Activated"
PUBLICATIONS = ({"eventName": MESSAGE_ALERT},)
_MAX_CREATOR = 60


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.00Z")


def message_alert(
    reference_id: str,
    alexa_user_id: str,
    creator: str,
    count: int,
    now: dt.datetime,
    expiry_hours: int,
    locales: tuple[str, ...] = ("en-US", "en-GB"),
) -> dict[str, Any]:
    """The request body for one MessageAlert (Proactive Events API schema)."""
    if not reference_id or not alexa_user_id:
        raise ValueError("a message alert needs a reference id and a recipient")
    return {
        "timestamp": _stamp(now),
        "referenceId": reference_id,
        "expiryTime": _stamp(now + dt.timedelta(hours=expiry_hours)),
        "event": {
            "name": MESSAGE_ALERT,
            "payload": {
                "state": {"status": "UNREAD", "freshness": "NEW"},
                "messageGroup": {
                    "creator": {"name": " ".join(creator.split())[:_MAX_CREATOR] or "a friend"},
                    "count": max(1, count),
                    "urgency": "URGENT",
                },
            },
        },
        "localizedAttributes": [{"locale": locale} for locale in locales],
        "relevantAudience": {"type": "Unicast", "payload": {"user": alexa_user_id}},
    }

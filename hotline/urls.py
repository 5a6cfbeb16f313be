"""Every path the hotline answers on, named once: the routes use these, and so do the URLs it gives Twilio."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

TWILIO = "/twilio"
SMS = "/twilio/sms"
STATUS = "/twilio/status"
VOICE = "/twilio/voice"
# A call the hotline placed: Twilio asks here for its words when the person picks up.
CALL_PLACED = "/twilio/voice/notify"
CALL_PLACED_ANSWER = "/twilio/voice/notify/answer"
CALL_STATUS = "/twilio/voice/status"
# A masked call: the asker pressed a key (then the resident is dialled), what the resident hears
# on picking up, and how the resident's side ended.
BRIDGE_CONNECT = "/twilio/voice/bridge/connect"
BRIDGE_RESIDENT = "/twilio/voice/bridge/resident"
BRIDGE_DONE = "/twilio/voice/bridge/done"
TRANSCRIPTION = "/twilio/voice/transcription"
AUDIO = "/audio"
HEALTH = "/healthz"
OPEN = "/open"


def voice_step(action: str) -> str:
    """The path of a later step of a call ("language", "answer", ...)."""
    return f"{VOICE}/{action}"


def audio(code: str, name: str) -> str:
    """The path of a recorded sentence in a language."""
    return f"{AUDIO}/{code}/{name}"


def public(settings: Any, path: str, **query: Any) -> str:
    """The address Twilio reaches `path` at: PUBLIC_URL, the path, and the query when there is one."""
    url = settings.public_url.rstrip("/") + path
    return f"{url}?{urlencode(query)}" if query else url

"""Render engine replies as SMS text."""
from __future__ import annotations

from ..sms import count_segments
from .engine import Prompt, Reply

# The most segments one text of a reply may cost.
SEGMENTS = 2


def prompt_sms(prompt: Prompt | None) -> str:
    return "" if prompt is None else prompt.as_sms()


def reply_sms(reply: Reply) -> str | None:
    """One SMS for the whole reply: notes, then the question now open. None means send nothing."""
    texts = reply_texts(reply)
    return "\n".join(texts) or None


def reply_texts(reply: Reply) -> list[str]:
    """The reply as texts: one, or two when the question asks to go apart and would not fit with
    the notes in two segments (a request's number, then the question about news)."""
    if reply.silent:
        return []
    parts = [note for note in reply.notes if note]
    body = prompt_sms(reply.prompt)
    together = "\n".join(parts + [body] if body else parts)
    if (body and parts and reply.prompt.apart and count_segments(together).segments > SEGMENTS):
        return ["\n".join(parts), body]
    return [together] if together else []

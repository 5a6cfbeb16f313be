"""Render engine replies as SMS text."""
from __future__ import annotations

from .engine import Prompt, Reply


def prompt_sms(prompt: Prompt | None) -> str:
    return "" if prompt is None else prompt.as_sms()


def reply_sms(reply: Reply) -> str | None:
    """One SMS for the whole reply: notes, then the question now open. None means send nothing."""
    if reply.silent:
        return None
    parts = [note for note in reply.notes if note]
    body = prompt_sms(reply.prompt)
    if body:
        parts.append(body)
    return "\n".join(parts) or None

"""Render engine replies as SMS text."""
from __future__ import annotations

from .engine import Prompt, Reply


def prompt_sms(prompt: Prompt | None) -> str:
    if prompt is None:
        return ""
    lines = [prompt.text] if prompt.text else []
    lines += [f"{i} {choice.label}" for i, choice in enumerate(prompt.choices, 1)]
    return "\n".join(lines)


def reply_sms(reply: Reply) -> str | None:
    """One SMS for the whole reply: notes, then the question now open. None means send nothing."""
    if reply.silent:
        return None
    parts = [note for note in reply.notes if note]
    body = prompt_sms(reply.prompt)
    if body:
        parts.append(body)
    return "\n".join(parts) or None

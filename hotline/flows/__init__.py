"""Conversation flows; importing the package registers every flow with the engine."""
from . import home, intake, language, ride, status  # noqa: F401
from .engine import FLOWS, Ctx, Prompt, Reply

__all__ = ["FLOWS", "Ctx", "Prompt", "Reply"]

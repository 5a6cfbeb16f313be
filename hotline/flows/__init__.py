"""Conversation flows; importing the package registers every flow with the engine."""
from . import asks, home, intake, language, ride, signup, status, volunteer  # noqa: F401
from .engine import FLOWS, Ctx, Prompt, Reply

__all__ = ["FLOWS", "Ctx", "Prompt", "Reply"]

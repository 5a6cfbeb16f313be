"""Conversation flows: the engine, the runner, the keywords checked first, one module per flow.

`hotline.wiring` registers the flows with the engine; the engine never names one.
"""
from .engine import FLOWS, Ctx, Prompt, Reply

__all__ = ["FLOWS", "Ctx", "Prompt", "Reply"]

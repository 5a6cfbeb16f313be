"""The current time, always timezone-aware UTC."""
from __future__ import annotations

from datetime import datetime, timezone


def now() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(timezone.utc)

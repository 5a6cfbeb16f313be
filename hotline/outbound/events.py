"""Named events: what the outbound machinery reports, for the domain to act on.

Handlers are connected in `hotline.wiring`, in one place, with whatever they need bound to them.

Events raised:

- ``delivery_failed(session, message=OutboxMessage)``: a message will never reach its recipient
  (its status is failed, undelivered, expired or skipped; `reason` says why). Raised once per
  row, inside the transaction that records it, so a handler's own changes commit with it.
- ``budget_crossed(session, standing=budget.Standing, level=80 | 100)``: a budget passed 80 % or
  was used up in its period; raised once per budget, level and period (again after a raise).
"""
from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any, Callable

from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

DELIVERY_FAILED = "delivery_failed"
BUDGET_CROSSED = "budget_crossed"

Handler = Callable[..., Any]
_handlers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(name: str, handler: Handler) -> Handler:
    """Call `handler(session, **payload)` whenever `name` is published; returns the handler."""
    if handler not in _handlers[name]:
        _handlers[name].append(handler)
    return handler


def unsubscribe(name: str, handler: Handler) -> None:
    """Stop calling `handler` for `name`."""
    if handler in _handlers[name]:
        _handlers[name].remove(handler)


def publish(name: str, session: Session, **payload: Any) -> None:
    """Call every handler of `name` in the caller's transaction; a handler's error rolls it back."""
    for handler in list(_handlers[name]):
        handler(session, **payload)

"""Everything connected, in one place: the services the settings describe, and every event
handler, job, flow and answer to an outside question, in the order they run.

Nothing registers itself by being imported: `create_app` (and through it the worker), `hotline
chat` and the commands that walk the flows call `connect`.
"""
from __future__ import annotations

from typing import Any, Callable

from . import asks, bridges, coordinators, jobs
from .background import registry
from .background.queue import InProcessQueue, PausingQueue, RQQueue
from .config import Settings
from .db import Database
from .dispatch import waves
from .flows import answers, checkin, engine, erase, home, intake, language, ride, signup, status, thanks, updates
from .outbound import events, notify
from .outbound.pacing import MemoryPacer, RedisPacer
from .outbound.transports import make_transport
from .services import Hotline, redis_from_url, scoped_or_none

# Conversation flows, by the names stored in `conversations`.
FLOWS = (home.FLOW, intake.FLOW, language.FLOW, ride.FLOW, signup.FLOW, status.FLOW, erase.FLOW, thanks.FLOW,
         checkin.FLOW, updates.FLOW)

_subscribed: list[tuple[str, Callable[..., Any]]] = []


def build(settings: Settings, db: Database | None = None, *, start: bool = True, worker: bool = False) -> Hotline:
    """Assemble the services the settings describe: RQ with REDIS_URL, in-process without.

    With Redis, a web process (not `worker`) waits on it briefly and leaves it alone for a while
    after it fails; the worker, which cannot work without it, waits as long as Redis needs.
    """
    hotline = Hotline(settings=settings, db=db or Database(settings.database_url), redis_backends=redis_backends)
    # A web process with Redis leaves sending to `hotline worker`: it never loads Twilio's REST client.
    hotline.transport = make_transport(settings, sends=worker or not settings.redis_url)
    if settings.redis_url and worker:
        hotline.use_redis(redis_from_url(settings.redis_url))
    elif settings.redis_url:
        hotline.use_redis(redis_from_url(settings.redis_url, timeout=settings.redis_web_timeout_seconds))
        hotline.queue = PausingQueue(hotline.queue, settings.redis_pause_seconds)
    else:
        hotline.queue = InProcessQueue(threads=settings.queue_threads if start else 0)
        hotline.pacer = MemoryPacer()
    return hotline


def redis_backends(connection) -> tuple[RQQueue, RedisPacer]:
    """The job queue and the pacer that share one Redis connection."""
    return RQQueue(connection), RedisPacer(connection)


def with_settings(handler: Callable[..., Any], hotline: Hotline) -> Callable[..., Any]:
    """The handler, given the services' settings as they are when the event is published (a practice
    sandbox's, when one publishes it)."""

    def handle(session, **payload):
        payload.setdefault("settings", (scoped_or_none() or hotline).settings)
        return handler(session, **payload)

    handle.__wrapped__ = handler
    return handle


def handlers(hotline: Hotline) -> list[tuple[str, Callable[..., Any]]]:
    """Every event handler, with what it needs bound to it, in the order they run."""
    return [
        # A text that could not reach a landline is placed again as a call.
        (events.DELIVERY_FAILED, notify.call_instead),
        # A resident nobody could reach by phone: the coordinators follow up.
        (events.DELIVERY_FAILED, with_settings(waves.calls_not_answered, hotline)),
        # An offer that never reached its volunteer goes to the next one at once.
        (events.DELIVERY_FAILED, with_settings(waves.offer_not_delivered, hotline)),
        # A budget passed 80 % or was used up: the coordinators are told, once a period.
        (events.BUDGET_CROSSED, with_settings(coordinators.budget_crossed, hotline)),
        # A masked call whose asker never picked up their own phone: kept in the need's history.
        (events.DELIVERY_FAILED, bridges.not_picked_up),
    ]


def connect(hotline: Hotline) -> None:
    """Connect every event handler, job, flow and answer handler to these services.

    Connecting again replaces the handlers of the last call: one set of services per process.
    """
    for name, handler in _subscribed:
        events.unsubscribe(name, handler)
    _subscribed.clear()
    for name, handler in handlers(hotline):
        events.subscribe(name, handler)
        _subscribed.append((name, handler))
    for name, function in jobs.JOBS.items():
        registry.register(name, function)
    connect_flows()


def connect_flows() -> None:
    """Register the flows and the handlers of answers to questions sent outside them."""
    for flow in FLOWS:
        engine.register(flow)
    for kind, handler in answers.HANDLERS.items():
        asks.handle(kind, handler)

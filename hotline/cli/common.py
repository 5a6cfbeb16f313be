"""What every `hotline` subcommand shares: settings from the environment, logging, the database and services."""
from __future__ import annotations

import logging
import click

from .. import logs, wiring
from ..background.queue import InProcessQueue
from ..config import Settings, UnsafeSettings
from ..db import Database
from ..migrate import schema_problem
from ..services import Hotline, current_or_none, install


def settings() -> Settings:
    """The settings from the environment; with any problem, the list of them and a non-zero exit."""
    try:
        found = Settings.from_env()
    except UnsafeSettings as refused:
        raise SystemExit(str(refused)) from None
    logs.configure(found.log_level)
    return found


def setup_logging(verbose: bool = False) -> None:
    """Log to stderr, phone numbers masked on every handler, until the settings say at which level."""
    logs.configure(logging.DEBUG if verbose else logging.INFO)


def refuse_outdated(db: Database) -> None:
    """Stop with what to run, and a non-zero exit, unless the schema is this version's.

    Only `hotline run` and `hotline db upgrade` migrate: a command run beside a live hotline
    (a list, an approval) never changes the schema under it.
    """
    problem = schema_problem(db.engine)
    if problem is not None:
        db.dispose()
        raise SystemExit(f"hotline: {problem}")


def database(config: Settings | None = None) -> Database:
    """The configured database, refused when its schema is not current."""
    db = Database((config or settings()).database_url)
    refuse_outdated(db)
    return db


def services(config: Settings | None = None) -> Hotline:
    """The hotline's services for this command, the schema checked first; closed when the command ends.

    What the command queues to send goes on the queue once its transaction commits: with
    REDIS_URL, straight to the workers (a welcome text leaves at once, not at the next sweep);
    without, it waits in the outbox for `hotline run`, which is said.
    """
    config = config or settings()
    hotline = wiring.build(config, database(config), start=False)
    before = current_or_none()
    wiring.connect(hotline)
    install(hotline)
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(lambda: close(hotline, before))
    return hotline


def close(hotline: Hotline, before: Hotline | None = None) -> None:
    """Release the services, saying when what was queued waits for `hotline run`; put back those before."""
    if isinstance(hotline.queue, InProcessQueue) and hotline.queue.pending():
        click.echo("no REDIS_URL here: `hotline run` sends what this queued", err=True)
    if hotline.redis is not None:
        hotline.redis.close()
    hotline.close()
    if before is not None:
        # A command run inside a process that has services of its own (a test's app) leaves them as they were.
        wiring.connect(before)
        install(before)

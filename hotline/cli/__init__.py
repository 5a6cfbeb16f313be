"""The `hotline` command."""
from __future__ import annotations

import logging
import sys
from dataclasses import replace

import click

from .config import Settings


def _settings() -> Settings:
    return Settings.from_env()


def _setup_logging(verbose: bool = False) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@click.group()
def main() -> None:
    """An SMS and voice hotline for mutual-aid networks."""
    try:
        from dotenv import load_dotenv

        load_dotenv()
    except ImportError:  # pragma: no cover
        pass


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
def run(host: str, port: int) -> None:
    """Serve the hotline: webhooks, dashboard and (without Redis) the queued work."""
    from werkzeug.serving import run_simple

    from . import create_app
    from .migrate import upgrade

    _setup_logging()
    settings = _settings()
    upgrade(settings.database_url)
    app = create_app(settings)
    log = logging.getLogger("hotline")
    log.info("database: %s", settings.database_url.split("@")[-1])
    if not settings.twilio_configured:
        log.info("no Twilio credentials: messages to other numbers are printed here")
    if settings.redis_url:
        log.info("REDIS_URL is set: run `hotline worker` to send messages and run scheduled work")
    else:
        log.info("no REDIS_URL: queued work runs in this process")
    click.echo(f"Hotline listening on http://{host}:{port} (SMS webhook: {settings.public_url}/twilio/sms)")
    run_simple(host, port, app, threaded=True, use_reloader=False)


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Bring the database schema up to date."""
    from .migrate import upgrade

    upgrade(_settings().database_url, revision)
    click.echo("database is up to date")


@db.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Take the database schema back to REVISION."""
    from .migrate import downgrade

    downgrade(_settings().database_url, revision)


@db.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
def db_revision(message: str) -> None:
    """Write a migration from the difference between the models and the database."""
    from .migrate import revision

    revision(_settings().database_url, message)


@main.command()
@click.option("--burst", is_flag=True, help="Run what is queued and due, then exit.")
def worker(burst: bool) -> None:
    """Run the queued work (sending, scheduled jobs, sweeps) from Redis, with the scheduler."""
    from .worker import run_worker

    _setup_logging()
    run_worker(_settings(), burst=burst)


@main.group(invoke_without_command=True)
@click.option("--status", "status", default=None, help="Only rows with this status.")
@click.option("--limit", default=30, show_default=True, help="How many rows to list.")
@click.pass_context
def outbox(ctx: click.Context, status: str | None, limit: int) -> None:
    """List outbound messages by status, with the reason each is where it is."""
    if ctx.invoked_subcommand is not None:
        return
    from . import outbox as box
    from .db import Database
    from .phones import mask

    database = Database(_settings().database_url)
    with database.session() as session:
        counts = box.counts(session)
        click.echo("  ".join(f"{name}: {count}" for name, count in sorted(counts.items())) or "the outbox is empty")
        for row in box.rows(session, status, limit):
            when = row.updated_at.strftime("%Y-%m-%d %H:%M:%S")
            reason = f"  {row.reason}" if row.reason else ""
            click.echo(
                f"{row.id:>6} {row.status:<11} {row.kind:<10} to {mask(row.to):<8} "
                f"tries {row.attempts}  {when}{reason}"
            )
    database.dispose()


@outbox.command("retry")
@click.argument("outbox_id", type=int)
def outbox_retry(outbox_id: int) -> None:
    """Queue a failed, undelivered or expired message again."""
    from . import create_app
    from . import outbox as box

    settings = _settings()
    app = create_app(replace(settings, queue_threads=0))
    hotline = app.extensions["hotline"]
    try:
        with hotline.db.session() as session:
            box.retry(session, outbox_id)
    except (LookupError, ValueError) as error:
        raise click.ClickException(str(error))
    finally:
        hotline.close()
    if settings.redis_url:
        click.echo(f"outbox {outbox_id} queued again")
    else:
        click.echo(f"outbox {outbox_id} queued again; `hotline run` sends it")


@main.command()
@click.argument("phone")
def chat(phone: str) -> None:
    """Talk to the hotline in this terminal as PHONE, through the same engine, without Twilio."""
    from .chat import ChatSession

    settings = _settings()
    ChatSession(settings, phone).loop(sys.stdin, click.echo)


from . import translations_cli  # noqa: E402,F401  (registers `hotline translations`)
from . import voice_cli  # noqa: E402,F401  (registers `hotline voice`)
from . import volunteers_cli  # noqa: E402,F401  (registers `hotline volunteers`)

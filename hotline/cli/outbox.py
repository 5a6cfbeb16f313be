"""`hotline outbox`: what was sent, what waits and why, and sending a failed message again."""
from __future__ import annotations

from dataclasses import replace

import click
from sqlalchemy import select

from .. import audit, create_app
from ..db import Database
from ..models import OutboxMessage
from ..outbound import outbox as box
from ..phones import mask
from .common import settings as read_settings


@click.group(invoke_without_command=True)
@click.option("--status", "status", default=None, help="Only rows with this status.")
@click.option("--limit", default=30, show_default=True, help="How many rows to list.")
@click.pass_context
def outbox(ctx: click.Context, status: str | None, limit: int) -> None:
    """List outbound messages by status, with the reason each is where it is."""
    if ctx.invoked_subcommand is not None:
        return
    database = Database(read_settings().database_url)
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
    settings = read_settings()
    app = create_app(replace(settings, queue_threads=0))
    hotline = app.extensions["hotline"]
    try:
        with hotline.db.session() as session:
            was = session.scalar(select(OutboxMessage.status).where(OutboxMessage.id == outbox_id))
            row = box.retry(session, outbox_id)
            audit.record(session, audit.command_line(), "outbox_retry", f"outbox {row.id}",
                         before={"status": was}, after={"status": row.status, "kind": row.kind, "to": mask(row.to)})
    except (LookupError, ValueError) as error:
        raise click.ClickException(str(error))
    finally:
        hotline.close()
    if settings.redis_url:
        click.echo(f"outbox {outbox_id} queued again")
    else:
        click.echo(f"outbox {outbox_id} queued again; `hotline run` sends it")

"""`hotline outbox`: what was sent, what waits and why, and sending a failed message again."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import click
from sqlalchemy import select

from .. import audit
from ..clock import now as utcnow
from ..models import OutboxMessage
from ..outbound import outbox as box
from ..phones import mask
from .common import database, services
from .common import settings as read_settings


@click.group(invoke_without_command=True)
@click.option("--status", "status", default=None, help="Only rows with this status.")
@click.option("--limit", default=30, show_default=True, help="How many rows to list.")
@click.pass_context
def outbox(ctx: click.Context, status: str | None, limit: int) -> None:
    """List outbound messages by status, with the reason each is where it is."""
    if ctx.invoked_subcommand is not None:
        return
    db = database()
    with db.session() as session:
        counts = box.counts(session)
        click.echo("  ".join(f"{name}: {count}" for name, count in sorted(counts.items())) or "the outbox is empty")
        for row in box.rows(session, status, limit):
            when = row.updated_at.strftime("%Y-%m-%d %H:%M:%S")
            reason = f"  {row.reason}" if row.reason else ""
            click.echo(
                f"{row.id:>6} {row.status:<11} {row.kind:<10} to {mask(row.to):<8} "
                f"tries {row.attempts}  {when}{reason}"
            )
    db.dispose()


AGO = re.compile(r"(\d+)\s*([mhd])")
UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def read_when(text: str, zone: str) -> datetime:
    """A moment written as 2024-05-01, 2024-05-01T14:30 (local time), or as a time ago: 90m, 6h, 2d."""
    text = text.strip()
    ago = AGO.fullmatch(text)
    if ago:
        return utcnow() - timedelta(**{UNITS[ago.group(2)]: int(ago.group(1))})
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a time: write 2024-05-01, 2024-05-01T14:30, 90m, 6h or 2d")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(timezone.utc)


@outbox.command("retry")
@click.argument("outbox_id", type=int, required=False)
@click.option("--failed-since", "since", metavar="WHEN",
              help="Every message that failed, was undelivered or expired from WHEN on (2024-05-01T14:30, 6h, 2d).")
@click.option("--until", metavar="WHEN", help="With --failed-since: only those that ended before WHEN.")
@click.option("--kind", default=None, help="With --failed-since: only messages of this kind (offer, claimed, ...).")
def outbox_retry(outbox_id: int | None, since: str | None, until: str | None, kind: str | None) -> None:
    """Queue a failed, undelivered or expired message again, or every one of a period."""
    if (outbox_id is None) == (since is None):
        raise click.UsageError("give either a message number or --failed-since WHEN")
    if outbox_id is not None and (until or kind):
        raise click.UsageError("--until and --kind go with --failed-since")
    settings = read_settings()
    start = read_when(since, settings.hotline_timezone) if since else None
    end = read_when(until, settings.hotline_timezone) if until else None
    if start is not None and end is not None and end <= start:
        raise click.BadParameter("--until must come after --failed-since")
    hotline = services(settings)
    try:
        with hotline.db.session() as session:
            if outbox_id is not None:
                was = session.scalar(select(OutboxMessage.status).where(OutboxMessage.id == outbox_id))
                row = box.retry(session, outbox_id)
                audit.record(session, audit.command_line(), "outbox_retry", f"outbox {row.id}", before={"status": was},
                             after={"status": row.status, "kind": row.kind, "to": mask(row.to)})
                done = f"outbox {outbox_id} queued again"
            else:
                rows = box.retry_failed(session, start, end, kind)
                audit.record(session, audit.command_line(), "outbox_retry_all", f"{len(rows)} messages",
                             after=box.retry_summary(start, end, kind, len(rows)))
                done = f"{len(rows)} message(s) queued again"
    except (LookupError, ValueError) as error:
        raise click.ClickException(str(error))
    click.echo(done)


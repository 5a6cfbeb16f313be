"""`hotline needs`: the open requests, or those waiting for a person, at a terminal."""
from __future__ import annotations

import click
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import areas, needs
from ..clock import now as utcnow
from ..models import Need
from ..phones import mask
from .common import database


def _age(seconds: float) -> str:
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    return f"{int(seconds // 86400)}d"


@click.command("needs")
@click.option("--waiting", is_flag=True, help="Only what needs a person: nobody found, voicemail, not helped...")
@click.option("--limit", default=50, show_default=True, help="How many to list.")
def needs_command(waiting: bool, limit: int) -> None:
    """List open requests, urgent and newest first (numbers masked, areas only)."""
    db = database()
    now = utcnow()
    with db.session() as session:
        query = select(Need).options(selectinload(Need.contact))
        if waiting:
            query = query.where(Need.attention.is_not(None)).order_by(Need.attention_at, Need.id)
        else:
            query = query.where(Need.status.in_(needs.ACTIVE)).order_by(
                Need.urgent.desc(), Need.created_at.desc(), Need.id.desc())
        rows = list(session.scalars(query.limit(limit)))
        if not rows:
            click.echo("nothing is waiting for a person" if waiting else "no open requests")
        for need in rows:
            area = areas.for_location(session, need.location).label or "-"
            why = f"  waiting: {need.attention}" if need.attention else ""
            urgent = " urgent" if need.urgent else ""
            click.echo(f"{need.ref}  {need.status:<9} {need.category:<9} {_age((now - need.created_at).total_seconds()):>4}"
                       f"  {area:<16} {need.language:<3} {mask(need.contact.phone):<8}{urgent}{why}")
    db.dispose()

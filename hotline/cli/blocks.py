"""`hotline block` and `hotline unblock`: a number that gets no answer and files nothing."""
from __future__ import annotations

import click
from sqlalchemy import select

from .. import audit
from ..clock import now as utcnow
from ..guard import blocks
from ..models import Contact
from ..phones import mask, normalize
from .common import services
from .common import settings as read_settings


@click.command("block")
@click.argument("phone")
@click.option("--reason", required=True, help="Why (kept in the audit log, e.g. 'abusive texts').")
@click.option("--days", type=click.IntRange(1, blocks.MAX_DAYS), default=None,
              help="Lift the block by itself after this many days (default: until `hotline unblock`).")
def block(phone: str, reason: str, days: int | None) -> None:
    """Block PHONE: its texts get no answer and its calls are ended; it files nothing (audited)."""
    settings = read_settings()
    if normalize(phone, settings.default_region) is None:
        raise click.BadParameter(f"{mask(phone)} is not a phone number", param_hint="PHONE")
    if not reason.strip():
        raise click.BadParameter("say why", param_hint="--reason")
    db = services(settings).db
    try:
        with db.session() as session:
            contact = blocks.block(session, settings, phone, reason, days, actor=audit.command_line(), now=utcnow())
            number, until = mask(contact.phone), contact.blocked_until
    finally:
        db.dispose()
    click.echo(f"blocked {number} " + (f"until {until:%Y-%m-%d %H:%M} UTC" if until else "until unblocked"))


@click.command("unblock")
@click.argument("phone")
def unblock(phone: str) -> None:
    """Lift the block on PHONE (audited)."""
    settings = read_settings()
    number = normalize(phone, settings.default_region)
    if number is None:
        raise click.BadParameter(f"{mask(phone)} is not a phone number", param_hint="PHONE")
    db = services(settings).db
    try:
        with db.session() as session:
            contact = session.scalar(select(Contact).where(Contact.phone == number))
            lifted = contact is not None and blocks.unblock(session, contact, actor=audit.command_line(), now=utcnow())
    finally:
        db.dispose()
    if not lifted:
        raise click.ClickException(f"{mask(number)} is not blocked")
    click.echo(f"unblocked {mask(number)}")

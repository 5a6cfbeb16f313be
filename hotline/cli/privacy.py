"""`hotline forget` and `hotline retention`: erase a person, apply the retention windows now."""
from __future__ import annotations

import click
from sqlalchemy import select

from .. import audit
from ..clock import now as utcnow
from ..models import Contact
from ..phones import mask, normalize
from ..privacy import erase, retention
from .common import services
from .common import settings as read_settings


@click.command("forget")
@click.argument("phone")
@click.option("--reason", required=True, help="Why (kept in the audit log, e.g. 'asked by phone call').")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def forget(phone: str, reason: str, yes: bool) -> None:
    """Erase everything held about PHONE: messages, requests' words, recordings, a volunteer record, the number.

    Open requests are withdrawn and their helpers told; a volunteer's tasks are handed back. What the
    counts need (a request of some kind, met on some day) stays, tied to nobody.
    """
    settings = read_settings()
    number = normalize(phone, settings.default_region)
    if number is None:
        raise click.BadParameter("that is not a phone number", param_hint="PHONE")
    if not reason.strip():
        raise click.BadParameter("say why", param_hint="--reason")
    if not yes:
        click.confirm(f"Erase everything held about {mask(number)}? This cannot be undone.", abort=True)
    db = services(settings).db
    try:
        with db.session() as session:
            contact = session.scalar(select(Contact).where(Contact.phone == number))
            if contact is None:
                click.echo(f"nothing is held about {mask(number)}")
                return
            erased = erase.forget(session, settings, contact, utcnow(), actor=audit.command_line(),
                                  reason=reason.strip())
    finally:
        db.dispose()
    what = f"{erased.requests} request(s), {erased.messages} message(s), {erased.recordings} recording(s)"
    if erased.volunteer:
        what += f", a volunteer record ({erased.tasks_handed_back} task(s) handed back)"
    click.echo(f"erased {mask(number)}: {what}")


@click.command("retention")
def retention_command() -> None:
    """Remove now what has been kept longer than the RETAIN_* windows (the worker does it hourly)."""
    settings = read_settings()
    db = services(settings).db
    try:
        with db.session() as session:
            counts = retention.purge(session, settings, utcnow())
    finally:
        db.dispose()
    click.echo(", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in counts.items()))

"""`hotline db`: the database schema."""
from __future__ import annotations

import click

from ..migrate import downgrade, revision, upgrade
from .common import settings


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.argument("revision_id", metavar="REVISION", default="head")
def db_upgrade(revision_id: str) -> None:
    """Bring the database schema up to date."""
    upgrade(settings().database_url, revision_id)
    click.echo("database is up to date")


@db.command("downgrade")
@click.argument("revision_id", metavar="REVISION")
def db_downgrade(revision_id: str) -> None:
    """Take the database schema back to REVISION."""
    downgrade(settings().database_url, revision_id)


@db.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
def db_revision(message: str) -> None:
    """Write a migration from the difference between the models and the database."""
    revision(settings().database_url, message)

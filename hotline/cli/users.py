"""`hotline users`: console accounts (add, list, disable)."""
from __future__ import annotations

import sys

import click

from .. import accounts, audit
from ..db import Database
from ..migrate import upgrade
from .common import settings as read_settings


def _db() -> Database:
    settings = read_settings()
    upgrade(settings.database_url)
    return Database(settings.database_url)


@click.group("users")
def users_group() -> None:
    """Who may sign in to the console."""


@users_group.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(accounts.ROLES), required=True,
              help="admin: everything; coordinator: acts on needs, rides, volunteers; viewer: reads, masked.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of asking.")
def add(email: str, role: str, password_stdin: bool) -> None:
    """Add an account that signs in with EMAIL."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    db = _db()
    try:
        with db.session() as session:
            user = accounts.create(session, email, password, role)
            audit.record(session, audit.command_line(), "user_added", f"user {user.email}", after={"role": role})
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    finally:
        db.dispose()
    click.echo(f"added {user.email} ({role})")


@users_group.command("list")
def list_() -> None:
    """List the accounts, their roles and whether they may sign in."""
    db = _db()
    with db.session() as session:
        found = accounts.all_users(session)
        for user in found:
            seen = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "never"
            state = "active" if user.active else "disabled"
            click.echo(f"{user.email:<40} {user.role:<12} {state:<9} last signed in {seen}")
        if not found:
            click.echo("no accounts yet: `hotline users add EMAIL --role admin`, or the link `hotline run` prints")
    db.dispose()


@users_group.command("disable")
@click.argument("email")
def disable(email: str) -> None:
    """Sign EMAIL out everywhere and refuse it from now on."""
    db = _db()
    try:
        with db.session() as session:
            user = accounts.find(session, email)
            if user is None:
                raise click.ClickException(f"no account for {email}")
            was = user.active
            accounts.disable(user)
            audit.record(session, audit.command_line(), "user_disabled", f"user {user.email}",
                         before={"active": was}, after={"active": False})
    finally:
        db.dispose()
    click.echo(f"{email} is disabled")

"""`hotline users`: console accounts (add, list, disable, the phone the hotline rings)."""
from __future__ import annotations

import sys

import click

from .. import accounts, audit
from ..db import Database
from ..models import LoginThrottle
from ..phones import mask
from .common import database, settings


def _db() -> Database:
    return database()


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
            phone = f" phone {mask(user.phone)}" if user.phone else ""
            click.echo(f"{user.email:<40} {user.role:<12} {state:<9} last signed in {seen}{phone}")
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
            # At a terminal too, never the last admin: nobody could manage accounts from the console.
            accounts.deactivate(session, user)
            audit.record(session, audit.command_line(), "user_disabled", f"user {user.email}",
                         before={"active": was}, after={"active": False})
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    finally:
        db.dispose()
    click.echo(f"{email} is disabled")


@users_group.command("enable")
@click.argument("email")
def enable(email: str) -> None:
    """Let a disabled account sign in again."""
    db = _db()
    try:
        with db.session() as session:
            user = accounts.find(session, email)
            if user is None:
                raise click.ClickException(f"no account for {email}")
            accounts.enable(user)
            audit.record(session, audit.command_line(), "user_enabled", f"user {user.email}", after={"active": True})
    finally:
        db.dispose()
    click.echo(f"{email} may sign in again")


@users_group.command("password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input instead of asking.")
def password(email: str, password_stdin: bool) -> None:
    """Set a new password for EMAIL (a forgotten one); every session of the account ends."""
    if password_stdin:
        new = sys.stdin.readline().rstrip("\r\n")
    else:
        new = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    db = _db()
    try:
        with db.session() as session:
            user = accounts.find(session, email)
            if user is None:
                raise click.ClickException(f"no account for {email}")
            accounts.set_password(user, new)
            session.query(LoginThrottle).filter(LoginThrottle.key == f"account:{user.email}").delete()
            audit.record(session, audit.command_line(), "password_set", f"user {user.email}")
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    finally:
        db.dispose()
    click.echo(f"new password set for {email}; its lockout, if any, is lifted")


@users_group.command("phone")
@click.argument("email")
@click.argument("phone", required=False, default="")
@click.option("--forget", is_flag=True, help="Forget the account's phone.")
def phone(email: str, phone: str, forget: bool) -> None:
    """Keep PHONE as the one the hotline rings to put EMAIL through to a resident (or --forget it)."""
    if not phone and not forget:
        raise click.UsageError("give a PHONE, or --forget")
    region = settings().default_region
    db = _db()
    try:
        with db.session() as session:
            user = accounts.find(session, email)
            if user is None:
                raise click.ClickException(f"no account for {email}")
            before = {"phone": mask(user.phone)} if user.phone else {}
            number = accounts.set_phone(user, "" if forget else phone, region)
            audit.record(session, audit.command_line(), "phone_set" if number else "phone_forgotten",
                         f"user {user.email}", before=before, after={"phone": mask(number)} if number else {})
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    finally:
        db.dispose()
    click.echo(f"{email}: phone {mask(number)}" if number else f"{email}: phone forgotten")

"""Accounts (`/users`, admins only): who may sign in, with which role; add, change a role, disable.

Disabling an account signs it out everywhere at its next request. Nobody changes their own role
or disables their own account from here, and the last active admin always stays one (two admins
removing each other at once cannot both succeed). Every change is audited.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from ... import accounts
from ...models import User
from . import access, labels
from .auth import account_problem
from .i18n import gettext as _

bp = Blueprint("users", __name__)


def problem(error: accounts.AccountError) -> str:
    return {
        "self": _("You cannot do that to your own account. Another admin can."),
        "last_admin": _("The hotline needs at least one active admin. Make another account an admin first."),
        "same": _("The account already has that role."),
        "inactive": _("That account is already disabled."),
    }.get(error.code) or account_problem(error)


def find(user_id: str) -> User:
    if not (user_id.isascii() and user_id.isdigit() and len(user_id) <= 9):
        abort(404)
    user = g.db_session.get(User, int(user_id))
    if user is None:
        abort(404)
    return user


def page(status: int = 200, *, error: str | None = None, email: str = "", role: str = ""):
    return render_template(
        "console/users.html", section="users", users=accounts.all_users(g.db_session), roles=accounts.ROLES,
        error=error, email=email, chosen_role=role, min_password=accounts.MIN_PASSWORD, labels=labels,
    ), status


@bp.get("/users")
@access.requires(accounts.MANAGE_USERS)
def index():
    return page()


@bp.post("/users")
@access.requires(accounts.MANAGE_USERS)
def add():
    """Add an account that signs in with an email and a password (typed twice)."""
    form = request.form
    email, role = form.get("email") or "", form.get("role") or ""
    password = form.get("password") or ""
    if password != (form.get("password_again") or ""):
        return page(400, error=_("The two passwords are not the same."), email=email.strip()[:254], role=role)
    try:
        user = accounts.create(g.db_session, email, password, role)
    except accounts.AccountError as error:
        return page(400, error=problem(error), email=email.strip()[:254], role=role)
    access.record("user_added", f"user {user.email}", after={"role": user.role})
    flash(_("%(email)s can now sign in as %(role)s.", email=user.email, role=labels.name(labels.ROLE, user.role)),
          "success")
    return redirect(url_for("users.index"))


@bp.post("/users/<user_id>/role")
@access.requires(accounts.MANAGE_USERS)
def change_role(user_id: str):
    user = find(user_id)
    role = request.form.get("role") or ""
    try:
        was = accounts.change_role(g.db_session, user, role, by=g.user)
    except accounts.AccountError as error:
        flash(problem(error), "error")
        return redirect(url_for("users.index"))
    access.record("role_changed", f"user {user.email}", before={"role": was}, after={"role": user.role})
    flash(_("%(email)s is now %(role)s.", email=user.email, role=labels.name(labels.ROLE, user.role)), "success")
    return redirect(url_for("users.index"))


@bp.post("/users/<user_id>/disable")
@access.requires(accounts.MANAGE_USERS)
def disable(user_id: str):
    """Refuse the account from now on; wherever it is signed in, its next request signs it out."""
    user = find(user_id)
    try:
        accounts.deactivate(g.db_session, user, by=g.user)
    except accounts.AccountError as error:
        flash(problem(error), "error")
        return redirect(url_for("users.index"))
    access.record("user_disabled", f"user {user.email}", before={"active": True}, after={"active": False})
    flash(_("%(email)s is disabled and signed out everywhere.", email=user.email), "success")
    return redirect(url_for("users.index"))

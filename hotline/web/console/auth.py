"""Signing in and out of the console, and the one-time link that creates the first admin."""
from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, session, url_for

from ... import accounts
from ...models import User
from ...clock import now as utcnow
from ..twilio import hotline
from . import access, practice
from .i18n import gettext as _
from .i18n import when

bp = Blueprint("auth", __name__)


def account_problem(problem: accounts.AccountError) -> str:
    """Why an account could not be made or changed, in the reader's words."""
    return {
        "email": _("That is not an email address."),
        "role": _("Choose a role."),
        "short": _("A password needs at least %(n)s characters.", n=accounts.MIN_PASSWORD),
        "long": _("That password is too long."),
        "exists": _("That email already has an account."),
        "expired": _("This setup link has expired or been used."),
    }.get(problem.code, str(problem))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with email and password; failures are counted, slowed and locked out."""
    target = access.safe_next(request.values.get("next"))
    if g.user is not None and request.method == "GET":
        return redirect(target or url_for("queue.index"))
    notice = _("You were signed out after a while without activity. Please sign in again.") \
        if session.pop("ended", False) else None
    error = None
    email = (request.form.get("email") or "").strip()[:254]
    if request.method == "POST":
        password = request.form.get("password") or ""
        reader = hotline().db.open(read_only=True)
        try:
            result = accounts.sign_in(reader, g.db_session, hotline().settings, email, password, access.address(),
                                      utcnow())
        finally:
            reader.close()
        if result.user is not None:
            access.start_session(result.user)
            g.user = result.user
            access.record("login", f"user {result.user.email}")
            return redirect(target or url_for("queue.index"))
        g.user = None
        if result.locked_until is not None:
            # Refused unread while locked: counted already, never written again (no flood of the log).
            error = _("Too many failed attempts. Try again after %(time)s.", time=when(result.locked_until, "medium"))
        else:
            typed = accounts.normalize_email(email)
            # What was typed may be a password in the wrong box: kept only when it looks like an email.
            access.record("login_failed", f"user {typed}" if accounts.EMAIL.match(typed) else "user (not an email)")
            error = _("That email and password do not match an active account.")
    return render_template("console/login.html", error=error, notice=notice, email=email, next=target)


@bp.post("/logout")
def logout():
    if g.user is not None:
        access.record("logout", f"user {g.user.email}")
        # The session lives in the cookie: a copy of it kept elsewhere must stop working too.
        g.db_session.get(User, g.user.id).session_version += 1
        practice.throw_away()
    access.end_session()
    return redirect(url_for("auth.login"))


@bp.route("/setup/<token>", methods=["GET", "POST"])
def setup(token: str):
    """Create the first admin of a fresh install, with the link `hotline run` printed."""
    now = utcnow()
    if accounts.setup_token_valid(g.db_session, token, now) is None:
        return render_template("console/setup.html", expired=True), 404
    error = None
    email = (request.form.get("email") or "").strip()[:254]
    if request.method == "POST":
        password = request.form.get("password") or ""
        if password != (request.form.get("password_again") or ""):
            error = _("The two passwords are not the same.")
        else:
            try:
                user = accounts.use_setup_token(g.db_session, token, email, password, now)
            except accounts.AccountError as problem:
                error = account_problem(problem)
            else:
                access.start_session(user)
                g.user = user
                access.record("user_added", f"user {user.email}", after={"role": user.role, "by": "setup link"})
                return redirect(url_for("queue.index"))
    return render_template("console/setup.html", expired=False, error=error, email=email,
                           min_password=accounts.MIN_PASSWORD)

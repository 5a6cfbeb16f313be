"""Who is signed in to the console, what they may do, and what they may see of people's numbers.

The session cookie holds the account id, the account's session version (bumped when it is
disabled or its password changes), and when it was last used; a session idle longer than
CONSOLE_IDLE_MINUTES, or older than CONSOLE_SESSION_HOURS, is over.
"""
from __future__ import annotations

import re
import time
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import abort, g, redirect, request, session, url_for

from ... import accounts, areas, audit
from ...models import User
from ...phones import mask
from ..twilio import hotline

LINK = re.compile(r"https?://\S+")
# Requests that only look for news (the queue refreshing itself) do not keep a session alive.
PASSIVE_HEADER = "X-Console-Refresh"


def start_session(user: User) -> None:
    """Sign `user` in: a fresh session (nothing of the one before carries over)."""
    session.clear()
    session.permanent = True
    now = int(time.time())
    session.update(user=user.id, version=user.session_version, started=now, seen=now)


def end_session() -> None:
    session.clear()


def load_user() -> None:
    """Find the signed-in account for this request, ending a session that has run out."""
    g.user = None
    user_id = session.get("user")
    if user_id is None:
        return
    settings = hotline().settings
    now = int(time.time())
    idle = now - int(session.get("seen", 0)) > settings.console_idle_minutes * 60
    old = now - int(session.get("started", 0)) > settings.console_session_hours * 3600
    user = g.db_session.get(User, user_id)
    if idle or old or user is None or not user.active or user.session_version != session.get("version"):
        end_session()
        # Said once, on the sign-in page this request is sent to.
        session["ended"] = True
        return
    g.user = user
    if not request.headers.get(PASSIVE_HEADER):
        session["seen"] = now


def requires(permission: str):
    """Let the view run only for a signed-in account whose role allows `permission`."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if g.user is None:
                if request.headers.get("HX-Request"):
                    # htmx follows this header with a whole-page visit to the login form.
                    return "", 401, {"HX-Redirect": url_for("auth.login")}
                return redirect(url_for("auth.login", next=safe_next(request.full_path)))
            if not accounts.can(g.user, permission):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorate


def can(permission: str) -> bool:
    return accounts.can(g.get("user"), permission)


def safe_next(target: str | None) -> str | None:
    """A place to go after signing in, only if it is a path on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target.rstrip("?") or None


def address() -> str:
    """The address the request came from (behind PROXY_HOPS proxies, the one they report)."""
    return (request.remote_addr or "")[:64]


def record(action: str, subject: str = "", *, before: dict[str, Any] | None = None,
           after: dict[str, Any] | None = None) -> None:
    """Audit a console action by the signed-in account, in the request's transaction."""
    user = g.get("user")
    audit.record(g.db_session, user.email if user else "anonymous", action, subject, before=before, after=after,
                 user_id=user.id if user else None, address=address())


def phone(number: str | None, revealed: bool = False) -> str:
    """A resident's number as this account may see it: masked unless revealed by one who may."""
    if not number:
        return ""
    if revealed and can(accounts.REVEAL):
        return number
    return mask(number)


def place(text: str | None) -> str:
    """A resident's words about where they are: whole for those who act, the area only for viewers."""
    if not text:
        return ""
    if can(accounts.ACT):
        return text
    return areas.for_location(g.db_session, text).label or areas.redact(text)


def words(text: str | None) -> str:
    """A resident's own words: whole for those who act, without numbers, addresses and links for viewers."""
    if not text:
        return ""
    return text if can(accounts.ACT) else LINK.sub("***", areas.redact(text))

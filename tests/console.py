"""Helpers for console tests: accounts, signing in, CSRF tokens, reading pages."""
from __future__ import annotations

import re

from hotline import accounts

PASSWORD = "a long enough password"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def add_user(db, email: str, role: str, password: str = PASSWORD) -> int:
    with db.session() as session:
        return accounts.create(session, email, password, role).id


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token a page carries (the same for the whole session)."""
    page = client.get(path).get_data(as_text=True)
    match = CSRF.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client, email: str, password: str = PASSWORD):
    token = csrf_token(client)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def post(client, path: str, data: dict | None = None, *, follow: bool = False):
    """POST a console form with the session's CSRF token."""
    token = csrf_token(client, "/needs")
    return client.post(path, data={**(data or {}), "csrf_token": token}, follow_redirects=follow)


def signed_in(app, db, role: str, email: str | None = None):
    """A test client signed in with a new account of this role."""
    email = email or f"{role}@example.org"
    add_user(db, email, role)
    client = app.test_client()
    response = sign_in(client, email)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def text(response) -> str:
    """A page's visible words, tags removed, white space folded."""
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())

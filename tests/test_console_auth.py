"""The console's door: accounts, signing in, lockouts, sessions that end, CSRF, headers, roles on every route."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
import time_machine
from click.testing import CliRunner
from sqlalchemy import select

from hotline import accounts, create_app
from hotline.cli import main
from hotline.cli.server import first_admin_link
from hotline.models import AuditEntry, User

from .conftest import PUBLIC_URL, Phone
from .console import PASSWORD, add_user, csrf_token, post, sign_in, signed_in, text

NOW = "2026-03-03 15:00:00+00:00"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def audit_actions(db) -> list[tuple[str, str]]:
    with db.session() as session:
        return [(e.action, e.subject) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


# -- signing in ------------------------------------------------------------------------------

def test_the_queue_asks_for_a_sign_in_and_comes_back_to_it_after(app, db):
    add_user(db, "ana@example.org", accounts.COORDINATOR)
    client = app.test_client()
    response = client.get("/needs?status=unmet")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    token = csrf_token(client)
    response = client.post("/login", data={"email": "Ana@Example.org ", "password": PASSWORD, "csrf_token": token,
                                           "next": "/needs?status=unmet"})
    assert response.status_code == 302 and response.headers["Location"] == "/needs?status=unmet"
    assert client.get("/needs").status_code == 200
    assert ("login", "user ana@example.org") in audit_actions(db)


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(app, db):
    add_user(db, "ana@example.org", accounts.ADMIN)
    client = app.test_client()
    wrong_password = sign_in(client, "ana@example.org", "not the password at all")
    unknown_email = sign_in(client, "nobody@example.org")
    for response in (wrong_password, unknown_email):
        assert response.status_code == 200
        assert "do not match an active account" in text(response)
    assert client.get("/needs").status_code == 302
    assert [a for a, _ in audit_actions(db)] == ["login_failed", "login_failed"]


def test_after_the_next_address_only_paths_on_this_site_are_followed(app, db):
    add_user(db, "ana@example.org", accounts.ADMIN)
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        client = app.test_client()
        token = csrf_token(client)
        response = client.post("/login", data={"email": "ana@example.org", "password": PASSWORD,
                                               "csrf_token": token, "next": target})
        assert response.headers["Location"] == "/needs", target


def test_repeated_failures_lock_the_account_even_against_the_right_password(settings, clock):
    app = create_app(replace(settings, login_max_failures=5, login_lock_minutes=15))
    db = app.extensions["hotline"].db
    add_user(db, "ana@example.org", accounts.COORDINATOR)
    client = app.test_client()
    for _ in range(5):
        sign_in(client, "ana@example.org", "guessing the password")
        clock.shift(70)  # past each slowing wait
    response = sign_in(client, "ana@example.org")
    assert "Too many failed attempts" in text(response)
    assert client.get("/needs").status_code == 302
    clock.shift(timedelta(minutes=16))
    assert sign_in(client, "ana@example.org").status_code == 302
    app.extensions["hotline"].close()


def test_failures_past_the_third_slow_the_next_attempt(app, db, clock):
    add_user(db, "ana@example.org", accounts.COORDINATOR)
    client = app.test_client()
    for _ in range(4):
        sign_in(client, "ana@example.org", "guessing the password")
    # The fourth failure makes the next attempt wait a second, right password or not.
    assert "Too many failed attempts" in text(sign_in(client, "ana@example.org"))
    clock.shift(2)
    assert sign_in(client, "ana@example.org").status_code == 302


def test_many_failures_from_one_address_lock_that_address_for_every_account(settings, clock):
    app = create_app(replace(settings, login_address_max_failures=6, login_max_failures=50))
    db = app.extensions["hotline"].db
    add_user(db, "ana@example.org", accounts.COORDINATOR)
    client = app.test_client()
    for number in range(6):
        sign_in(client, f"guess{number}@example.org", "guessing the password")
        clock.shift(70)
    assert "Too many failed attempts" in text(sign_in(client, "ana@example.org"))
    other_address = app.test_client()
    response = other_address.post("/login", environ_base={"REMOTE_ADDR": "10.0.0.9"}, data={
        "email": "ana@example.org", "password": PASSWORD, "csrf_token": csrf_token(other_address)})
    assert response.status_code == 302
    app.extensions["hotline"].close()


def test_passwords_are_kept_only_as_memory_hard_hashes(app, db):
    add_user(db, "ana@example.org", accounts.ADMIN)
    with db.session() as session:
        stored = session.scalars(select(User.password_hash)).one()
    assert stored.startswith("scrypt:") and PASSWORD not in stored


# -- sessions ----------------------------------------------------------------------------------

def test_a_session_ends_after_a_while_without_activity(app, db, clock):
    client = signed_in(app, db, accounts.COORDINATOR)
    clock.shift(timedelta(minutes=29))
    assert client.get("/needs").status_code == 200
    clock.shift(timedelta(minutes=29))
    assert client.get("/needs").status_code == 200  # each request keeps it alive
    clock.shift(timedelta(minutes=31))
    response = client.get("/needs")
    assert response.status_code == 302
    assert "signed out after a while" in text(client.get(response.headers["Location"]))


def test_the_queue_refreshing_itself_does_not_keep_a_session_alive(app, db, clock):
    client = signed_in(app, db, accounts.COORDINATOR)
    for _ in range(3):
        clock.shift(timedelta(minutes=9))
        assert client.get("/needs/live", headers={"X-Console-Refresh": "1", "HX-Request": "true"}).status_code == 200
    clock.shift(timedelta(minutes=4))
    response = client.get("/needs/live", headers={"X-Console-Refresh": "1", "HX-Request": "true"})
    assert response.status_code == 401 and response.headers["HX-Redirect"] == "/login"


def test_a_session_ends_after_its_hours_however_active(settings, clock):
    app = create_app(replace(settings, console_session_hours=2))
    db = app.extensions["hotline"].db
    client = signed_in(app, db, accounts.COORDINATOR)
    for _ in range(7):
        clock.shift(timedelta(minutes=20))
        client.get("/needs")
    assert client.get("/needs").status_code == 302
    app.extensions["hotline"].close()


def test_a_disabled_account_is_signed_out_at_its_next_request(app, db, settings, monkeypatch):
    client = signed_in(app, db, accounts.COORDINATOR, "ana@example.org")
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(main, ["users", "disable", "ana@example.org"])
    assert result.exit_code == 0, result.output
    assert client.get("/needs").status_code == 302
    assert sign_in(app.test_client(), "ana@example.org").status_code == 200  # refused
    assert ("user_disabled", "user ana@example.org") in audit_actions(db)


def test_signing_out_needs_a_post_with_the_token_and_ends_the_session(app, db):
    client = signed_in(app, db, accounts.VIEWER)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token
    assert client.get("/needs").status_code == 200
    assert post(client, "/logout").status_code == 302
    assert client.get("/needs").status_code == 302


def test_the_session_cookie_is_httponly_lax_and_secure_when_the_hotline_is_on_https(app, db):
    client = signed_in(app, db, accounts.VIEWER)
    cookie = client.get_cookie("hotline_console")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert PUBLIC_URL.startswith("https://") and cookie.secure


def test_the_session_cookie_is_not_secure_only_on_plain_http(settings):
    app = create_app(replace(settings, public_url="http://localhost:5000"))
    db = app.extensions["hotline"].db
    client = signed_in(app, db, accounts.VIEWER)
    assert client.get_cookie("hotline_console").secure is False
    app.extensions["hotline"].close()


# -- CSRF, headers, webhooks --------------------------------------------------------------------

def test_a_form_without_its_csrf_token_is_refused(app, db, phone):
    phone.text("hi"); phone.text("1"); phone.text("1"); phone.text("rice"); phone.text("02139"); phone.text("1")
    client = signed_in(app, db, accounts.ADMIN)
    with db.session() as session:
        from hotline.models import Need
        ref = session.scalars(select(Need.ref)).one()
    for path in (f"/needs/{ref}/note", f"/needs/{ref}/message", f"/needs/{ref}/offer-again"):
        response = client.post(path, data={"note": "x", "message": "x"})
        assert response.status_code == 400 and "expired or did not come from the console" in text(response)
        forged = client.post(path, data={"note": "x", "message": "x", "csrf_token": "forged"})
        assert forged.status_code == 400


def test_every_answer_carries_security_headers_and_a_policy_with_no_inline_script(app, db, phone):
    client = signed_in(app, db, accounts.VIEWER)
    for response in (client.get("/needs"), client.get("/login"), app.test_client().get("/healthz"),
                     phone.post("hi")):
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
    page = client.get("/needs").get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "an inline script"
    assert " style=" not in page and not re.search(r"\son[a-z]+=", page)
    assert client.get("/needs").headers["Cache-Control"] == "no-store"


def test_a_console_session_opens_no_webhook(app, db):
    client = signed_in(app, db, accounts.ADMIN)
    response = client.post("/twilio/sms", data={"From": "+15551234567", "Body": "hi", "MessageSid": "SM1"})
    assert response.status_code == 403
    assert "Set-Cookie" not in Phone(client, "+15551234567").post("hi").headers


# -- roles on every route ------------------------------------------------------------------------

def console_rules(app):
    from hotline.web.console import CONSOLE

    for rule in app.url_map.iter_rules():
        # /metrics answers a scraper too: 401, never a login page (test_metrics.py).
        if rule.endpoint.split(".")[0] in CONSOLE and not rule.endpoint.startswith(("auth.", "metrics.")):
            yield rule


def path_of(rule) -> str:
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(rf"<(?:[a-z]+:)?{name}>", {"ref": "123456", "kind": "needs"}.get(name, "1"), path)
    return path


def test_every_console_route_needs_a_sign_in(app):
    client = app.test_client()
    for rule in console_rules(app):
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if method == "GET":
                response = client.get(path_of(rule))
                assert response.status_code == 302 and "/login" in response.headers["Location"], rule.rule
            else:
                token = csrf_token(client)
                response = client.open(path_of(rule), method=method, data={"csrf_token": token})
                assert response.status_code == 302 and "/login" in response.headers["Location"], rule.rule


def test_a_viewer_may_read_but_every_action_is_refused(app, db):
    client = signed_in(app, db, accounts.VIEWER)
    token = csrf_token(client, "/needs")
    checked = 0
    for rule in console_rules(app):
        if rule.endpoint.startswith("practice."):
            continue  # the practice phone acts only in the viewer's own sandbox (test_practice_phone.py)
        if rule.endpoint == "account.language":
            # Their own console's language is theirs to choose (nothing chosen here: refused as such).
            assert client.post(path_of(rule), data={"csrf_token": token}).status_code == 400
        elif "POST" in rule.methods:
            response = client.post(path_of(rule), data={"csrf_token": token})
            assert response.status_code == 403, rule.rule
            checked += 1
        elif rule.endpoint.startswith("users."):
            assert client.get(path_of(rule)).status_code == 403, rule.rule
    assert checked >= 6


# -- accounts from the command line, and the first admin -------------------------------------------

def test_users_are_added_listed_and_disabled_from_the_command_line(settings, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    runner = CliRunner()
    short = runner.invoke(main, ["users", "add", "ana@example.org", "--role", "admin", "--password-stdin"],
                          input="short\n")
    assert short.exit_code != 0 and "at least 12 characters" in short.output
    added = runner.invoke(main, ["users", "add", "Ana@Example.org", "--role", "admin", "--password-stdin"],
                          input=PASSWORD + "\n")
    assert added.exit_code == 0 and "added ana@example.org (admin)" in added.output
    again = runner.invoke(main, ["users", "add", "ana@example.org", "--role", "viewer", "--password-stdin"],
                          input=PASSWORD + "\n")
    assert again.exit_code != 0 and "already has an account" in again.output
    prompted = runner.invoke(main, ["users", "add", "bo@example.org", "--role", "viewer"],
                             input=f"{PASSWORD}\n{PASSWORD}\n")
    assert prompted.exit_code == 0, prompted.output
    listed = runner.invoke(main, ["users", "list"])
    assert "ana@example.org" in listed.output and "bo@example.org" in listed.output and "viewer" in listed.output
    assert runner.invoke(main, ["users", "disable", "bo@example.org"]).exit_code == 0
    assert "disabled" in runner.invoke(main, ["users", "list"]).output
    assert runner.invoke(main, ["users", "disable", "nobody@example.org"]).exit_code != 0


def test_a_fresh_install_prints_a_link_that_creates_the_first_admin_once(app, db, settings, capsys):
    first_admin_link(settings, "http://localhost:5000")
    printed = capsys.readouterr().out
    token = re.search(r"/setup/([\w-]+)", printed).group(1)
    client = app.test_client()
    assert client.get("/setup/not-the-token").status_code == 404
    form = client.get(f"/setup/{token}")
    assert form.status_code == 200 and "Create the first account" in text(form)
    mismatch = client.post(f"/setup/{token}", data={"email": "ana@example.org", "password": PASSWORD,
                                                    "password_again": "something else", "csrf_token": csrf_token(client)})
    assert "not the same" in text(mismatch)
    created = client.post(f"/setup/{token}", data={"email": "ana@example.org", "password": PASSWORD,
                                                   "password_again": PASSWORD, "csrf_token": csrf_token(client)})
    assert created.status_code == 302 and client.get("/users").status_code in (200, 501)
    assert app.test_client().get(f"/setup/{token}").status_code == 404  # used
    first_admin_link(settings, "http://localhost:5000")
    assert "/setup/" not in capsys.readouterr().out  # an account exists: no more links
    with db.session() as session:
        assert session.scalars(select(User.role)).one() == accounts.ADMIN


def test_a_cookie_copied_before_signing_out_opens_nothing_after(app, db):
    client = signed_in(app, db, accounts.ADMIN)
    copied = client.get_cookie("hotline_console").value
    post(client, "/logout")
    thief = app.test_client()
    thief.set_cookie("hotline_console", copied, domain="localhost")
    assert thief.get("/needs").status_code == 302


def test_attempts_refused_while_locked_are_not_written_again_and_a_typed_password_is_never_kept(settings, clock):
    app = create_app(replace(settings, login_max_failures=3))
    db = app.extensions["hotline"].db
    add_user(db, "ana@example.org", accounts.COORDINATOR)
    client = app.test_client()
    for _ in range(3):
        sign_in(client, "ana@example.org", "wrong password here")
    for _ in range(20):
        sign_in(client, "ana@example.org", "wrong password here")  # locked: refused unread
    sign_in(client, "my secret password", "x")  # a password typed in the email box
    failures = [subject for action, subject in audit_actions(db) if action == "login_failed"]
    assert len(failures) == 4 and failures[-1] == "user (not an email)"
    app.extensions["hotline"].close()


def test_failures_from_one_ipv6_network_count_together(settings, clock):
    app = create_app(replace(settings, login_address_max_failures=3, login_max_failures=50))
    db = app.extensions["hotline"].db
    add_user(db, "ana@example.org", accounts.COORDINATOR)
    for host in ("2001:db8::1", "2001:db8::2", "2001:db8::3"):
        client = app.test_client()
        client.post("/login", environ_base={"REMOTE_ADDR": host}, data={
            "email": f"guess@{host.replace(':', '')}.org", "password": "x", "csrf_token": csrf_token(client)})
        clock.shift(70)
    client = app.test_client()
    response = client.post("/login", environ_base={"REMOTE_ADDR": "2001:db8::99"}, data={
        "email": "ana@example.org", "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert "Too many failed attempts" in text(response)
    app.extensions["hotline"].close()


def test_an_account_is_enabled_again_and_a_forgotten_password_reset_from_the_command_line(app, db, settings,
                                                                                           monkeypatch):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    add_user(db, "ana@example.org", accounts.ADMIN)
    add_user(db, "bo@example.org", accounts.COORDINATOR)
    runner = CliRunner()
    last = runner.invoke(main, ["users", "disable", "ana@example.org"])
    assert last.exit_code != 0 and "at least one active admin" in last.output
    assert runner.invoke(main, ["users", "disable", "bo@example.org"]).exit_code == 0
    assert runner.invoke(main, ["users", "enable", "bo@example.org"]).exit_code == 0
    new = "a brand new long password"
    changed = runner.invoke(main, ["users", "password", "bo@example.org", "--password-stdin"], input=new + "\n")
    assert changed.exit_code == 0, changed.output
    assert sign_in(app.test_client(), "bo@example.org", new).status_code == 302
    assert ("password_set", "user bo@example.org") in audit_actions(db)

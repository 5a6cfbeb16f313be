"""The audit log: every action with who, when, what, before and after; readable and filterable in the
console, written by the command line too, and append-only down to the database."""
from __future__ import annotations

import html
import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
import time_machine
from click.testing import CliRunner
from sqlalchemy import select

from hotline import audit, needs
from hotline.cli import main
from hotline.db import Database
from hotline.migrate import upgrade
from hotline.models import AuditEntry, Contact, OutboxMessage
from hotline.outbound.outbox import queue_sms

from .conftest import TEST_DATABASE_URL
from .console import post, sign_in, signed_in, text

# Tuesday 1 December 2026, 10:00 in New York.
NOW = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def add_need(db, phone="+15551234567") -> str:
    with db.session() as session:
        contact = Contact(phone=phone, language="en")
        session.add(contact)
        session.flush()
        return needs.create(session, contact, category="food", details="groceries", location="02139",
                            language="en").ref


def record(db, actor="ana@example.org", action="note", subject="need 123456", *, at=None, before=None, after=None,
           address="203.0.113.9") -> None:
    with db.session() as session:
        audit.record(session, actor, action, subject, before=before, after=after, address=address, at=at)


def entries_on(page_html: str) -> list[str]:
    """The rows of the log's table, as words."""
    body = page_html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page_html else ""
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split())
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


# -- the page --------------------------------------------------------------------------------

def test_console_actions_show_newest_first_with_who_what_and_before_and_after(app, db):
    ref = add_need(db)
    client = signed_in(app, db, "coordinator")
    post(client, f"/needs/{ref}/note", {"note": "called, no answer"})
    post(client, f"/needs/{ref}/close", {"status": "done", "reason": "delivered by Dana"})
    rows = entries_on(client.get("/audit").get_data(as_text=True))
    assert [row.split(" coordinator@example.org ")[1].split(f" need {ref}")[0] for row in rows[:2]] == [
        "Changed a request's status", "Added a note"]
    assert "Signed in" in rows[-1]
    closed = rows[0]
    assert "Dec 1, 2026" in closed
    assert "status was Open now Done" in closed
    assert "reason delivered by Dana" in closed


def test_a_failed_sign_in_shows_in_the_log(app, db):
    client = signed_in(app, db, "coordinator")
    sign_in(app.test_client(), "nobody@example.org", "wrong password, long enough")
    rows = entries_on(client.get("/audit").get_data(as_text=True))
    assert any("Sign-in failed" in row and "user nobody@example.org" in row for row in rows)


def test_before_and_after_read_as_words_not_as_code(app, db):
    record(db, "admin@example.org", "user_disabled", "user bo@example.org", before={"active": True},
           after={"active": False, "filters": {"status": "all"}, "skills": ["driving", "food"]})
    client = signed_in(app, db, "coordinator")
    page = client.get("/audit?action=user_disabled").get_data(as_text=True)
    row = entries_on(page)[0]
    assert "Disabled an account" in row and "may sign in was yes now no" in row
    assert "filters status: all" in row and "skills driving, food" in row
    assert "{" not in row and '"' not in row


def test_what_an_entry_holds_is_escaped_not_run(app, db):
    record(db, "<b>x</b>@example.org", "note", "need <script>1</script>",
           after={"reason": "<script>alert(1)</script>"})
    client = signed_in(app, db, "coordinator")
    page = client.get("/audit").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>x</b>" not in page


def test_the_log_filters_by_action_actor_and_day_in_the_url(app, db):
    record(db, "ana@example.org", "note", "need 111111", at=NOW - timedelta(days=3))
    record(db, "ana@example.org", "close", "need 222222", at=NOW - timedelta(hours=2))
    record(db, "bo@example.org", "note", "need 333333", at=NOW - timedelta(hours=1))
    client = signed_in(app, db, "coordinator")

    def subjects(query: str) -> list[str]:
        rows = entries_on(client.get(f"/audit?{query}").get_data(as_text=True))
        return [re.search(r"need (\d+)", row).group(1) for row in rows if "need " in row]

    assert subjects("action=note") == ["333333", "111111"]
    assert subjects("actor=ana@example.org") == ["222222", "111111"]
    assert subjects("actor=ana@example.org&since=2026-12-01") == ["222222"]
    assert subjects("action=note&actor=bo@example.org&since=2026-11-28") == ["333333"]
    assert subjects("action=nothing-like-this") == []
    page = client.get("/audit?action=note&actor=bo@example.org&since=2026-11-28").get_data(as_text=True)
    assert '<option value="note" selected>Added a note</option>' in page
    assert '<option value="bo@example.org" selected>' in page
    assert 'value="2026-11-28"' in page
    assert 'href="/exports/audit.csv?action=note&amp;actor=bo@example.org&amp;since=2026-11-28"' in page


def test_the_day_a_filter_starts_is_on_the_hotlines_clock(app, db):
    # 03:00 UTC on 1 December is still 30 November in New York.
    record(db, action="note", subject="need 444444", at=datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc))
    record(db, action="note", subject="need 555555", at=datetime(2026, 12, 1, 6, 0, tzinfo=timezone.utc))
    client = signed_in(app, db, "coordinator")
    shown = text(client.get("/audit?action=note&since=2026-12-01"))
    assert "need 555555" in shown and "need 444444" not in shown


@pytest.mark.parametrize("since", ["2026-02-30", "last week", "20261201", "9999-99-99", "1" * 3000])
def test_a_day_that_cannot_be_read_is_said_and_not_applied(app, db, since):
    record(db, action="note", subject="need 111111", at=NOW - timedelta(days=400))
    client = signed_in(app, db, "coordinator")
    response = client.get("/audit", query_string={"since": since})
    assert response.status_code == 200
    assert "That date could not be read" in text(response) and "need 111111" in text(response)


@pytest.mark.parametrize("query", ["before=abc", "before=-5", "before=" + "9" * 40, "action=" + "x" * 5000,
                                   "actor=" + "y" * 5000])
def test_odd_filters_answer_a_page_not_an_error(app, db, query):
    client = signed_in(app, db, "coordinator")
    assert client.get(f"/audit?{query}").status_code == 200


def test_the_log_pages_back_through_older_entries(app, db):
    with db.session() as session:
        for n in range(205):
            audit.record(session, "ana@example.org", "note", f"need {100000 + n}", at=NOW - timedelta(minutes=300 - n))
    client = signed_in(app, db, "coordinator")
    seen, path = [], "/audit?action=note"
    while path:
        page = client.get(path).get_data(as_text=True)
        rows = entries_on(page)
        seen += [int(re.search(r"need (\d+)", row).group(1)) for row in rows]
        older = re.search(r'<a href="([^"]+)" rel="next">Older entries</a>', page)
        path = older.group(1).replace("&amp;", "&") if older else None
        if path:
            assert len(rows) == 100 and "action=note" in path
    assert seen == list(range(100204, 99999, -1))
    assert "Newest entries" in text(client.get("/audit?action=note&before=100"))


def test_a_viewer_reads_the_log_without_numbers_street_addresses_or_network_addresses(app, db):
    record(db, action="close", subject="need 123456", before={"status": "open"},
           after={"status": "done", "reason": "called 617 555 0199, left it at 12 Elm St"})
    viewer = signed_in(app, db, "viewer")
    response = viewer.get("/audit?action=close")
    assert response.status_code == 200
    shown = text(response)
    assert "need 123456" in shown and "status was Open now Done" in shown
    assert "555 0199" not in shown and "Elm" not in shown and "203.0.113.9" not in shown
    assert "From address" not in shown
    coordinator = signed_in(app, db, "coordinator")
    shown = text(coordinator.get("/audit?action=close"))
    assert "called 617 555 0199, left it at 12 Elm St" in shown and "203.0.113.9" in shown


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client):
    response = client.get("/audit")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_page_has_no_inline_script_or_style_and_labels_every_filter(app, db):
    record(db)
    client = signed_in(app, db, "coordinator")
    page = client.get("/audit").get_data(as_text=True)
    assert " style=" not in page and "<style" not in page and re.findall(r"<script(?![^>]*\bsrc=)", page) == []
    assert "/static/audit.css" in page and '<th scope="col">' in page and "data-label=" in page
    form = page.split('role="search"', 1)[1].split("</form>", 1)[0]
    assert form.count("<label>") == 3 and form.count("<select") + form.count("<input") == 3


# -- append-only -----------------------------------------------------------------------------

def test_the_console_has_no_way_to_change_or_remove_an_entry(app, db):
    record(db)
    client = signed_in(app, db, "admin")
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)("/audit").status_code == 405
    methods = {m for rule in app.url_map.iter_rules() if rule.endpoint.startswith("audit_log.") for m in rule.methods}
    assert methods <= {"GET", "HEAD", "OPTIONS"}
    with db.session() as session:
        assert session.scalar(select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "note")) == 1


@pytest.fixture(params=["sqlite", "postgresql"])
def any_database(request, tmp_path):
    """A migrated database on each engine the hotline runs on (PostgreSQL with TEST_DATABASE_URL)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'audit.db'}"
        upgrade(url)
    elif TEST_DATABASE_URL:
        url = request.getfixturevalue("database_url")
    else:
        pytest.skip("PostgreSQL needs TEST_DATABASE_URL")
    database = Database(url)
    yield database
    database.dispose()


def test_the_database_refuses_to_update_or_delete_an_audit_entry(any_database):
    with any_database.session() as session:
        audit.record(session, "ana@example.org", "note", "need 123456", after={"status": "open"})
    attempts = [
        sa.update(AuditEntry).values(actor="someone else"),
        sa.update(AuditEntry).values(after={}),
        sa.delete(AuditEntry),
        sa.text("DELETE FROM audit_log"),
    ]
    for statement in attempts:
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with any_database.session() as session:
                session.execute(statement)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with any_database.session() as session:
            entry = session.scalars(select(AuditEntry)).one()
            entry.subject = "need 654321"
    with any_database.session() as session:
        entry = session.scalars(select(AuditEntry)).one()
        assert (entry.actor, entry.subject, entry.after) == ("ana@example.org", "need 123456", {"status": "open"})
        # Adding stays allowed: it is a log.
        audit.record(session, "bo@example.org", "note", "need 123457")
    with any_database.session() as session:
        assert session.scalar(select(sa.func.count(AuditEntry.id))) == 2


# -- the command line ------------------------------------------------------------------------

def cli_env(settings) -> dict[str, str]:
    return {"DATABASE_URL": settings.database_url, "TWILIO_ACCOUNT_SID": "", "TWILIO_AUTH_TOKEN": "",
            "REDIS_URL": "", "QUEUE_THREADS": "0"}


def failed_message(db, status="failed") -> int:
    with db.session() as session:
        row = queue_sms(session, "+15557654321", "Your helper is on the way.", kind="claimed")
        session.flush()
        row.status = status
        return row.id


def test_retrying_a_message_at_the_command_line_is_audited(app, db, settings):
    outbox_id = failed_message(db)
    result = CliRunner().invoke(main, ["outbox", "retry", str(outbox_id)], env=cli_env(settings))
    assert result.exit_code == 0, result.output
    with db.session() as session:
        assert session.get(OutboxMessage, outbox_id).status == "pending"
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "outbox_retry")).one()
    assert entry.actor.startswith("command line (") and entry.user_id is None
    assert entry.subject == f"outbox {outbox_id}"
    assert entry.before == {"status": "failed"}
    assert entry.after == {"status": "pending", "kind": "claimed", "to": "***4321"}
    client = signed_in(app, db, "coordinator")
    assert "Sent a failed message again" in text(client.get("/audit?action=outbox_retry"))


def test_a_retry_the_command_line_refuses_leaves_no_entry(db, settings):
    outbox_id = failed_message(db, status="delivered")
    result = CliRunner().invoke(main, ["outbox", "retry", str(outbox_id)], env=cli_env(settings))
    assert result.exit_code != 0
    assert CliRunner().invoke(main, ["outbox", "retry", "999999"], env=cli_env(settings)).exit_code != 0
    with db.session() as session:
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "outbox_retry")).all() == []


def test_every_action_the_hotline_records_reads_as_words_in_the_log():
    import re
    from pathlib import Path

    from hotline.dispatch import checkins
    from hotline.web.console.audit_log import ACTIONS

    call = re.compile(r'(?:access\.record\(|audit\.record\([^,()]+,[^,()]+(?:\([^()]*\))?[^,()]*,)\s*'
                      r'(?:"([a-z_]+)"(?: if [^"]+ else "([a-z_]+)")?|f"checkin_\{action\}")')
    found = set()
    for path in Path("hotline").rglob("*.py"):
        for match in call.finditer(path.read_text()):
            if match.group(0).endswith('f"checkin_{action}"'):
                found |= {f"checkin_{action}" for action in ("stop", "pause", "resume")}
            found |= {code for code in match.groups() if code}
    assert len(found) > 30 and "language_set" in found and "checkin_pause" in found
    assert sorted(found - set(ACTIONS)) == []
    assert callable(checkins.stop) and callable(checkins.pause) and callable(checkins.resume)

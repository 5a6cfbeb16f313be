"""The budget: spend counted as Twilio bills it, coordinators told at 80 % and 100 %, messages
held (not lost) once a budget is used up, until the day or month ends or an admin raises it."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, inspect, select

from .console import post, sign_in, signed_in, text
from .conftest import PUBLIC_URL, TEST_DATABASE_URL
from hotline.clock import now as utcnow
from hotline.migrate import downgrade, upgrade
from hotline.models import AuditEntry, Contact, OutboxMessage
from hotline.outbound import budget
from hotline.outbound.notify import notify
from hotline.outbound.outbox import queue_call, queue_sms

ZONE = ZoneInfo("America/New_York")
VOLUNTEER = "+15557654321"
RESIDENT = "+15551230000"
COORDINATOR = "+15559990000"


def local(*args) -> datetime:
    return datetime(*args, tzinfo=ZONE)


def at(harness, moment: datetime) -> None:
    harness.clock.move_to(moment)


def budgets(harness, **values) -> None:
    harness.hotline.settings = replace(harness.hotline.settings, coordinator_phones=(COORDINATOR,), **values)


def spend(harness, measure: str, units: int) -> None:
    with harness.db.session() as session:
        budget.record(session, harness.hotline.settings, measure, units, utcnow())


def spent(harness, measure: str, span: str) -> int:
    with harness.db.session() as session:
        return budget.spent(session, measure, span, utcnow(), harness.hotline.settings.hotline_timezone)


def sent_texts(harness, number: str) -> list[str]:
    return [m["body"] for m in harness.fake.sent_to(number)]


# Periods in the hotline's time zone ---------------------------------------------------------


def test_a_day_ends_at_local_midnight_even_when_the_clocks_change():
    zone = "America/New_York"
    # The night the clocks spring forward the day has 23 hours; the night they fall back, 25.
    assert budget.period_end("day", local(2026, 3, 8, 1, 30), zone) - budget.period_start(
        "day", local(2026, 3, 8, 1, 30), zone) == timedelta(hours=23)
    assert budget.period_end("day", local(2026, 11, 1, 12), zone) - budget.period_start(
        "day", local(2026, 11, 1, 12), zone) == timedelta(hours=25)
    assert budget.period_end("day", local(2026, 3, 8, 23, 59), zone) == local(2026, 3, 9).astimezone(timezone.utc)
    # 23:30 in New York is already tomorrow in UTC: the day is New York's.
    assert budget.period("day", local(2026, 3, 8, 23, 30), zone) == "2026-03-08"
    assert budget.period("month", local(2026, 12, 31, 23, 30), zone) == "2026-12"
    assert budget.period_end("month", local(2026, 12, 31, 23, 30), zone) == local(2027, 1, 1).astimezone(timezone.utc)


def test_calls_are_billed_by_the_started_minute():
    assert [budget.minutes(s) for s in (0, 1, 59, 60, 61, 3600)] == [0, 1, 1, 1, 2, 60]


# Counting -----------------------------------------------------------------------------------


def test_texts_twilio_took_count_their_segments_toward_today_and_this_month(harness):
    at(harness, local(2026, 5, 14, 10))
    harness.queue(VOLUNTEER, "word " * 70, kind="update")  # 3 segments
    harness.queue(VOLUNTEER, "Short one", kind="update")
    harness.settle(120)
    assert spent(harness, "sms", "day") == 4
    assert spent(harness, "sms", "month") == 4
    assert spent(harness, "call", "day") == 0


def test_replies_to_a_residents_own_texts_count_toward_the_budget(harness):
    from .conftest import Phone

    at(harness, local(2026, 5, 14, 10))
    phone = Phone(harness.client, RESIDENT)
    reply = phone.text("HELP")
    assert reply
    with harness.app.app_context():
        from hotline.sms import count_segments

        billed = count_segments(reply).segments + sum(count_segments(n).segments for n in phone.notices)
    assert spent(harness, "sms", "day") == billed
    # Twilio retrying the same webhook gets the same answer, and it is not billed twice.
    phone.post("HELP", sid=phone.last_sid)
    assert spent(harness, "sms", "day") == billed


def test_call_minutes_are_counted_once_from_the_final_call_status(harness):
    at(harness, local(2026, 5, 14, 10))
    harness.make_contact(RESIDENT, sms_unusable="30006 landline or unreachable carrier")
    with harness.db.session() as session:
        contact = session.scalars(select(Contact).where(Contact.phone == RESIDENT)).one()
        row_id = notify(session, contact, "Dana will help.", kind="update").id
    harness.run_jobs()
    sid = harness.row(row_id).twilio_sid
    for _ in range(2):  # Twilio retries the callback: counted once
        path, form, headers = harness.fake.call_callback(sid, "completed", duration=61)
        assert harness.client.post(path, data=form, headers=headers).status_code == 204
    assert spent(harness, "call", "day") == 2
    assert harness.row(row_id).status == "delivered"


def test_a_call_that_came_in_counts_when_its_status_callback_reaches_the_hotline(harness):
    from .conftest import sign

    at(harness, local(2026, 5, 14, 10))
    form = {"CallSid": "CA" + "7" * 32, "AccountSid": harness.fake.account_sid, "CallStatus": "completed",
            "CallDuration": "125", "From": RESIDENT, "To": "+15550001111", "Direction": "inbound"}
    url = f"{PUBLIC_URL}/twilio/voice/status"
    response = harness.client.post("/twilio/voice/status", data=form,
                                   headers={"X-Twilio-Signature": sign(url, form)})
    assert response.status_code == 204
    assert spent(harness, "call", "day") == 3


def test_a_call_duration_that_is_not_a_number_is_refused(harness):
    from .conftest import sign

    form = {"CallSid": "CA" + "8" * 32, "CallStatus": "completed", "CallDuration": "12.5"}
    url = f"{PUBLIC_URL}/twilio/voice/status"
    response = harness.client.post("/twilio/voice/status", data=form, headers={"X-Twilio-Signature": sign(url, form)})
    assert response.status_code == 400
    assert spent(harness, "call", "day") == 0


def test_spend_survives_erasure_of_the_messages_it_was_spent_on(harness):
    at(harness, local(2026, 5, 14, 10))
    row_id = harness.queue(VOLUNTEER, "Hello", kind="update")
    harness.settle(60)
    with harness.db.session() as session:
        session.delete(session.get(OutboxMessage, row_id))
    assert spent(harness, "sms", "day") == 1


# Coordinators told ------------------------------------------------------------------------------


def test_coordinators_are_told_once_at_80_percent_and_once_when_the_budget_is_used_up(harness):
    at(harness, local(2026, 5, 14, 10))
    budgets(harness, sms_daily_segment_budget=100)
    spend(harness, "sms", 79)
    assert sent_texts(harness, COORDINATOR) == []
    spend(harness, "sms", 1)  # 80 of 100
    spend(harness, "sms", 1)  # still over 80 %: not told again
    harness.settle(60)
    [warning] = sent_texts(harness, COORDINATOR)
    assert "80%" in warning and "80 of 100 segments" in warning
    spend(harness, "sms", 20)  # used up, then more
    spend(harness, "sms", 1)
    harness.settle(60)
    texts = sent_texts(harness, COORDINATOR)
    assert len(texts) == 2 and "used up" in texts[1]
    # The next day starts afresh: told again when it gets there.
    at(harness, local(2026, 5, 15, 9))
    spend(harness, "sms", 90)
    harness.settle(60)
    assert len(sent_texts(harness, COORDINATOR)) == 3


def test_a_jump_past_the_whole_budget_tells_coordinators_once_that_it_is_used_up(harness):
    at(harness, local(2026, 5, 14, 10))
    budgets(harness, call_monthly_minute_budget=100)
    spend(harness, "call", 120)
    harness.settle(60)
    [told] = sent_texts(harness, COORDINATOR)
    assert "this month's call budget is used up" in told


def test_the_budget_notice_reaches_coordinators_in_the_hotlines_language(harness):
    at(harness, local(2026, 5, 14, 10))
    budgets(harness, sms_daily_segment_budget=10, default_language="es")
    spend(harness, "sms", 10)
    harness.settle(60)
    [told] = sent_texts(harness, COORDINATOR)
    assert "presupuesto" in told


# Holding ----------------------------------------------------------------------------------------


def test_messages_wait_pending_once_todays_budget_is_used_up_and_go_out_after_local_midnight(harness):
    at(harness, local(2026, 5, 14, 20))
    budgets(harness, sms_daily_segment_budget=5)
    spend(harness, "sms", 5)
    update = harness.queue(VOLUNTEER, "Your request is still open.", kind="update")
    harness.settle(60)
    row = harness.row(update)
    assert row.status == "pending" and row.held_for == "sms:day" and "held" in row.reason
    assert sent_texts(harness, VOLUNTEER) == []
    # Still held just before midnight (New York's, not UTC's, which came hours ago).
    harness.settle((local(2026, 5, 14, 23, 59) - utcnow()).total_seconds())
    assert harness.row(update).status == "pending"
    harness.settle(120)
    assert sent_texts(harness, VOLUNTEER) == ["Your request is still open."]
    assert harness.row(update).status == "queued"


def test_a_held_message_is_not_expired_while_it_waits(harness):
    at(harness, local(2026, 5, 14, 8))
    budgets(harness, sms_daily_segment_budget=5)
    spend(harness, "sms", 5)
    # Its time to live (24 hours by default) would run out at 8:00 tomorrow; it waited 16 hours.
    update = harness.queue(VOLUNTEER, "A message from the hotline.", kind="coordinator")
    harness.settle(60)
    budgets(harness, sms_daily_segment_budget=5, sms_monthly_segment_budget=6)  # tomorrow the month is used up too
    at(harness, local(2026, 5, 15, 0, 5))
    harness.run_jobs()
    row = harness.row(update)
    assert row.status == "pending" and row.held_for == "sms:month"
    at(harness, local(2026, 6, 1, 0, 5))
    harness.sweep()
    harness.run_jobs()
    assert sent_texts(harness, VOLUNTEER) == ["A message from the hotline."]


def test_a_held_offer_expires_when_the_day_ends_and_coordinators_see_it_counted(harness):
    at(harness, local(2026, 5, 14, 21))
    budgets(harness, sms_daily_segment_budget=5)
    spend(harness, "sms", 5)
    offer = harness.queue(VOLUNTEER, "Food run near Elm St? Reply 4821 to take it.", kind="offer")
    harness.settle(60)
    assert harness.row(offer).status == "pending"
    harness.settle((local(2026, 5, 15, 0, 1) - utcnow()).total_seconds())
    row = harness.row(offer)
    assert row.status == "expired" and "held by the sms:day budget" in row.reason
    assert sent_texts(harness, VOLUNTEER) == []
    with harness.db.session() as session:
        assert budget.held_counts(session, local(2026, 5, 1))["expired"] == 1


def test_claims_ride_reminders_and_budget_notices_go_out_over_budget(harness):
    at(harness, local(2026, 5, 14, 10))
    budgets(harness, sms_daily_segment_budget=5)
    spend(harness, "sms", 5)
    ids = {kind: harness.queue(VOLUNTEER, f"A {kind} text", kind=kind)
           for kind in ("claimed", "details", "door", "assigned", "reminder", "offer", "update", "relay", "alert")}
    harness.settle(120)
    going = {kind for kind, row_id in ids.items() if harness.row(row_id).status != "pending"}
    assert going == {"claimed", "details", "door", "assigned", "reminder"}
    assert "used up" in sent_texts(harness, COORDINATOR)[0]


def test_a_used_up_call_budget_holds_calls_but_not_texts(harness):
    at(harness, local(2026, 5, 14, 10))
    budgets(harness, call_daily_minute_budget=10)
    spend(harness, "call", 10)
    with harness.db.session() as session:
        call_id = queue_call(session, RESIDENT, "Your request is still open.", kind="update").id
        reminder_id = queue_call(session, RESIDENT, "Your ride is tomorrow.", kind="reminder").id
        text_id = queue_sms(session, VOLUNTEER, "An offer", kind="offer").id
    harness.settle(60)
    assert harness.row(call_id).status == "pending" and harness.row(call_id).held_for == "call:day"
    assert harness.row(reminder_id).status == "queued"
    assert harness.row(text_id).status == "queued"


def test_the_monthly_budget_holds_messages_until_the_first_of_next_month(harness):
    at(harness, local(2026, 5, 31, 12))
    budgets(harness, sms_monthly_segment_budget=100)
    spend(harness, "sms", 100)
    update = harness.queue(VOLUNTEER, "Still looking for help.", kind="update")
    harness.settle(60)
    row = harness.row(update)
    assert row.held_for == "sms:month"
    assert row.next_attempt_at == local(2026, 6, 1).astimezone(timezone.utc)
    harness.settle((local(2026, 6, 1, 0, 1) - utcnow()).total_seconds())
    assert sent_texts(harness, VOLUNTEER) == ["Still looking for help."]
    assert spent(harness, "sms", "month") == 1


def test_held_rows_release_at_local_midnight_on_the_night_the_clocks_change(harness):
    at(harness, local(2026, 3, 7, 22))
    budgets(harness, sms_daily_segment_budget=5)
    spend(harness, "sms", 5)
    update = harness.queue(VOLUNTEER, "Held over the night.", kind="update")
    harness.settle(60)
    assert harness.row(update).next_attempt_at == datetime(2026, 3, 8, 5, tzinfo=timezone.utc)
    at(harness, local(2026, 3, 8, 23, 0))
    spend(harness, "sms", 5)
    later = harness.queue(VOLUNTEER, "Held over the short night.", kind="update")
    harness.settle(60)
    # After the clocks spring forward, New York's midnight is 04:00 UTC, not 05:00.
    assert harness.row(later).next_attempt_at == datetime(2026, 3, 9, 4, tzinfo=timezone.utc)


def test_the_sweep_leaves_held_rows_alone_until_their_period_ends(harness):
    at(harness, local(2026, 5, 14, 10))
    budgets(harness, sms_daily_segment_budget=5)
    spend(harness, "sms", 5)
    harness.queue(VOLUNTEER, "Waiting", kind="update")
    harness.settle(60)
    from hotline.outbound.outbox import sweep

    with harness.app.app_context():
        for minute in range(1, 6):
            at(harness, local(2026, 5, 14, 10, minute * 10))
            assert "re-enqueued 0" in sweep()
        at(harness, local(2026, 5, 15, 0, 5))
        assert "re-enqueued 1" in sweep()


# The console ------------------------------------------------------------------------------------


@pytest.fixture
def console_harness(harness):
    at(harness, local(2026, 5, 14, 10))
    budgets(harness, sms_daily_segment_budget=10, sms_monthly_segment_budget=200, call_daily_minute_budget=30)
    return harness


def test_the_spend_page_shows_today_and_this_month_against_the_budgets(console_harness):
    harness = console_harness
    spend(harness, "sms", 4)
    spend(harness, "call", 7)
    client = signed_in(harness.app, harness.db, "viewer")
    page = client.get("/spend")
    assert page.status_code == 200
    words = text(page)
    assert "Text segments today 4 10 40 %" in words
    assert "Text segments this month 4 200 2 %" in words
    assert "Call minutes today 7 30 23 %" in words
    assert "Call minutes this month 7 no limit" in words
    assert "Raise" not in words  # viewers see no form
    assert 'href="/spend"' in page.get_data(as_text=True)


def test_every_console_page_shows_a_banner_once_a_budget_passes_80_percent(console_harness):
    harness = console_harness
    client = signed_in(harness.app, harness.db, "coordinator")
    assert "text budget" not in text(client.get("/needs"))
    spend(harness, "sms", 8)
    assert "Over 80 % of today's text budget is used (8 of 10 segments)." in text(client.get("/needs"))
    spend(harness, "sms", 2)
    assert "Today's text budget is used up" in text(client.get("/volunteers"))


def test_an_admin_raises_todays_budget_and_held_messages_go_out_at_once(console_harness):
    harness = console_harness
    spend(harness, "sms", 10)
    update = harness.queue(VOLUNTEER, "Your request is still open.", kind="update")
    harness.settle(60)
    assert harness.row(update).status == "pending"
    client = signed_in(harness.app, harness.db, "admin")
    assert "Raise" in text(client.get("/spend"))
    response = post(client, "/spend/raise", {"measure": "sms", "span": "day", "value": "20"}, follow=True)
    assert response.status_code == 200
    assert "Budget raised to 20 for this period; 1 waiting message goes out now." in text(response)
    harness.run_jobs()
    assert sent_texts(harness, VOLUNTEER) == ["Your request is still open."]
    with harness.db.session() as session:
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "budget_raise")).all()
        assert entry.actor == "admin@example.org" and entry.before == {"budget": 10}
        assert entry.after == {"budget": 20, "released": 1}
        assert entry.subject == "budget sms day 2026-05-14"
    # 10, the notice that it was used up, and the message let go.
    assert f"Text segments today {spent(harness, 'sms', 'day')} 20" in text(client.get("/spend"))
    assert spent(harness, "sms", "day") > 11
    # The raise is for today only: tomorrow the configured budget is back.
    at(harness, local(2026, 5, 15, 9))
    sign_in(client, "admin@example.org")
    assert "Text segments today 0 10" in text(client.get("/spend"))


def test_only_admins_may_raise_a_budget(console_harness):
    client = signed_in(console_harness.app, console_harness.db, "coordinator")
    assert post(client, "/spend/raise", {"measure": "sms", "span": "day", "value": "20"}).status_code == 403


@pytest.mark.parametrize("form, message", [
    ({"measure": "sms", "span": "day", "value": "ten"}, "A budget is a whole number from 1 to"),
    ({"measure": "sms", "span": "day", "value": "-5"}, "A budget is a whole number from 1 to"),
    ({"measure": "sms", "span": "day", "value": "5"}, "A raise must be more than the budget it replaces (10)."),
    ({"measure": "call", "span": "month", "value": "50"}, "This budget has no limit"),
])
def test_a_raise_that_is_not_a_raise_is_refused_with_a_reason(console_harness, form, message):
    client = signed_in(console_harness.app, console_harness.db, "admin")
    response = post(client, "/spend/raise", form)
    assert response.status_code == 400
    assert message in text(response)


def test_a_raise_for_a_budget_that_does_not_exist_is_a_bad_request(console_harness):
    client = signed_in(console_harness.app, console_harness.db, "admin")
    assert post(client, "/spend/raise", {"measure": "fax", "span": "day", "value": "20"}).status_code == 400


# The migration ------------------------------------------------------------------------------------


@pytest.fixture
def empty_database(tmp_path, testrun_uid):
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'budget.db'}"
        return
    from sqlalchemy import text as sql
    from sqlalchemy.engine import make_url

    url = make_url(TEST_DATABASE_URL)
    name = f"hotline_budget_{testrun_uid[:8]}_{tmp_path.name[-12:]}".lower().replace("-", "_")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sql(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_migration_0012_adds_the_budget_and_takes_it_away_again(empty_database):
    def shape() -> tuple[set[str], set[str]]:
        engine = create_engine(empty_database)
        try:
            found = inspect(engine)
            return set(found.get_table_names()), {c["name"] for c in found.get_columns("outbox")}
        finally:
            engine.dispose()

    upgrade(empty_database, "0011")
    tables, columns = shape()
    assert "spend" not in tables and "held_for" not in columns
    upgrade(empty_database, "0012")
    tables, columns = shape()
    assert {"spend", "budget_periods"} <= tables and "held_for" in columns
    downgrade(empty_database, "0011")
    tables, columns = shape()
    assert "spend" not in tables and "budget_periods" not in tables and "held_for" not in columns

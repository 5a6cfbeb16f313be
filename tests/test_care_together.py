"""Where the care features meet: a safety OK beside a ride question, erasure of words and audit, words that
begin with another command's word, dates as people write them, check-ins for a number that opted out."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from hotline.models import Contact, Volunteer

from .conftest import Phone
from .test_volunteer_care import care_app, care_texts, clock, finish_a_task  # noqa: F401
from .test_volunteers import add_volunteer

AN = "+16175556011"


def test_a_vietnamese_volunteer_rests_with_the_word_shown_in_the_offer(settings, clock):  # noqa: F811
    app = care_app(settings, care_heavy_week_tasks=1, care_rest_days=2)
    db = app.extensions["hotline"].db
    add_volunteer(db, AN, "An", languages="en,vi", cap=10)
    with db.session() as session:
        session.scalars(select(Contact).where(Contact.phone == AN)).one().language = "vi"
    an = Phone(app.test_client(), AN)
    finish_a_task(app, db, an)
    [offer] = care_texts(db, AN)
    assert "NGHINGOI" in offer, offer  # its other listed word, NGHỈ NGƠI, is read as PAUSE
    reply = an.text("NGHỈ NGƠI")
    with db.session() as session:
        v = session.scalars(select(Volunteer)).one()
        assert v.rested_at is not None, reply
    app.extensions["hotline"].close()


def test_changes_made_during_a_turn_all_reach_the_database(db, settings):
    """insert_with_changes writes every dirty row, then marks them clean: nothing may be lost."""
    from hotline.db import insert_with_changes
    from hotline.models import Conversation, InboundMessage
    now = datetime(2026, 3, 2, 20, 0, tzinfo=timezone.utc)
    vid = add_volunteer(db, AN, "An")
    with db.session() as session:
        contact = session.scalars(select(Contact).where(Contact.phone == AN)).one()
        session.add(Conversation(contact_id=contact.id, flow="home", step="idle", data={"a": {"b": 1}},
                                 version=0, updated_at=now))
    with db.session() as session:
        contact = session.scalars(select(Contact).where(Contact.phone == AN)).one()
        conv = session.scalars(select(Conversation)).one()
        v = session.get(Volunteer, vid)
        conv.data["x"] = 1  # MutableDict
        conv.flow = "checkin"
        contact.language = "es"
        v.status = "paused"
        v.paused_until = now + timedelta(days=3)
        v.rested_at = now
        insert_with_changes(session, InboundMessage, {"message_sid": "SMx", "contact_id": contact.id,
                                                      "channel": "sms", "body": "b", "reply": "r",
                                                      "received_at": now}, (contact, conv))
        # After the turn's write, more changes (like budget.record's) in the same transaction.
        v.weekly_cap = 7
    with db.session() as session:
        conv = session.scalars(select(Conversation)).one()
        v = session.get(Volunteer, vid)
        c = session.get(Contact, v.contact_id)
        assert (conv.flow, conv.data.get("x"), c.language) == ("checkin", 1, "es")
        assert (v.status, v.rested_at is not None, v.paused_until is not None, v.weekly_cap) == ("paused", True, True, 7)


def test_a_resident_who_erases_after_the_monthly_note_takes_their_words_back_too(settings, clock):  # noqa: F811
    from hotline import jobs
    from .test_volunteer_care import LAST_DAY_EVENING, ROSA
    app = care_app(settings)
    db = app.extensions["hotline"].db
    add_volunteer(db, ROSA, "Rosa", cap=10)
    asking = finish_a_task(app, db, Phone(app.test_client(), ROSA), answer="1", words="Bless you, dear Rosa")
    clock.move_to(LAST_DAY_EVENING)
    jobs.care_sweep()
    assert any("Bless you" in t for t in care_texts(db, ROSA))
    asking.text("DELETE")
    assert "erased" in asking.text("1")
    assert not any("Bless you" in t for t in care_texts(db, ROSA)), "the erased resident's words stay in the outbox"
    app.extensions["hotline"].close()


def test_erasing_a_resident_redacts_the_audit_of_their_check_ins(db, settings):
    from hotline.dispatch import checkins
    from hotline.models import AuditEntry
    from hotline.privacy import erase
    now = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
    with db.session() as session:
        plan = checkins.set_up(session, settings, {"phone": "+16175550123", "days": "0123456", "time": "09:00",
                                                   "channel": "sms", "escalate_to": "coordinators"},
                               actor="coord@example.org", now=now)
        checkins.change_status(session, plan, "pause", actor="coord@example.org", now=now)
    with db.session() as session:
        contact = session.scalars(select(Contact).where(Contact.phone == "+16175550123")).one()
        erase.forget(session, settings, contact, now, actor="the person, by text", reason="DELETE by text")
    with db.session() as session:
        kept = [(a.subject, a.before, a.after) for a in session.scalars(
            select(AuditEntry).where(AuditEntry.subject.like("check-ins %")))]
    assert kept and not any("***0123" in str(entry) for entry in kept), kept


def test_ok_when_home_reaches_the_safety_question_even_with_a_newer_ride_question(app, db):
    """The DONE reply says "reply OK when you are home"; a ride reminder sent after it takes that OK."""
    from hotline.models import Ask
    now = datetime.now(timezone.utc)
    add_volunteer(db, AN, "An")
    with db.session() as session:
        contact = session.scalars(select(Contact).where(Contact.phone == AN)).one()
        session.add(Ask(contact_id=contact.id, kind="safe_home", subject_id=999, created_at=now - timedelta(minutes=20),
                        expires_at=now + timedelta(hours=12)))
        session.add(Ask(contact_id=contact.id, kind="ride_driver", subject_id=998, created_at=now - timedelta(minutes=5),
                        expires_at=now + timedelta(hours=24)))
    reply = Phone(app.test_client(), AN).text("OK")
    with db.session() as session:
        answered = {a.kind: a.answered_at is not None for a in session.scalars(select(Ask))}
    assert answered["safe_home"], (reply, answered)

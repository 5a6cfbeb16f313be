"""Residents own their data: DELETE (by text, by call, by a coordinator), MY DATA, retention, the notice."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from click.testing import CliRunner
from sqlalchemy import func, insert, select, text

from hotline import create_app, jobs
from hotline.cli import main
from hotline.i18n import Translator
from hotline.i18n.translator import available
from hotline.models import (
    AuditEntry, Base, Contact, InboundMessage, Need, NeedEvent, Offer, OutboxMessage, Recording, Volunteer,
)
from hotline.privacy import retention
from hotline.sms import count_segments

from .conftest import PROJECT_ROOT, Phone
from .test_volunteers import add_volunteer, code_in, sent_to
from .voice_caller import Call

RESIDENT = "+15551230001"
SHIPPED = available(PROJECT_ROOT / "locales")
HELPER = "+15559870101"
# A Tuesday afternoon in New York: every helper is awake and available.
AFTERNOON = "2026-03-03 20:00:00+00:00"


@pytest.fixture
def travel():
    with time_machine.travel(AFTERNOON, tick=False) as traveller:
        yield traveller


def dump(db) -> str:
    """Every value of every row of every table, as one text."""
    lines = []
    with db.session() as session:
        for table in Base.metadata.sorted_tables:
            for row in session.execute(select(table)):
                lines.append(f"{table.name}: {tuple(row)!r}")
    return "\n".join(lines)


def digits_of(number: str) -> str:
    return number.lstrip("+")[1:]  # the national number: what a reader would recognise


def run_jobs(app) -> None:
    app.extensions["hotline"].queue.drain()


def file_request(phone: Phone, language: str, details: str, place: str) -> str:
    phone.text(language)  # a language's name starts the menu in it
    phone.text("1")  # food
    phone.text(details)
    phone.text(place)
    return phone.text("1")  # send it


def claim(app, db, helper: str) -> str:
    run_jobs(app)
    code = code_in(sent_to(db, helper, "offer")[-1])
    reply = Phone(app.test_client(), helper).text(code)
    run_jobs(app)
    return reply


# -- DELETE by text ---------------------------------------------------------------------------

@pytest.mark.parametrize("language, delete, yes, details, place", [
    ("English", "DELETE", "yes please", "rice and beans for three", "Elm Street 02139"),
    ("Español", "BORRAR", "sí", "arroz y frijoles para tres", "Calle Olmo 02139"),
    ("Kreyòl", "EFASE", "wi", "diri ak pwa pou twa moun", "Ri Olmo 02139"),
])
def test_delete_erases_every_word_and_the_number_and_tells_the_helper(
        app, client, db, travel, language, delete, yes, details, place):
    add_volunteer(db, HELPER, "Ana", languages="en,es,ht")
    resident = Phone(client, RESIDENT)
    file_request(resident, language, details, place)
    claim(app, db, HELPER)
    resident.text("gracias" if language == "Español" else "thank you")
    with db.session() as session:
        ref = session.scalars(select(Need.ref)).one()

    asked = resident.text(delete)
    assert "1" in asked and "2" in asked
    done = resident.text(yes)
    run_jobs(app)

    assert done  # the last thing they read says it is gone
    everything = dump(db)
    assert digits_of(RESIDENT) not in everything
    for word in set(re.findall(r"\w{4,}", f"{details} {place}")) - {"02139"}:
        assert word not in everything, word
    with db.session() as session:
        need = session.scalars(select(Need)).one()
        # What the counts need stays: a food request, withdrawn, on its day; tied to nobody.
        assert (need.ref, need.category, need.status) == (ref, "food", "withdrawn")
        assert need.door_words is None  # the words at the door were theirs too
        assert session.get(Contact, need.contact_id).phone == "erased"
        assert session.scalar(select(func.count()).select_from(Contact).where(Contact.phone == RESIDENT)) == 0
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "erased")).one()
        assert entry.after["requests"] == 1 and entry.after["withdrawn"] == 1
    # The helper is told plainly not to go.
    with db.session() as session:
        told = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "cancelled")).one()
        assert told.status != "skipped" and told.body
    if language == "English":
        assert "please don't go" in told.body


def test_saying_no_to_delete_keeps_everything_and_goes_back_to_the_open_question(client, db):
    resident = Phone(client, RESIDENT)
    resident.text("English")
    resident.text("1")
    question = resident.text("DELETE")
    assert "cannot be undone" in question
    back = resident.text("no")
    assert "nothing was erased" in back
    assert "What food do you need" in back  # what they were typing waits for them
    with db.session() as session:
        assert session.scalars(select(Contact.phone).where(Contact.phone == RESIDENT)).one()


def test_a_retried_delete_confirmation_gets_the_same_answer_and_does_not_bring_the_number_back(client, db):
    resident = Phone(client, RESIDENT)
    resident.text("English")
    resident.text("DELETE")
    first = resident.post("1", sid="SMerase1")
    again = resident.post("1", sid="SMerase1")
    assert first.data == again.data and "erased" in first.data.decode()
    assert digits_of(RESIDENT) not in dump(db)


def test_writing_again_after_delete_starts_fresh(client, db):
    resident = Phone(client, RESIDENT)
    resident.text("Español")
    resident.text("BORRAR")
    resident.text("1")
    fresh = resident.text("hola")
    with db.session() as session:
        contact = session.scalars(select(Contact).where(Contact.phone == RESIDENT)).one()
        assert contact.language in (None, "es") and contact.language_source != "chosen"
    assert fresh


def test_delete_queues_the_recordings_deletion_at_twilio_and_late_transcriptions_are_dropped(app, client, db):
    c = Call(client, RESIDENT).dial().press("1").press("0")
    c.record(duration=9)
    with db.session() as session:
        sid = session.scalars(select(Recording.recording_sid)).one()
    resident = Phone(client, RESIDENT)
    resident.text("DELETE")
    resident.text("1")
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Recording)) == 0
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "recording_delete")).one()
        assert row.body == sid and row.contact_id is None
    run_jobs(app)
    with db.session() as session:
        assert session.get(OutboxMessage, row.id).status == "delivered"
    # Twilio's transcription of it arrives afterwards: not kept.
    c.transcribe("please bring food to 12 Elm Street")
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Recording)) == 0
    assert "Elm Street" not in dump(db)


def test_a_volunteer_who_deletes_hands_back_their_task_and_leaves_no_trace(app, client, db, travel):
    add_volunteer(db, HELPER, "Zenobia")
    add_volunteer(db, "+15559870102", "Bo")
    resident = Phone(client, RESIDENT)
    file_request(resident, "English", "milk and bread", "Oak St 02139")
    claim(app, db, HELPER)
    helper = Phone(client, HELPER)
    asked = helper.text("DELETE")
    assert "volunteer record" in asked and "Your task goes back to be offered to others" in asked
    helper.text("1")
    run_jobs(app)
    with db.session() as session:
        need = session.scalars(select(Need)).one()
        # Offered again, or left to the coordinators when nobody else can take it.
        assert need.status in ("open", "offered", "unmet") and need.claimed_count == 0
        assert session.scalar(select(func.count()).select_from(Volunteer)) == 1
        assert session.scalar(select(func.count()).select_from(Offer).where(
            Offer.volunteer_id.not_in(select(Volunteer.id)))) == 0
        assert all("Zenobia" not in event.note for event in session.scalars(select(NeedEvent)))
    everything = dump(db)
    assert digits_of(HELPER) not in everything
    # The resident was told their helper had to step away (by first name, before it went).
    assert any("Zenobia" in body or "helper" in body.lower() for body in sent_to(db, RESIDENT))


# -- DELETE on a call -------------------------------------------------------------------------

def test_pressing_8_on_a_call_asks_then_erases(client, db):
    c = Call(client, RESIDENT).dial().press("1")
    c.press("8")
    assert "cannot be undone" in c.text and "press 1" in c.text
    c.press("1")
    assert "erased" in c.text and c.ended
    assert digits_of(RESIDENT) not in dump(db)


def test_the_first_call_says_how_long_things_are_kept_and_how_to_erase(client):
    c = Call(client, RESIDENT).dial().press("1")
    assert "We keep what you tell us only until 30 days after your request is closed" in c.text
    assert "press 8" in c.text


# -- MY DATA ----------------------------------------------------------------------------------

def test_my_data_says_what_is_kept_without_any_words_and_how_to_erase(client, db, travel):
    resident = Phone(client, RESIDENT)
    file_request(resident, "Español", "arroz para dos", "Calle Olmo 02139")
    reply = resident.text("MIS DATOS")
    assert "solicitudes: 1;" in reply and "BORRAR" in reply and "Español" in reply
    assert "arroz" not in reply and "Olmo" not in reply
    assert count_segments(reply).segments <= 2


@pytest.mark.parametrize("code", SHIPPED)
def test_my_data_the_notice_and_the_erase_texts_fit_two_segments_in_every_language(app, db, code):
    from hotline.flows.engine import Ctx
    from hotline.flows.erase import my_data, retention_notice

    settings = app.extensions["hotline"].settings
    with db.session() as session:
        contact = Contact(phone=RESIDENT, language=code, created_at=datetime(2026, 12, 3, tzinfo=timezone.utc))
        session.add(contact)
        session.flush()
        for index in range(12):
            session.add(Need(ref=f"90000{index}", contact=contact, category="food", language=code))
        session.add(Recording(call_sid="CA1", contact_id=contact.id, purpose="voicemail", language=code))
        session.add(Recording(call_sid="CA2", contact_id=contact.id, purpose="voicemail", language=code))
        session.flush()
        ctx = Ctx(session, settings, contact, None, "sms", datetime.now(timezone.utc))
        t = Translator(code, PROJECT_ROOT / "locales")
        texts = [my_data(ctx), retention_notice(ctx),
                 t._("Done: all the hotline kept about you is erased. If you write again, we start fresh.")]
        session.rollback()
    for message in texts:
        assert count_segments(message).segments <= 2, (code, message)


# -- the notice -------------------------------------------------------------------------------

def test_the_first_reply_to_a_new_number_says_in_their_language_how_long_things_are_kept(client):
    resident = Phone(client, RESIDENT)
    resident.text("hola, necesito comida para mi familia")
    assert len(resident.notices) == 1
    assert "Guardamos lo que nos cuenta hasta 30 días" in resident.notices[0]
    assert count_segments(resident.notices[0]).segments <= 2
    resident.text("arroz")
    assert len(resident.notices) == 1  # once only


def test_the_notice_waits_for_a_language_the_person_reads(client):
    resident = Phone(client, RESIDENT)
    resident.text("?")  # the menu of languages: no notice in a language they may not read
    assert resident.notices == []
    resident.text("Tiếng Việt")
    assert len(resident.notices) == 1 and "XÓA" in resident.notices[0]


# -- coordinators -----------------------------------------------------------------------------

def test_hotline_forget_erases_a_number_with_the_reason_in_the_audit_log(app, client, db, settings, monkeypatch,
                                                                          travel):
    resident = Phone(client, RESIDENT)
    file_request(resident, "English", "diapers size 4", "Birch Road 02139")
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(main, ["forget", RESIDENT, "--reason", "asked at the food bank", "--yes"])
    assert result.exit_code == 0, result.output
    assert "erased" in result.output and digits_of(RESIDENT) not in result.output
    everything = dump(db)
    assert digits_of(RESIDENT) not in everything and "diapers" not in everything and "Birch" not in everything
    with db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "erased")).one()
        assert entry.after["reason"] == "asked at the food bank" and entry.actor.startswith("command line")


def test_hotline_forget_needs_a_reason_and_a_real_number(settings, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    assert CliRunner().invoke(main, ["forget", RESIDENT, "--yes"]).exit_code != 0
    assert CliRunner().invoke(main, ["forget", "not a number", "--reason", "x", "--yes"]).exit_code != 0
    result = CliRunner().invoke(main, ["forget", "+15550009999", "--reason", "x", "--yes"])
    assert result.exit_code == 0 and "nothing is held" in result.output


# -- retention --------------------------------------------------------------------------------

def test_retention_removes_words_then_details_then_idle_numbers_as_time_passes(app, client, db, travel):
    hotline = app.extensions["hotline"]
    settings = hotline.settings
    add_volunteer(db, HELPER, "Ana")
    resident = Phone(client, RESIDENT)
    file_request(resident, "English", "soup and bread", "Cedar Lane 02139")
    reply = claim(app, db, HELPER)
    assert "Cedar Lane" in reply
    code = code_in(reply)
    Phone(client, HELPER).text(f"DONE {code}")
    run_jobs(app)

    def purge():
        with db.session() as session:
            return retention.purge(session, settings, datetime.now(timezone.utc))

    # Within every window: nothing goes.
    assert not any(purge().values())
    travel.shift(timedelta(days=31))
    counts = purge()
    assert counts["message_bodies"] > 0
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(InboundMessage)) == 0
        assert all(row.body == "" for row in session.scalars(select(OutboxMessage)))
        need = session.scalars(select(Need)).one()
        assert need.details == "soup and bread"  # a closed request's words stay longer than messages
    travel.shift(timedelta(days=60))
    purge()
    with db.session() as session:
        need = session.scalars(select(Need)).one()
        assert (need.details, need.location, need.status, need.category) == ("", "", "done", "food")
        assert need.door_words is None
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    travel.shift(timedelta(days=100))
    counts = purge()
    assert counts["idle_numbers"] == 1
    everything = dump(db)
    assert digits_of(RESIDENT) not in everything and "soup" not in everything and "Cedar" not in everything
    assert digits_of(HELPER) in everything  # a volunteer stays a volunteer
    with db.session() as session:
        assert session.scalars(select(Need.category)).one() == "food"


def test_retention_keeps_what_an_open_request_still_needs(app, client, db, travel):
    resident = Phone(client, RESIDENT)
    file_request(resident, "English", "baby formula", "Pine St 02139")
    travel.shift(timedelta(days=400))
    with db.session() as session:
        retention.purge(session, app.extensions["hotline"].settings, datetime.now(timezone.utc))
    everything = dump(db)
    assert "baby formula" in everything and digits_of(RESIDENT) in everything


def test_old_audit_entries_go_but_never_younger_than_thirty_days(app, db):
    settings = replace(app.extensions["hotline"].settings, retain_audit_days=5)
    now = datetime.now(timezone.utc)
    with db.session() as session:
        for days in (400, 10):
            session.execute(insert(AuditEntry).values(at=now - timedelta(days=days), actor="x", action="test",
                                                      subject="", before={}, after={}, address=""))
    with db.session() as session:
        counts = retention.purge(session, settings, now)
    assert counts["audit_entries"] == 1
    with db.session() as session:
        ages = [(now - at).days for at in session.scalars(select(AuditEntry.at).where(AuditEntry.action == "test"))]
    assert ages == [10]


def test_the_retention_job_runs_on_the_worker_schedule(app):
    settings = app.extensions["hotline"].settings
    assert jobs.periodic(settings)["retention_sweep"] == settings.retention_sweep_seconds
    assert "0 idle_numbers" in jobs.retention_sweep()


def test_audit_entries_stay_append_only_within_thirty_days(db):
    with db.session() as session:
        session.execute(insert(AuditEntry).values(at=datetime.now(timezone.utc), actor="x", action="young",
                                                  subject="", before={}, after={}, address=""))
    with pytest.raises(Exception):
        with db.session() as session:
            session.execute(text("DELETE FROM audit_log WHERE action = 'young'"))


def test_erased_and_expired_rows_leave_no_copy_in_outbox_bodies_or_the_inbound_log(app, client, db, travel):
    add_volunteer(db, HELPER, "Ana")
    resident = Phone(client, RESIDENT)
    file_request(resident, "English", "a warm coat", "Maple Ave 02139")
    run_jobs(app)
    Phone(client, RESIDENT).text("DELETE")
    Phone(client, RESIDENT).text("1")
    with db.session() as session:
        bodies = " ".join(session.scalars(select(OutboxMessage.body)))
        inbound = " ".join(f"{m.body} {m.reply}" for m in session.scalars(select(InboundMessage)))
    assert "coat" not in bodies and "Maple" not in bodies
    assert "coat" not in inbound and "Maple" not in inbound


# -- the console's button ---------------------------------------------------------------------

def test_an_admin_erases_a_resident_from_their_request_page_with_a_reason(app, client, db, travel):
    from .console import post, signed_in, text as page_text

    resident = Phone(client, RESIDENT)
    file_request(resident, "English", "a space heater", "Spruce Ct 02139")
    with db.session() as session:
        ref = session.scalars(select(Need.ref)).one()
    coordinator = signed_in(app, db, "coordinator")
    assert "Erase this person" not in page_text(coordinator.get(f"/needs/{ref}"))
    assert post(coordinator, f"/needs/{ref}/forget", {"reason": "asked by phone"}).status_code == 403

    admin = signed_in(app, db, "admin")
    assert "Erase this person" in page_text(admin.get(f"/needs/{ref}"))
    refused = page_text(post(admin, f"/needs/{ref}/forget", {"reason": " "}, follow=True))
    assert "Say why" in refused
    assert digits_of(RESIDENT) in dump(db)
    page = page_text(post(admin, f"/needs/{ref}/forget", {"reason": "asked by phone"}, follow=True))
    assert "Erased. 1 request stays in the counts" in page and "Erased at their request" in page
    assert "Erase this person" not in page and "space heater" not in page
    everything = dump(db)
    assert digits_of(RESIDENT) not in everything and "heater" not in everything and "Spruce" not in everything
    with db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "erased")).one()
        assert (entry.actor, entry.after["reason"]) == ("admin@example.org", "asked by phone")


def test_an_admin_erases_a_volunteer_from_their_page(app, db):
    from .console import post, signed_in, text as page_text

    volunteer_id = add_volunteer(db, HELPER, "Quentin")
    admin = signed_in(app, db, "admin")
    assert "Erase this person" in page_text(admin.get(f"/volunteers/{volunteer_id}"))
    response = post(admin, f"/volunteers/{volunteer_id}/forget", {"reason": "left the group"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/volunteers")
    assert admin.get(f"/volunteers/{volunteer_id}").status_code == 404
    assert digits_of(HELPER) not in dump(db) and "Quentin" not in dump(db)


# -- recordings at Twilio ---------------------------------------------------------------------

def queue_delete(harness, sid: str) -> int:
    from hotline.outbound.outbox import queue_recording_delete

    with harness.db.session() as session:
        return queue_recording_delete(session, sid).id


def test_a_recording_is_deleted_at_twilio_through_the_outbox_and_retried_while_twilio_fails(harness):
    from .fake_twilio import error

    harness.fake.recordings.add("RE" + "1" * 32)
    harness.fake.then(error(503, 20503), error(500, 20500))
    row_id = queue_delete(harness, "RE" + "1" * 32)
    harness.settle(3600)
    row = harness.row(row_id)
    assert row.status == "delivered" and row.attempts == 3
    assert harness.fake.deleted_recordings == ["RE" + "1" * 32]


def test_a_recording_twilio_no_longer_has_counts_as_deleted(harness):
    row_id = queue_delete(harness, "RE" + "2" * 32)  # never there, or deleted already
    harness.run_jobs()
    assert harness.row(row_id).status == "delivered"


def test_a_recording_twilio_refuses_to_delete_is_left_failed_for_an_operator(harness):
    from .fake_twilio import error

    harness.fake.recordings.add("RE" + "3" * 32)
    harness.fake.then(error(403, 20003))
    row_id = queue_delete(harness, "RE" + "3" * 32)
    harness.run_jobs()
    row = harness.row(row_id)
    assert row.status == "failed" and "not deleted" in row.reason and harness.fake.recordings


def test_erasing_a_resident_whose_offer_went_out_the_next_morning_leaves_nothing_with_the_helper(
        app, client, db, travel):
    add_volunteer(db, HELPER, "Ana")
    resident = Phone(client, RESIDENT)
    file_request(resident, "English", "pasta and sauce", "Willow Way 02139")
    with db.session() as session:
        # An offer held overnight carries the morning as its time, later than the texts about it.
        for offer in session.scalars(select(Offer)):
            offer.offered_at = offer.offered_at + timedelta(hours=10)
    claim(app, db, HELPER)
    resident.text("DELETE")
    resident.text("1")
    everything = dump(db)
    assert "pasta" not in everything and "Willow" not in everything


def test_an_erased_volunteers_audit_entries_keep_who_and_when_but_not_their_name_or_areas(db, settings, monkeypatch,
                                                                                         client):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    added = CliRunner().invoke(main, ["volunteers", "add", HELPER, "--name", "Perpetua", "--skills", "food",
                                      "--areas", "Riverside, 02139", "--active"])
    assert added.exit_code == 0, added.output
    helper = Phone(client, HELPER)
    helper.text("DELETE")
    helper.text("1")
    everything = dump(db)
    assert "Perpetua" not in everything and "Riverside" not in everything
    with db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "volunteer_added")).one()
        assert entry.after == {"redacted": True} and entry.actor.startswith("command line")


def test_the_audit_log_takes_no_other_change_than_a_redaction(db):
    with db.session() as session:
        session.execute(insert(AuditEntry).values(at=datetime.now(timezone.utc), actor="x", action="test",
                                                  subject="volunteer 9", before={}, after={"name": "Ana"},
                                                  address=""))
    for change in ("UPDATE audit_log SET actor = 'someone else'",
                   "UPDATE audit_log SET after = '{\"name\": \"Bea\"}'",
                   "UPDATE audit_log SET actor = 'y', before = '{}', after = '{\"redacted\": true}'"):
        with pytest.raises(Exception, match="append-only"):
            with db.session() as session:
                session.execute(text(change))


def test_an_erased_request_can_get_a_note_but_no_message_offer_or_status_change(app, client, db, travel):
    from .console import post, signed_in, text as page_text

    resident = Phone(client, RESIDENT)
    file_request(resident, "English", "bus fare", "Hazel St 02139")
    with db.session() as session:
        ref = session.scalars(select(Need.ref)).one()
    resident.text("DELETE")
    resident.text("1")
    coordinator = signed_in(app, db, "coordinator")
    page = page_text(coordinator.get(f"/needs/{ref}"))
    assert "Erased at their request" in page
    assert "Send to the resident" not in page and "Offer it again now" not in page and "Add the note" in page
    refused = page_text(post(coordinator, f"/needs/{ref}/message", {"message": "hello?"}, follow=True))
    assert "erased at their request" in refused
    refused = page_text(post(coordinator, f"/needs/{ref}/offer-again", follow=True))
    assert "erased at their request" in refused
    noted = page_text(post(coordinator, f"/needs/{ref}/note", {"note": "asked at the desk"}, follow=True))
    assert "Note added" in noted
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind == "coordinator")) == 0

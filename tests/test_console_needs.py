"""The queue and a need's page: what coordinators see, and what they can do about a need."""
from __future__ import annotations

import re

import pytest
import time_machine
from sqlalchemy import select

from hotline import accounts
from hotline.i18n import Translator
from hotline.i18n.translator import CONSOLE
from hotline.models import AuditEntry, Need, NeedEvent, Offer, OutboxMessage

from .console import post, signed_in, text
from .test_volunteers import AFTERNOON, add_volunteer

RESIDENT = "+15551230000"


@pytest.fixture
def travel():
    with time_machine.travel(AFTERNOON, tick=False) as traveller:
        yield traveller


def request(phone, details="groceries for 3", place="12 Elm St, 02139", category="1", language="1") -> str:
    phone.text("hi")
    phone.text(language)
    phone.text(category)
    phone.text(details)
    phone.text(place)
    reply = phone.text("1")
    return next(word.strip(".") for word in reply.split() if word.strip(".").isdigit() and len(word.strip(".")) == 6)


def listed(page: str) -> str:
    """The queue's table, after the "needs a person" section."""
    return page.split("Request Kind of help Status", 1)[-1] if "Request Kind of help Status" in page else ""


def need(db, ref) -> Need:
    with db.session() as session:
        return session.scalars(select(Need).where(Need.ref == ref)).one()


def outbox(db, to=None, kind=None) -> list[OutboxMessage]:
    with db.session() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if to:
            query = query.where(OutboxMessage.to == to)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        return list(session.scalars(query))


def audited(db, action) -> list[AuditEntry]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


# -- the queue -----------------------------------------------------------------------------------

def test_the_queue_lists_open_needs_urgent_first_then_newest(app, db, make_phone, travel):
    first = request(make_phone("+15551230001"), "rice")
    second = request(make_phone("+15551230002"), "milk")
    third = request(make_phone("+15551230003"), "bread")
    with db.session() as session:
        session.scalars(select(Need).where(Need.ref == first)).one().urgent = True
    client = signed_in(app, db, accounts.VIEWER)
    page = text(client.get("/needs"))
    assert "3 requests" in page
    table = listed(page)
    assert table.index(first) < table.index(third) < table.index(second)


def test_the_filters_live_in_the_url(app, db, make_phone, travel):
    food = request(make_phone("+15551230001"), "rice", place="Main St, 02139")
    housing = request(make_phone("+15551230002"), "a room", place="Oak Ave, 02140", category="3")
    spanish = request(make_phone("+15551230003"), "arroz", place="02139", language="2")
    travel.shift(3 * 24 * 3600)
    recent = request(make_phone("+15551230004"), "beans")
    client = signed_in(app, db, accounts.COORDINATOR)

    def shown(query):
        page = listed(text(client.get("/needs" + query)))
        return {ref for ref in (food, housing, spanish, recent) if ref in page}

    assert shown("") == {food, housing, spanish, recent}
    assert shown("?category=housing") == {housing}
    assert shown("?language=es") == {spanish}
    assert shown("?area=02140") == {housing}
    assert shown("?age=1d") == {recent}
    assert shown("?status=unmet") == {food, housing, spanish, recent}  # nobody to ask
    assert shown("?status=done") == set()
    # Nonsense in the URL is ignored, never an error.
    assert shown("?status=%27;drop&category=x&language=zz&age=9y&page=-4") == {food, housing, spanish, recent}
    assert shown("?area=" + "%25_" * 300) == set()  # matched as typed, never as a pattern


def test_what_nobody_could_take_waits_on_top_until_someone_marks_it_handled(app, db, phone, travel):
    ref = request(phone)
    client = signed_in(app, db, accounts.COORDINATOR)
    page = text(client.get("/needs"))
    assert "Needs a person" in page and "Nobody claimed it after the last wave" in page
    response = post(client, f"/needs/{ref}/handled")
    assert response.status_code == 302
    assert "Needs a person" not in text(client.get("/needs"))
    assert need(db, ref).attention is None
    assert audited(db, "handled")[0].subject == f"need {ref}"
    again = post(client, f"/needs/{ref}/handled", follow=True)
    assert "Nobody was waiting on this one" in text(again)


def test_a_new_request_shows_up_in_the_refreshing_part_of_the_queue(app, db, make_phone, travel):
    client = signed_in(app, db, accounts.VIEWER)
    before = text(client.get("/needs/live", headers={"X-Console-Refresh": "1"}))
    assert "0 requests" in before
    ref = request(make_phone("+15551230009"))
    after = client.get("/needs/live", headers={"X-Console-Refresh": "1"})
    assert after.status_code == 200 and ref in text(after)
    assert 'hx-trigger="every 10s"' in after.get_data(as_text=True)


# -- a need's page ---------------------------------------------------------------------------------

def test_a_need_page_shows_the_residents_words_and_everything_that_happened(app, db, phone, travel):
    add_volunteer(db, "+16175550101", "Dana")
    ref = request(phone, "rice and beans for 4", "12 Elm St, 02139")
    client = signed_in(app, db, accounts.COORDINATOR)
    page = text(client.get(f"/needs/{ref}"))
    assert "rice and beans for 4" in page and "12 Elm St, 02139" in page
    assert "Text from the resident" in page and "Offered to Dana" in page
    assert "Text to Dana" in page and "waiting" in page  # the offer, not sent yet
    app.extensions["hotline"].queue.drain()
    assert "Text to Dana" in text(client.get(f"/needs/{ref}"))


def test_a_viewer_sees_the_area_and_the_last_digits_only(app, db, phone, travel):
    ref = request(phone, "call me at 617 555 0199, I live at 12 Elm St", "12 Elm St, 02139")
    client = signed_in(app, db, accounts.VIEWER)
    for page in (text(client.get(f"/needs/{ref}")), text(client.get("/needs"))):
        assert "+15551234567" not in page and "5551234567" not in page
        assert "12 Elm St" not in page and "617 555 0199" not in page
    page = text(client.get(f"/needs/{ref}"))
    assert "***4567" in page and "02139" in page
    assert "Show the whole number" not in page and "Offer it again now" not in page


def test_a_coordinator_reveals_one_number_and_the_reveal_is_audited(app, db, phone, travel):
    ref = request(phone)
    client = signed_in(app, db, accounts.COORDINATOR, "ana@example.org")
    assert "+15551234567" not in text(client.get(f"/needs/{ref}"))
    revealed = post(client, f"/needs/{ref}/reveal")
    assert revealed.status_code == 200 and "+15551234567" in text(revealed)
    assert "+15551234567" not in text(client.get(f"/needs/{ref}"))  # once, not from now on
    entry = audited(db, "reveal")[0]
    assert entry.actor == "ana@example.org" and entry.subject == f"need {ref}"
    assert "+15551234567" not in str(entry.after)


def test_unknown_or_malformed_references_are_not_found(app, db):
    client = signed_in(app, db, accounts.COORDINATOR)
    for ref in ("000000", "abc", "1" * 40, "12%2F34", "%00"):
        response = client.get(f"/needs/{ref}")
        assert response.status_code == 404 and "There is nothing here" in text(response)
    assert post(client, "/needs/999999/note", {"note": "x"}).status_code == 404


# -- acting on a need --------------------------------------------------------------------------------

def test_offering_again_asks_volunteers_who_joined_since(app, db, phone, travel):
    ref = request(phone)
    assert need(db, ref).status == "unmet"
    add_volunteer(db, "+16175550101", "Dana")
    client = signed_in(app, db, accounts.COORDINATOR)
    response = post(client, f"/needs/{ref}/offer-again", follow=True)
    assert "Offered again" in text(response)
    assert need(db, ref).status == "offered"
    assert [r.to for r in outbox(db, kind="offer")] == ["+16175550101"]
    assert audited(db, "offer_again")[0].after["asked"] == 1


def test_assigning_a_volunteer_texts_them_the_details_and_tells_the_resident(app, db, phone, travel):
    ref = request(phone, "rice", "12 Elm St, 02139")
    volunteer = add_volunteer(db, "+16175550101", "Dana")
    client = signed_in(app, db, accounts.COORDINATOR, "ana@example.org")
    response = post(client, f"/needs/{ref}/assign", {"volunteer": str(volunteer)}, follow=True)
    assert "Dana is on it" in text(response)
    assert need(db, ref).status == "claimed" and need(db, ref).attention is None
    [details] = outbox(db, to="+16175550101", kind="assigned")
    assert "12 Elm St" in details.body and "is yours" in details.body
    [told] = outbox(db, to=phone.number, kind="claimed")
    assert "Dana" in told.body
    with db.session() as session:
        event = session.scalars(select(NeedEvent).where(NeedEvent.kind == "assigned")).one()
        assert event.actor == "ana@example.org"
        code = session.scalars(select(Offer.code)).one()
    # The volunteer can go on as with any task: DONE with its code closes it.
    from .conftest import Phone
    assert "Thank you for helping" in Phone(app.test_client(), "+16175550101").text(f"DONE {code}")
    twice = post(client, f"/needs/{ref}/assign", {"volunteer": str(volunteer)}, follow=True)
    assert "not waiting for a helper" in text(twice)


def test_assigning_refuses_nonsense(app, db, phone, travel):
    ref = request(phone)
    paused = add_volunteer(db, "+16175550102", "Pat", status="paused")
    client = signed_in(app, db, accounts.COORDINATOR)
    for value in ("", "abc", "99999", "1" * 30):
        assert "Choose a volunteer" in text(post(client, f"/needs/{ref}/assign", {"volunteer": value}, follow=True))
    assert "cannot be given tasks now" in text(post(client, f"/needs/{ref}/assign", {"volunteer": str(paused)}, follow=True))
    assert need(db, ref).status == "unmet"


def test_closing_a_need_needs_a_reason_and_tells_its_helper(app, db, phone, travel):
    ref = request(phone)
    volunteer = add_volunteer(db, "+16175550101", "Dana")
    client = signed_in(app, db, accounts.COORDINATOR)
    post(client, f"/needs/{ref}/assign", {"volunteer": str(volunteer)})
    no_reason = post(client, f"/needs/{ref}/close", {"status": "unmet", "reason": "  "}, follow=True)
    assert "Say why" in text(no_reason) and need(db, ref).status == "claimed"
    bad = post(client, f"/needs/{ref}/close", {"status": "open", "reason": "x"}, follow=True)
    assert "Choose done, unmet or withdrawn" in text(bad)
    post(client, f"/needs/{ref}/close", {"status": "unmet", "reason": "Dana is ill"})
    assert need(db, ref).status == "unmet"
    assert "is closed" in outbox(db, to="+16175550101", kind="cancelled")[0].body
    post(client, f"/needs/{ref}/close", {"status": "done", "reason": "a neighbour brought food"})
    assert need(db, ref).status == "done"
    page = text(client.get(f"/needs/{ref}"))
    assert "Dana is ill" in page and "a neighbour brought food" in page
    # A closed request is offered to nobody: only its status can still change.
    assert "Offer it again now" not in page and "Give it to a volunteer" not in page and "Change its status" in page
    assert [e.after["status"] for e in audited(db, "close")] == ["unmet", "done"]


def test_a_note_stays_inside_the_console(app, db, phone, travel):
    ref = request(phone)
    before = len(outbox(db))
    client = signed_in(app, db, accounts.COORDINATOR, "ana@example.org")
    post(client, f"/needs/{ref}/note", {"note": "Called her, she has food until Friday"})
    assert len(outbox(db)) == before
    page = text(client.get(f"/needs/{ref}"))
    assert "Called her, she has food until Friday" in page and "ana@example.org" in page
    assert "Write something first" in text(post(client, f"/needs/{ref}/note", {"note": ""}, follow=True))


def test_writing_to_the_resident_goes_through_the_outbox_in_their_language(app, db, phone, travel):
    ref = request(phone, "arroz", "02139", language="2")
    client = signed_in(app, db, accounts.COORDINATOR)
    post(client, f"/needs/{ref}/message", {"message": "Mañana le llevamos la comida."})
    [row] = outbox(db, to=phone.number, kind="coordinator")
    assert row.body == "De la línea de ayuda: Mañana le llevamos la comida."
    assert "Mañana le llevamos la comida." in text(client.get(f"/needs/{ref}"))
    too_long = post(client, f"/needs/{ref}/message", {"message": "x" * 5000})
    assert too_long.status_code == 302
    assert len(outbox(db, to=phone.number, kind="coordinator")[-1].body) < 400


def test_nothing_is_written_to_a_resident_who_texted_stop(app, db, phone, travel):
    ref = request(phone)
    phone.text("STOP")
    client = signed_in(app, db, accounts.COORDINATOR)
    response = post(client, f"/needs/{ref}/message", {"message": "Are you OK?"}, follow=True)
    assert "texted STOP" in text(response)
    assert outbox(db, to=phone.number, kind="coordinator") == []


def test_a_voicemail_waits_on_top_with_its_recording_until_handled(app, db, call):
    c = call().press("1").press("0")
    c.record(duration=20)
    client = signed_in(app, db, accounts.COORDINATOR)
    queue = text(client.get("/needs"))
    assert "Needs a person" in queue and "Voicemail" in queue
    with db.session() as session:
        ref = session.scalars(select(Need.ref)).one()
    page = client.get(f"/needs/{ref}").get_data(as_text=True)
    assert f'<audio controls preload="none" src="{c.recording["RecordingUrl"]}">' in page
    assert "(20 seconds)" in text(client.get(f"/needs/{ref}"))
    post(client, f"/needs/{ref}/handled")
    assert "Needs a person" not in text(client.get("/needs"))
    # A viewer hears nothing: the recording is the caller's own voice.
    viewer = signed_in(app, db, accounts.VIEWER)
    assert "<audio" not in viewer.get(f"/needs/{ref}").get_data(as_text=True)


def test_the_queue_refreshes_only_when_something_changed(app, db, make_phone, travel):
    client = signed_in(app, db, accounts.VIEWER)
    page = client.get("/needs").get_data(as_text=True)
    seen = re.search(r'"seen": "(\w+)"', page).group(1)
    refresh = {"X-Console-Refresh": "1", "HX-Request": "true"}
    assert client.get(f"/needs/live?seen={seen}", headers=refresh).status_code == 204
    request(make_phone("+15551230009"))
    changed = client.get(f"/needs/live?seen={seen}", headers=refresh)
    assert changed.status_code == 200 and "1 request" in text(changed)
    again = re.search(r'"seen": "(\w+)"', changed.get_data(as_text=True)).group(1)
    assert again != seen and client.get(f"/needs/live?seen={again}", headers=refresh).status_code == 204


def test_a_needs_history_says_how_it_came_in_and_which_wave_offered_it_in_words(app, db, phone, travel):
    add_volunteer(db, "+16175550101", "Dana")
    ref = request(phone)
    client = signed_in(app, db, accounts.COORDINATOR)
    page = text(client.get(f"/needs/{ref}"))
    assert "Request made by text" in page
    assert "Status: Offered first wave of offers" in page
    assert " sms " not in f" {page} " and "wave 1" not in page


def test_a_needs_history_reads_the_hotlines_own_notes_in_the_consoles_language(app, db, phone, travel):
    add_volunteer(db, "+16175550101", "Dana")
    ref = request(phone)
    with db.session() as session:
        found = session.scalars(select(Need).where(Need.ref == ref)).one()
        found.events.append(NeedEvent(at=found.created_at, kind="open", note="dropped by Dana"))
        found.events.append(NeedEvent(at=found.created_at, kind="offered", note="wave 4"))
    client = signed_in(app, db, accounts.COORDINATOR)
    post(client, "/account/language", {"language": "es"})
    page = text(client.get(f"/needs/{ref}"))
    spanish = Translator("es", "locales", CONSOLE)
    for words in ("by text", "first wave of offers"):
        assert spanish._(words) != words and spanish._(words) in page
    assert spanish._("%(name)s gave it back", name="Dana") in page
    assert spanish._("wave %(number)s of offers", number=4) in page
    assert "sms" not in page.split() and "wave 1" not in page and "dropped by" not in page


def test_a_coordinators_own_note_is_shown_as_written(app, db, phone, travel):
    ref = request(phone)
    client = signed_in(app, db, accounts.COORDINATOR)
    post(client, f"/needs/{ref}/note", {"note": "wave 1"})
    assert "wave 1" in text(client.get(f"/needs/{ref}"))


def test_a_claim_shows_once_in_a_needs_history(app, db, phone, travel):
    ref = request(phone)
    volunteer = add_volunteer(db, "+16175550101", "Dana")
    client = signed_in(app, db, accounts.COORDINATOR)
    post(client, f"/needs/{ref}/assign", {"volunteer": str(volunteer)})
    assert text(client.get(f"/needs/{ref}")).count("Status: Helper on it") == 1


def test_a_viewer_sees_no_address_number_or_recording_link_in_the_history(app, db, phone, travel):
    ref = request(phone)
    coordinator = signed_in(app, db, accounts.COORDINATOR)
    post(coordinator, f"/needs/{ref}/note", {"note": "Lives at 45 Oak Street, call 617 555 0199"})
    with db.session() as session:
        need = session.scalars(select(Need).where(Need.ref == ref)).one()
        need.events.append(NeedEvent(at=need.created_at, kind="voicemail",
                                     note="https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE123"))
    viewer = signed_in(app, db, accounts.VIEWER)
    page = text(viewer.get(f"/needs/{ref}"))
    assert "45 Oak Street" not in page and "617 555 0199" not in page and "RE123" not in page
    assert "45 Oak Street" in text(coordinator.get(f"/needs/{ref}"))


def test_a_request_is_found_by_its_number_or_by_the_task_code_a_volunteer_was_texted(app, db, make_phone, travel):
    first = request(make_phone("+15551230001"), "rice")
    second = request(make_phone("+15551230002"), "beans")
    volunteer = add_volunteer(db, "+16175550101", "Dana")
    client = signed_in(app, db, accounts.COORDINATOR)
    post(client, f"/needs/{second}/assign", {"volunteer": str(volunteer)})
    with db.session() as session:
        code = session.scalars(select(Offer.code).join(Need).where(Need.ref == second)).one()
    # The number residents and the console use goes straight to the request.
    straight = client.get(f"/needs?number={first}")
    assert straight.status_code == 302 and straight.headers["Location"].endswith(f"/needs/{first}")
    # "Ride 434" from a volunteer's phone: the requests whose helpers got that code.
    page = listed(text(client.get(f"/needs?number={code}&status=all")))
    assert second in page and first not in page
    assert f"task code {code}" in text(client.get(f"/needs/{second}"))
    for nonsense in ("abc", "1" * 40, "%27;--"):
        assert client.get(f"/needs?number={nonsense}").status_code == 200


def test_a_viewer_can_filter_by_area_but_not_test_an_address(app, db, phone, travel):
    ref = request(phone, place="12 Elm St, 02139")
    viewer = signed_in(app, db, accounts.VIEWER)
    assert ref in text(viewer.get("/needs?area=02139"))
    assert ref not in listed(text(viewer.get("/needs?area=12+Elm")))
    coordinator = signed_in(app, db, accounts.COORDINATOR)
    assert ref in listed(text(coordinator.get("/needs?area=12+Elm")))


def test_a_volunteer_who_texted_stop_cannot_be_given_a_need(app, db, phone, make_phone, travel):
    ref = request(phone)
    volunteer = add_volunteer(db, "+16175550101", "Dana")
    make_phone("+16175550101").text("STOP")
    client = signed_in(app, db, accounts.COORDINATOR)
    assert 'value="%s"' % volunteer not in client.get(f"/needs/{ref}").get_data(as_text=True)
    refused = post(client, f"/needs/{ref}/assign", {"volunteer": str(volunteer)}, follow=True)
    assert "cannot be given tasks now" in text(refused)
    assert need(db, ref).status == "unmet" and outbox(db, to=phone.number, kind="claimed") == []


def test_a_refused_status_change_leaves_nothing_changed(app, db, phone, travel):
    ref = request(phone)
    volunteer = add_volunteer(db, "+16175550101", "Dana")
    client = signed_in(app, db, accounts.COORDINATOR)
    post(client, f"/needs/{ref}/assign", {"volunteer": str(volunteer)})
    post(client, f"/needs/{ref}/close", {"status": "withdrawn", "reason": "resident moved"})
    before = len(outbox(db))
    refused = post(client, f"/needs/{ref}/close", {"status": "unmet", "reason": "x"}, follow=True)
    assert "cannot go to that status" in text(refused)
    assert need(db, ref).status == "withdrawn" and len(outbox(db)) == before

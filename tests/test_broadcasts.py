"""Broadcasts to volunteers from the console: who gets one (and who never does), the preview and its
token, a second click, the budget, quiet hours, replies kept for the coordinators, who may send,
and the audit log."""
from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from hotline import create_app
from hotline.dispatch import care
from hotline.models import (
    AuditEntry, Broadcast, BroadcastRecipient, BroadcastReply, Contact, Conversation, Need, OutboxMessage, Volunteer,
)

from .conftest import Phone
from .console import csrf_token, post, signed_in
from .console import text as page_text
from .test_volunteers import add_volunteer

# Noon in the tests' HOTLINE_TIMEZONE (America/New_York): nobody's quiet hours.
NOON = datetime(2026, 12, 8, 17, 0, tzinfo=timezone.utc)
ANA, BO, CY, DEE, EVE, FAY, GUS = (f"+1617555010{i}" for i in range(1, 8))


def text(response) -> str:
    return html.unescape(page_text(response))


@pytest.fixture(autouse=True)
def at_noon():
    with time_machine.travel(NOON, tick=True) as clock:
        yield clock


@pytest.fixture
def coordinator(app, db):
    return signed_in(app, db, "coordinator")


def crowd(db, settings):
    """Seven volunteers who fit a food broadcast; only Ana and Gus may get one."""
    add_volunteer(db, ANA, "Ana")
    add_volunteer(db, BO, "Bo", status="paused")
    cy = add_volunteer(db, CY, "Cy")
    add_volunteer(db, DEE, "Dee", consent_at=None)
    add_volunteer(db, EVE, "Eve")
    add_volunteer(db, FAY, "Fay", status="pending")
    add_volunteer(db, GUS, "Gus", languages="es,en")
    with db.session() as session:
        care.rest(settings, session.get(Volunteer, cy), datetime.now(timezone.utc))
        eve = session.scalars(select(Contact).where(Contact.phone == EVE)).one()
        eve.opted_out, eve.opted_out_at = True, datetime.now(timezone.utc)


def preview_form(**texts) -> dict:
    form = {"skill": "food", "area": "", "language": "", "status": "any"}
    form.update({f"text_{code}": words for code, words in texts.items()})
    return form


def preview(client, **texts):
    return post(client, "/broadcasts/preview", preview_form(**texts))


def send_form(page) -> dict:
    """The hidden fields of the preview's Send form, as the browser would post them."""
    body = page.get_data(as_text=True)
    form = re.search(r'<form method="post" action="/broadcasts/send" id="send-form">(.*?)</form>', body, re.S).group(1)
    return {html.unescape(k): html.unescape(v) for k, v in re.findall(r'name="([^"]+)" value="([^"]*)"', form)}


def outbox(db, kind="broadcast") -> list[tuple[str, str]]:
    with db.session() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id))
        return [(row.to, row.body) for row in rows]


def send(client, **texts):
    page = preview(client, **texts)
    assert page.status_code == 200, text(page)
    return client.post("/broadcasts/send", data=send_form(page))


def test_broadcast_goes_only_to_active_volunteers_who_consented_each_in_their_language(app, db, settings, coordinator):
    crowd(db, settings)
    page = coordinator.get("/broadcasts?choose=1&skill=food")
    words = text(page)
    assert "2 volunteers will get this broadcast." in words
    assert ("Left out, though they fit the filters: paused or resting 2, waiting for approval 1, "
            "no consent to texts recorded 1, texted STOP 1") in words
    assert 'name="text_en"' in page.get_data(as_text=True) and 'name="text_es"' in page.get_data(as_text=True)

    response = send(coordinator, en="Food drive Saturday 10am at the church. Reply if you can help.",
                    es="Colecta de comida el sábado a las 10 en la iglesia. Responda si puede ayudar.")
    assert response.status_code == 302
    assert sorted(outbox(db)) == [
        (ANA, "Food drive Saturday 10am at the church. Reply if you can help."),
        (GUS, "Colecta de comida el sábado a las 10 en la iglesia. Responda si puede ayudar."),
    ]
    shown = text(coordinator.get(response.headers["Location"]))
    assert "Broadcast 1 is on its way to 2 volunteers." in shown
    assert "0 of 2 sent" in shown and "wait for the end of quiet hours): 2" in shown


def test_preview_sends_nothing_and_shows_count_segments_and_cost(db, settings, coordinator):
    crowd(db, settings)
    page = preview(coordinator, en="Food drive Saturday.", es="Colecta el sábado, ¿puede ayudar?")
    words = text(page)
    assert page.status_code == 200
    assert "Nothing has been sent yet." in words
    assert "Recipients 2 " in words
    assert "1 (GSM-7)" in words and "1 (UCS-2)" in words
    assert "Estimated cost $0.02" in words
    assert outbox(db) == []
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Broadcast)) == 0


def test_a_second_click_on_send_sends_nothing_more(db, settings, coordinator):
    crowd(db, settings)
    page = preview(coordinator, en="Food drive Saturday.", es="Colecta el sábado.")
    form = send_form(page)
    first = coordinator.post("/broadcasts/send", data=form)
    second = coordinator.post("/broadcasts/send", data=form)
    assert first.headers["Location"] == second.headers["Location"]
    assert "it was not sent again" in text(coordinator.get(second.headers["Location"]))
    assert len(outbox(db)) == 2
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Broadcast)) == 1
        assert session.scalar(select(func.count()).select_from(BroadcastRecipient)) == 2


def test_changed_words_or_recipients_need_a_new_preview(db, settings, coordinator):
    crowd(db, settings)
    form = send_form(preview(coordinator, en="Food drive Saturday.", es="Colecta el sábado."))
    changed = coordinator.post("/broadcasts/send", data={**form, "text_en": "Food drive Sunday."})
    assert changed.status_code == 409
    assert "changed since the preview" in text(changed)
    add_volunteer(db, "+16175550199", "Hal")  # a new volunteer who fits
    grown = coordinator.post("/broadcasts/send", data=form)
    assert grown.status_code == 409
    assert outbox(db) == []


@pytest.mark.parametrize("token", ["", "forged", "eyJkIjoiYWJjIiwibiI6Inh5eiJ9.AAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBB"])
def test_send_without_a_real_preview_token_is_refused(db, settings, coordinator, token):
    crowd(db, settings)
    response = post(coordinator, "/broadcasts/send", {**preview_form(en="Hi", es="Hola"), "token": token})
    assert response.status_code == 400
    assert outbox(db) == []


def test_an_old_preview_cannot_be_sent(db, settings, coordinator, at_noon):
    crowd(db, settings)
    form = send_form(preview(coordinator, en="Food drive Saturday.", es="Colecta el sábado."))
    for _ in range(2):  # two steps, so the session itself stays alive
        at_noon.shift(timedelta(minutes=16))
        coordinator.get("/broadcasts")
    response = coordinator.post("/broadcasts/send", data=form)
    assert response.status_code == 400
    assert "more than 30 minutes old" in text(response)
    assert outbox(db) == []


def test_broadcast_stops_at_the_budget_and_the_rest_waits_for_send_the_rest(db, settings):
    app = create_app(replace(settings, sms_daily_segment_budget=3))
    app.config["TESTING"] = True
    try:
        for i in range(5):
            add_volunteer(app.extensions["hotline"].db, f"+1617555020{i}", f"V{i}")
        client = signed_in(app, app.extensions["hotline"].db, "admin")
        page = post(client, "/broadcasts/preview", preview_form(en="Food drive Saturday."))
        assert "needs more segments than the text budget has left" in text(page)
        response = client.post("/broadcasts/send", data=send_form(page))
        shown = text(client.get(response.headers["Location"]))
        assert "Broadcast 1: texts on their way: 3. Held because they would pass the text budget: 2." in shown
        assert "Held by the text budget: 2" in shown
        assert len(outbox(db)) == 3

        # Nothing more fits yet: pressing again sends nothing.
        again = post(client, "/broadcasts/1/send-held", {})
        assert "Texts on their way now: 0. Still held by the budget: 2." in text(client.get(again.headers["Location"]))
        assert len(outbox(db)) == 3

        post(client, "/spend/raise", {"measure": "sms", "span": "day", "value": "10"})
        done = post(client, "/broadcasts/1/send-held", {})
        assert "Texts on their way now: 2. None is held any more." in text(client.get(done.headers["Location"]))
        assert len(outbox(db)) == 5
        assert len({to for to, _ in outbox(db)}) == 5  # one each
    finally:
        app.extensions["hotline"].close()


def test_broadcast_in_quiet_hours_waits_until_they_end(app, db, settings, at_noon):
    add_volunteer(db, ANA, "Ana")  # quiet from 21 to 8, New York time
    at_noon.move_to(datetime(2026, 12, 9, 4, 0, tzinfo=timezone.utc))  # 23:00 in New York
    coordinator = signed_in(app, db, "coordinator")
    send(coordinator, en="Food drive tomorrow.")
    with db.session() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "broadcast")).one()
        assert row.send_after == datetime(2026, 12, 9, 13, 0, tzinfo=timezone.utc)  # 08:00 in New York


def test_filters_choose_by_skill_area_language_and_who_is_busy(db, coordinator):
    add_volunteer(db, ANA, "Ana", skills="driving", areas="02139")
    add_volunteer(db, BO, "Bo", skills="food", areas="02139", languages="vi")
    add_volunteer(db, CY, "Cy", skills="food", areas="*")
    add_volunteer(db, DEE, "Dee", skills="food", areas="02140")

    def count(query: str) -> str:
        return re.search(r"(\d+) volunteers? will get", text(coordinator.get("/broadcasts?choose=1&" + query))).group(1)

    assert count("skill=driving") == "1"
    assert count("skill=food&area=02139") == "2"  # Bo there, and Cy who goes anywhere
    assert count("language=vi") == "1"
    assert count("status=busy") == "0"
    assert count("status=free") == "4"


def test_reply_to_a_broadcast_reaches_the_console_and_starts_no_request(client, db, settings, coordinator):
    add_volunteer(db, ANA, "Ana")
    response = send(coordinator, en="Food drive Saturday. Can you help?")
    ana = Phone(client, ANA)
    assert ana.text("Yes I can do 10 to 12") == "Thank you, the coordinators have your reply."
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Need)) == 0
        conversation = session.scalars(select(Conversation).join(Contact).where(Contact.phone == ANA)).one()
        assert conversation.flow == "home"
        reply = session.scalars(select(BroadcastReply)).one()
        assert (reply.name, reply.body) == ("Ana", "Yes I can do 10 to 12")
    assert "Yes I can do 10 to 12" in text(coordinator.get(response.headers["Location"]))
    assert "1" in text(coordinator.get("/broadcasts"))

    # Commands still work.
    assert "paused" in ana.text("PAUSE").lower()


@pytest.mark.parametrize("body, media", [("", "1"), ("   ", "0")])
def test_a_picture_or_an_empty_text_from_a_volunteer_never_opens_the_resident_menu(client, db, settings, coordinator,
                                                                                   body, media):
    add_volunteer(db, ANA, "Ana")
    send(coordinator, en="Food drive Saturday. Can you help?")
    ana = Phone(client, ANA)
    assert ana.text(body, NumMedia=media) == "We can only read words. Please write your message in a text."
    # Their next words are still a reply to the broadcast, not an answer to a menu.
    assert ana.text("I can bring my car on Saturday") == "Thank you, the coordinators have your reply."
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Need)) == 0


def test_task_codes_still_claim_after_a_broadcast(client, db, settings, coordinator, make_phone):
    from .test_volunteers import request_food

    add_volunteer(db, ANA, "Ana")
    send(coordinator, en="Food drive Saturday. Can you help?")
    resident = make_phone("+15551234567")
    request_food(resident)
    with db.session() as session:
        offer_text = session.scalars(select(OutboxMessage.body).where(OutboxMessage.kind == "offer")).one()
    code = re.search(r"\b(\d{3})\b", offer_text).group(1)
    reply = Phone(client, ANA).text(code)
    assert "Thank you, the coordinators" not in reply
    with db.session() as session:
        assert session.scalars(select(Need.status)).one() == "claimed"
        assert session.scalar(select(func.count()).select_from(BroadcastReply)) == 0


def test_after_an_offer_newer_than_the_broadcast_a_yes_is_about_the_offer(client, db, settings, coordinator,
                                                                            make_phone, at_noon):
    from .test_volunteers import request_food

    add_volunteer(db, ANA, "Ana")
    send(coordinator, en="Food drive Saturday. Can you help?")
    at_noon.shift(timedelta(minutes=5))
    request_food(make_phone("+15551234567"))
    reply = Phone(client, ANA).text("yes I can")
    assert "Thank you, the coordinators" not in reply
    assert reply.startswith("Reply ") and "to take task" in reply
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(BroadcastReply)) == 0


def test_words_starting_with_a_task_code_still_reach_its_resident(client, db, settings, coordinator, make_phone,
                                                                   at_noon):
    from .test_volunteers import request_food

    add_volunteer(db, ANA, "Ana")
    resident = make_phone("+15551234567")
    request_food(resident)
    with db.session() as session:
        code = re.search(r"\b(\d{3})\b", session.scalars(select(OutboxMessage.body)
                                                        .where(OutboxMessage.kind == "offer")).one()).group(1)
    ana = Phone(client, ANA)
    ana.text(code)
    at_noon.shift(timedelta(minutes=5))
    send(coordinator, en="Food drive Saturday. Can you help?")
    assert ana.text(f"{code} I am outside") == f"Sent to the resident of task {code}."
    # Without the code, after the broadcast, it is a reply, and they are told how to reach the resident.
    said = ana.text("Yes, Saturday works")
    assert said.startswith("Thank you, the coordinators have your reply. To write to the resident of task")
    with db.session() as session:
        assert [r.body for r in session.scalars(select(BroadcastReply))] == ["Yes, Saturday works"]


def test_after_the_resident_writes_to_their_volunteer_the_answer_reaches_the_resident(
        client, db, settings, coordinator, make_phone, at_noon):
    from .test_volunteers import request_food

    add_volunteer(db, ANA, "Ana")
    resident = make_phone("+15551234567")
    request_food(resident)
    with db.session() as session:
        code = re.search(r"\b(\d{3})\b", session.scalars(select(OutboxMessage.body)
                                                        .where(OutboxMessage.kind == "offer")).one()).group(1)
    ana = Phone(client, ANA)
    ana.text(code)
    at_noon.shift(timedelta(minutes=5))
    send(coordinator, en="Food drive Saturday. Can you help?")
    at_noon.shift(timedelta(minutes=5))
    assert resident.text("Are you coming soon?") == "Sent to Ana."
    assert ana.text("Yes, 5 minutes away") == f"Sent to the resident of task {code}."
    assert ("+15551234567", "Ana (volunteer): Yes, 5 minutes away") in outbox(db, kind="relay")
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(BroadcastReply)) == 0
    # Once the task is over, the words about it are answered: the next text replies to the broadcast.
    ana.text(f"DONE {code}")
    assert ana.text("Saturday works too").startswith("Thank you, the coordinators have your reply.")


def test_replies_to_broadcasts_are_removed_with_old_messages(client, db, settings, coordinator, at_noon):
    from hotline.privacy import retention

    add_volunteer(db, ANA, "Ana")
    send(coordinator, en="Food drive Saturday.")
    Phone(client, ANA).text("Count me in")
    at_noon.shift(timedelta(days=settings.retain_messages_days + 1))
    with db.session() as session:
        retention.purge(session, settings, datetime.now(timezone.utc))
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(BroadcastReply)) == 0


def test_a_text_long_after_a_broadcast_is_no_reply_to_it(client, db, settings, coordinator, at_noon):
    add_volunteer(db, ANA, "Ana")
    send(coordinator, en="Food drive Saturday.")
    at_noon.shift(timedelta(hours=settings.broadcast_reply_hours + 1))
    assert Phone(client, ANA).text("hello") != "Thank you, the coordinators have your reply."
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(BroadcastReply)) == 0


def test_someone_left_out_of_a_broadcast_has_nothing_to_reply_to(client, db, settings, coordinator):
    crowd(db, settings)
    send(coordinator, en="Food drive Saturday.", es="Colecta el sábado.")
    Phone(client, BO).text("I can help")  # paused: got nothing
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(BroadcastReply)) == 0


def test_viewer_sees_broadcasts_but_cannot_send(app, db, coordinator):
    add_volunteer(db, ANA, "Ana")
    form = send_form(preview(coordinator, en="Food drive Saturday."))
    viewer = signed_in(app, db, "viewer")
    page = viewer.get("/broadcasts")
    assert page.status_code == 200
    assert "Your role can look at broadcasts but not send them." in text(page)
    assert 'action="/broadcasts/preview"' not in page.get_data(as_text=True)
    token = csrf_token(viewer, "/broadcasts")
    assert viewer.post("/broadcasts/preview", data={**preview_form(en="Hi"), "csrf_token": token}).status_code == 403
    assert viewer.post("/broadcasts/send", data={**form, "csrf_token": token}).status_code == 403
    assert outbox(db) == []


def test_broadcast_forms_without_csrf_are_refused(db, coordinator):
    add_volunteer(db, ANA, "Ana")
    assert coordinator.post("/broadcasts/preview", data=preview_form(en="Hi")).status_code == 400
    form = send_form(preview(coordinator, en="Food drive Saturday."))
    form.pop("csrf_token")
    assert coordinator.post("/broadcasts/send", data=form).status_code == 400
    assert outbox(db) == []


@pytest.mark.parametrize("change, says", [
    ({"skill": "juggling"}, "Choose a skill from the list."),
    ({"language": "xx"}, "Choose a language from the list."),
    ({"area": "99999"}, "Choose an area from the list."),
    ({"status": "everyone"}, "Choose who to include from the list."),
    ({"text_en": ""}, "Write the text in English."),
    ({"text_en": "x" * 641}, "has 641 characters: a broadcast holds at most 640"),
    ({"text_en": "x" * 5000}, "has 5,000 characters: a broadcast holds at most 640"),
    ({"skill": "driving"}, "Nobody fits these filters"),
])
def test_malformed_broadcasts_are_refused_plainly(db, coordinator, change, says):
    add_volunteer(db, ANA, "Ana")
    response = post(coordinator, "/broadcasts/preview", {**preview_form(en="Food drive Saturday."), **change})
    assert response.status_code == 400
    assert says in text(response)


def test_an_oversized_broadcast_request_is_refused(db, coordinator):
    add_volunteer(db, ANA, "Ana")
    response = post(coordinator, "/broadcasts/preview", preview_form(en="x" * 100_000))
    assert response.status_code == 413


def test_broadcast_is_audited_with_counts_and_filters_never_numbers(db, settings, coordinator):
    crowd(db, settings)
    send(coordinator, en="Food drive Saturday.", es="Colecta el sábado.")
    with db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "broadcast_sent")).one()
        assert entry.actor == "coordinator@example.org"
        assert entry.after["recipients"] == 2 and entry.after["queued"] == 2 and entry.after["held"] == 0
        assert entry.after["filters"] == {"audience": "volunteers", "skill": "food", "status": "any"}
        assert entry.after["languages"] == ["en", "es"]
        assert not any(number[2:] in str(entry.after) for number in (ANA, GUS))
    assert "Sent a broadcast to volunteers" in text(coordinator.get("/audit"))


def test_the_measure_under_a_box_counts_segments_as_carriers_do(db, coordinator):
    response = post(coordinator, "/broadcasts/measure", {"language": "en", "count": "10", "text_en": "a" * 161})
    assert "Segments: 2 (GSM-7)" in text(response)
    response = post(coordinator, "/broadcasts/measure", {"language": "es", "count": "10", "text_es": "¿sí? " * 20})
    assert "Segments: 2 (UCS-2)" in text(response)
    assert post(coordinator, "/broadcasts/measure", {"language": "xx", "count": "1"}).status_code == 400
    assert post(coordinator, "/broadcasts/measure", {"language": "en", "count": "-1"}).status_code == 400


def test_a_text_longer_than_a_broadcast_holds_is_refused_whole_and_the_coordinator_told(db, coordinator):
    add_volunteer(db, ANA, "Ana")
    words = "Food drive Saturday. " * 35  # 735 characters
    response = preview(coordinator, en=words)
    assert response.status_code == 400
    assert "The text in English has 734 characters: a broadcast holds at most 640." in text(response)
    assert words.strip() in response.get_data(as_text=True)  # still in the box, whole
    assert outbox(db) == []


def test_the_box_takes_a_pasted_text_longer_than_it_holds_and_its_count_says_so(db, coordinator):
    add_volunteer(db, ANA, "Ana")
    page = coordinator.get("/broadcasts?choose=1&skill=food&status=any").get_data(as_text=True)
    box = re.search(r'<textarea id="text-en"[^>]*>', page).group(0)
    assert "maxlength" not in box  # a browser would cut a paste without a word
    response = post(coordinator, "/broadcasts/measure", {"language": "en", "count": "1", "text_en": "x" * 1500})
    assert "Characters: 1500" in text(response)
    assert "Too long: 1500 characters, and a broadcast holds at most 640." in text(response)
    short = post(coordinator, "/broadcasts/measure", {"language": "en", "count": "1", "text_en": "x" * 640})
    assert "Too long" not in text(short)


@pytest.mark.parametrize("audience", ["volunteers", "residents"])
def test_an_empty_box_counts_no_segments_and_costs_nothing(db, coordinator, audience):
    response = post(coordinator, "/broadcasts/measure",
                    {"language": "en", "count": "25", "text_en": "", "audience": audience})
    words = text(response)
    assert "Characters: 0" in words and "Segments: 0" in words and "Cost: about $0.00" in words
    one = post(coordinator, "/broadcasts/measure",
               {"language": "en", "count": "25", "text_en": "Hi", "audience": audience})
    assert "Segments: 1" in text(one)


def test_a_new_broadcasts_boxes_start_at_no_segments(db, coordinator):
    add_volunteer(db, ANA, "Ana")
    words = text(coordinator.get("/broadcasts?choose=1&skill=food&status=any"))
    assert "Segments: 0" in words and "Segments: 1" not in words and "Cost: about $0.00" in words


def test_areas_read_as_people_say_them_never_as_keys(db, settings, coordinator):
    add_volunteer(db, ANA, "Ana", areas="02139, Riverside")
    page = coordinator.get("/broadcasts").get_data(as_text=True)
    select = page.split('name="area"', 1)[1].split("</select>", 1)[0]
    options = dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)<', select))
    assert options == {"": "Any area", "02139": "02139", "riverside": "Riverside", "zip3:021": "ZIP codes 021xx"}
    form = {**preview_form(en="Food drive Saturday."), "area": "zip3:021"}
    shown = post(coordinator, "/broadcasts/preview", form)
    assert shown.status_code == 200, text(shown)
    sent = coordinator.post("/broadcasts/send", data=send_form(shown), follow_redirects=True)
    assert "Area: ZIP codes 021xx" in text(sent) and "zip3" not in text(sent)


def test_erasing_a_volunteer_erases_their_replies_to_broadcasts(client, db, settings, coordinator):
    add_volunteer(db, ANA, "Ana")
    send(coordinator, en="Food drive Saturday.")
    ana = Phone(client, ANA)
    ana.text("Count me in")
    ana.text("DELETE")
    ana.text("1")
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(BroadcastReply)) == 0
        assert session.scalar(select(func.count()).select_from(BroadcastRecipient)
                              .where(BroadcastRecipient.contact_id.is_not(None))) == 0


@pytest.mark.parametrize("query", ["skill=juggling", "status=all", "language=" + "x" * 300, "area=*"])
def test_choosing_with_a_wrong_filter_is_refused_plainly(coordinator, query):
    response = coordinator.get("/broadcasts?choose=1&" + query)
    assert response.status_code == 400
    assert "from the list" in text(response)


def test_a_broadcast_that_does_not_exist_is_not_found(coordinator):
    assert coordinator.get("/broadcasts/999").status_code == 404
    assert post(coordinator, "/broadcasts/999/send-held", {}).status_code == 404


def test_a_reply_is_shown_to_viewers_without_numbers_or_addresses(app, db, client, coordinator):
    add_volunteer(db, ANA, "Ana")
    response = send(coordinator, en="Food drive Saturday.")
    Phone(client, ANA).text("Call me at 617-555-0199, I live at 12 Elm St")
    viewer = signed_in(app, db, "viewer")
    shown = text(viewer.get(response.headers["Location"]))
    assert "Ana" in shown
    assert "617-555-0199" not in shown and "12 Elm St" not in shown
    assert "617-555-0199" in text(coordinator.get(response.headers["Location"]))


def test_two_sends_of_one_preview_at_once_send_it_once(db, settings):
    import threading

    from hotline import broadcasts

    for i in range(6):
        add_volunteer(db, f"+1617555030{i}", f"V{i}")
    filters = broadcasts.Filters(skill="food")
    start = threading.Barrier(2)
    results = []

    def press_send() -> None:
        start.wait(timeout=10)  # both at once (SQLite then takes them in turn, PostgreSQL truly together)
        with db.session() as session:
            audience = broadcasts.choose(session, settings, filters, datetime.now(timezone.utc))
            sent = broadcasts.send(session, settings, filters=filters, texts={"en": "Food drive Saturday."},
                                   audience=audience, token="the-same-preview", actor="ana@example.org",
                                   user_id=None, now=datetime.now(timezone.utc))
            results.append(sent.created)

    threads = [threading.Thread(target=press_send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [False, True]
    assert len(outbox(db)) == 6

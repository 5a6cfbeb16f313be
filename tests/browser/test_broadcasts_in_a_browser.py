"""A broadcast as a coordinator sends one in Chromium: choose volunteers, write a text per language
and watch its segments, preview the count and the cost, send, and follow the texts going out,
with nothing axe-core calls serious, on a laptop and on a phone."""
from __future__ import annotations

import time
from dataclasses import replace

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from hotline.models import OutboxMessage

from ..test_volunteers import add_volunteer
from .conftest import SIZES
from .helpers import axe, horizontal_overflow, sign_in, wide_elements


@pytest.fixture
def settings(settings):
    """News texts offered to residents about food, as a group would set RESIDENT_UPDATES."""
    return replace(settings, resident_updates=("food",))


def deliver(app, db, count: int) -> None:
    """Run the queued sends (paced: one at a time) until `count` broadcast texts are out."""
    for _ in range(60):
        app.extensions["hotline"].queue.drain()
        with db.session() as session:
            statuses = list(session.scalars(select(OutboxMessage.status).where(OutboxMessage.kind == "broadcast")))
        if len(statuses) == count and all(s not in ("pending", "submitting") for s in statuses):
            return
        time.sleep(0.25)
    raise AssertionError(f"broadcast texts not out: {statuses}")


@pytest.mark.parametrize("size", SIZES)
def test_coordinator_previews_and_sends_a_broadcast_and_watches_it_go(open_page, app, db, size):
    # Nobody's quiet hours, whatever time the test runs at.
    add_volunteer(db, "+16175550101", "Ana", quiet_start=0, quiet_end=0)
    add_volunteer(db, "+16175550102", "Gus", languages="es", quiet_start=0, quiet_end=0)
    add_volunteer(db, "+16175550103", "Bo", status="paused")
    page = open_page(size)
    sign_in(page, db, "coordinator")
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Broadcasts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Broadcasts")
    assert not axe(page), "no broadcast yet"

    page.get_by_label("Skill").select_option(label="Food and groceries")
    page.get_by_role("button", name="Choose recipients").click()
    expect(page.locator("#recipient-count")).to_have_text("2 volunteers will get this broadcast.")
    expect(page.locator("#left-out")).to_contain_text("paused or resting 1")

    english = page.get_by_label("Text in English (1 volunteer)")
    english.fill("Food drive Saturday 10am at the church. Reply if you can help.")
    expect(page.locator("#measure-en")).to_contain_text("Characters: 62 · Segments: 1 (GSM-7)")
    spanish = page.get_by_label("Text in Español (1 volunteer)")
    spanish.fill("Colecta de comida el sábado a las 10 en la iglesia. ¿Puede ayudar? " * 2)
    expect(page.locator("#measure-es")).to_contain_text("Characters: 133 · Segments: 2 (UCS-2)")
    assert not axe(page), "writing a broadcast"
    assert horizontal_overflow(page) <= 0, wide_elements(page)

    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preview broadcast")
    expect(page.locator("#preview-count")).to_have_text("2")
    expect(page.locator("#preview-segments")).to_have_text("3")
    expect(page.locator("#preview-cost")).to_have_text("$0.02")
    assert not axe(page), "the preview"
    assert horizontal_overflow(page) <= 0, wide_elements(page)
    with db.session() as session:
        assert session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "broadcast")).all() == []

    page.get_by_role("button", name="Send to 2 volunteers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Broadcast 1")
    expect(page.locator(".flash.success")).to_have_text("Broadcast 1 is on its way to 2 volunteers.")
    expect(page.locator("#progress-sent")).to_have_text("0 of 2 sent")
    expect(page.locator("#progress-waiting")).to_contain_text("quiet hours): 2")

    deliver(app, db, 2)
    # The page follows the texts by itself (axe below stops its refreshes).
    expect(page.locator("#progress-sent")).to_have_text("2 of 2 sent")
    expect(page.locator("#progress-waiting")).to_contain_text("quiet hours): 0")
    assert not axe(page), "a broadcast sent"
    assert horizontal_overflow(page) <= 0, wide_elements(page)

    page.get_by_role("link", name="All broadcasts").click()
    row = page.locator("#broadcast-1")
    expect(row).to_contain_text("coordinator@example.org")
    assert not axe(page), "the list of broadcasts"
    assert horizontal_overflow(page) <= 0, wide_elements(page)


def test_news_for_residents_who_asked_is_previewed_with_its_stop_line_on_a_phone(open_page, db):
    from hotline.models import Contact, UpdateConsent

    with db.session() as session:
        for i, language in enumerate(("en", "es")):
            contact = Contact(phone=f"+1555123000{i}", language=language, language_source="chosen")
            session.add(contact)
            session.flush()
            session.add(UpdateConsent(contact_id=contact.id, kind="food", wanted=True, source="asked"))
    page = open_page("phone")
    sign_in(page, db, "coordinator")
    page.goto("/broadcasts")
    page.get_by_label("Send to").select_option(label="Residents who asked for news")
    page.get_by_label("News about (residents)").select_option(label="Food")
    page.get_by_role("button", name="Choose recipients").click()
    expect(page.locator("#recipient-count")).to_have_text("2 residents will get this broadcast.")
    page.get_by_label("Text in English (1 resident)").fill("Free groceries Saturday at the library.")
    page.get_by_label("Text in Español (1 resident)").fill("Comida gratis el sábado en la biblioteca.")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview-en")).to_contain_text("Free groceries Saturday at the library. "
                                                        "Reply UPDATES to stop these news texts.")
    expect(page.get_by_role("button", name="Send to 2 residents")).to_be_visible()
    assert not axe(page), "previewing news for residents"
    assert horizontal_overflow(page) <= 0, wide_elements(page)

"""The practice phone (`/try`) in Chromium: a Spanish request from the made-up resident, a demo
volunteer claiming it with the code from their offer, and a call by keypad; at a phone's width
and a laptop's, checked with axe-core. Nothing reaches the live database."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, func, select

from hotline.models import Base

from .helpers import axe, horizontal_overflow, sign_in, wide_elements


def row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        counts = {table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
                  for table in Base.metadata.sorted_tables}
    engine.dispose()
    return counts


def send(page, words: str) -> None:
    page.get_by_label("Text to the hotline").fill(words)
    page.get_by_role("button", name="Send text").click()


def thread(page):
    return page.get_by_role("list", name="What this phone sent and received")


def fits(page) -> None:
    assert horizontal_overflow(page) <= 0, wide_elements(page)
    violations = axe(page)
    assert not violations, str(violations)


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_a_spanish_request_then_a_demo_volunteer_claims_it(open_page, db, settings, size):
    page = open_page(size)
    sign_in(page, db, "viewer")
    before = row_counts(settings.database_url)
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Practice phone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice phone")
    expect(thread(page)).to_contain_text("Nothing yet")
    fits(page)

    page.get_by_label("The resident's language").select_option("es")
    page.get_by_role("button", name="Use this language").click()
    expect(page.get_by_text("The hotline writes to this phone in Español.")).to_be_visible()
    send(page, "hola")
    expect(thread(page)).to_contain_text("¿Con qué necesita ayuda?")
    # The next text can be typed at once.
    expect(page.get_by_label("Text to the hotline")).to_be_focused()
    send(page, "1")
    expect(thread(page)).to_contain_text("¿Qué comida necesita")
    send(page, "Arroz y leche para tres")
    expect(thread(page)).to_contain_text("¿Dónde está?")
    send(page, "02139")
    expect(thread(page)).to_contain_text("Revise, por favor")
    send(page, "1")
    expect(thread(page)).to_contain_text("Su solicitud es la")
    fits(page)

    page.get_by_role("navigation", name="Practice phones").get_by_role("link", name="Ben, volunteer").click()
    expect(thread(page)).to_contain_text("New task")
    offer = thread(page).inner_text()
    code = re.search(r"Reply (\d+) to take it", offer).group(1)
    send(page, code)
    expect(thread(page)).to_contain_text(f"Task {code} is yours")
    fits(page)

    page.get_by_role("navigation", name="Practice phones").get_by_role("link", name="Made-up resident").click()
    expect(thread(page)).to_contain_text("Buenas noticias: Ben")
    assert row_counts(settings.database_url) == before


def test_a_call_by_keypad_shows_what_the_hotline_says(open_page, db, settings):
    page = open_page("phone")
    sign_in(page, db, "coordinator")
    before = row_counts(settings.database_url)
    page.goto("/try")
    page.get_by_role("button", name="Call the hotline").click()
    expect(thread(page)).to_contain_text("For English, press 1.")
    keypad = page.get_by_role("group", name="Keypad")
    fits(page)
    keypad.get_by_role("button", name="2", exact=True).click()
    expect(thread(page)).to_contain_text("Pressed 2")
    expect(thread(page)).to_contain_text("Comida: oprima 1.")
    keypad.get_by_role("button", name="1", exact=True).click()
    expect(thread(page)).to_contain_text("¿Qué comida necesita")
    page.get_by_label("What the caller says").fill("pan y huevos")
    page.get_by_role("button", name="Say it").click()
    expect(thread(page)).to_contain_text("Said: pan y huevos")
    fits(page)
    page.get_by_role("button", name="Hang up").click()
    expect(thread(page)).to_contain_text("Hung up.")
    expect(page.get_by_role("button", name="Call the hotline")).to_be_visible()
    assert row_counts(settings.database_url) == before

"""The open records page in Chromium: readable in English, Spanish and Arabic (right to left), on a
phone and a laptop, its charts drawn, axe-core clean."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from hotline import needs

from ..test_open_records import add_history
from .conftest import SIZES
from .helpers import axe, horizontal_overflow, wide_elements

HISTORY = ([("food", "en", needs.DONE, d, 2) for d in range(0, 60, 2)]
           + [("ride", "es", needs.DONE, d, 5) for d in range(0, 60, 3)]
           + [("housing", "ar", needs.OPEN, d, None) for d in range(0, 60, 6)]
           + [("health", "zh", needs.DONE, 3, 1)] * 2)
HEADINGS = {"en": "What our hotline did", "es": "Lo que hizo nuestra línea", "ar": "ما قام به خطنا الساخن"}


def add_fund(db) -> None:
    """A grant in and two payments out, last month and this one."""
    from datetime import date, datetime, timedelta, timezone

    from sqlalchemy import select

    from hotline.models import FundEntry, Need

    today = date.today()
    with db.session() as session:
        paid = session.scalars(select(Need.id).order_by(Need.id).limit(2)).all()
        common = dict(currency="USD", entered_by="ana@example.org", entered_at=datetime.now(timezone.utc),
                      needs_approval=False, note="", reason="")
        session.add(FundEntry(direction="in", amount_cents=50000, on_date=today - timedelta(days=40), source="grant",
                              **{**common, "note": "City grant"}))
        for need_id, cents in zip(paid, (8000, 4000)):
            session.add(FundEntry(direction="out", amount_cents=cents, on_date=today, method="cash", need_id=need_id,
                                  **common))
        session.commit()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["en", "es", "ar"])
def test_the_open_records_read_right_with_their_charts_in_every_size(open_page, site, db, lang, size):
    from datetime import datetime, timezone

    add_history(db, HISTORY, now=datetime.now(timezone.utc))
    add_fund(db)
    page = open_page(size)
    page.goto(f"/open?lang={lang}")
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADINGS[lang])
    assert page.locator("html").get_attribute("lang") == lang
    assert (page.locator("html").get_attribute("dir") == "rtl") == (lang == "ar")
    charts = page.locator("figure img")
    expect(charts).to_have_count(3)
    for index in range(3):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        drawn(chart)
    # Every figure is in a table too, for who cannot see the chart.
    expect(page.locator("table")).to_have_count(5)
    expect(page.locator("#fund-balance")).to_contain_text("380")
    violations = axe(page)
    assert not violations, f"/open?lang={lang}: {violations}"
    assert horizontal_overflow(page) <= 0, wide_elements(page)


def test_the_page_follows_the_browsers_language_and_its_language_links(browser, site, db):
    context = browser.new_context(base_url=site, locale="es-ES")
    try:
        page = context.new_page()
        page.goto("/open")
        expect(page.get_by_role("heading", level=1)).to_have_text(HEADINGS["es"])
        page.get_by_role("link", name="العربية").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(HEADINGS["ar"])
        assert page.locator("html").get_attribute("dir") == "rtl"
    finally:
        context.close()


def drawn(image, seconds: float = 10) -> None:
    """Wait until an image has loaded and has a size (polled from here: the page's CSP forbids eval)."""
    import time

    deadline = time.monotonic() + seconds
    while not image.evaluate("img => img.complete && img.naturalWidth > 0"):
        assert time.monotonic() < deadline, "the chart never loaded"
        time.sleep(0.1)

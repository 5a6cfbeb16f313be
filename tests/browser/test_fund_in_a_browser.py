"""The Fund page as coordinators use it in Chromium: money in, a large payment entered by one and
approved by another, the totals the public page shows, and nothing axe-core calls serious."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from hotline.models import OutboxMessage

from .conftest import SIZES
from .helpers import add_need, axe, hold_still, horizontal_overflow, sign_in, wide_elements


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login**")


@pytest.mark.parametrize("size", SIZES)
def test_one_coordinator_enters_a_payment_and_another_approves_it(open_page, site, db, size):
    ref = add_need(db, "+15551230007", "money", "Rent is due Friday", "Riverside, 02140", "es")
    page = open_page(size)
    sign_in(page, db, "coordinator", "ana@example.org")
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Fund").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emergency fund")
    assert not axe(page), "empty fund"

    money_in = page.get_by_role("region", name="Money in")
    money_in.get_by_label("Amount (USD)").fill("1000")
    money_in.get_by_label("Where it came from").select_option(label="Grant")
    money_in.get_by_label("Public note").fill("City neighbourhood grant")
    money_in.get_by_role("button", name="Record money in").click()
    expect(page.get_by_role("status")).to_contain_text("Money in recorded as entry 1.")
    expect(page.locator("#fund-balance")).to_have_text("$1,000.00")

    money_out = page.get_by_role("region", name="Money out")
    money_out.get_by_label("Request reference").fill(ref)
    money_out.get_by_label("Amount (USD)").fill("350")
    money_out.get_by_label("How it was sent").select_option(label="Bank transfer")
    money_out.get_by_role("button", name="Record money out").click()
    expect(page.get_by_role("status")).to_contain_text("waits for a second coordinator's approval")
    expect(page.locator("#fund-balance")).to_have_text("$1,000.00")
    expect(page.locator("#fund-pending")).to_have_text("$350.00")
    row = page.locator("#entry-2")
    expect(row).to_contain_text("waiting for approval")
    expect(row.get_by_role("button", name="Approve")).to_have_count(0)  # not by the one who entered it
    hold_still(page)
    assert not axe(page), "a pending payment"
    assert horizontal_overflow(page) <= 0, wide_elements(page)

    sign_out(page)
    sign_in(page, db, "coordinator", "ben@example.org")
    page.goto("/fund")
    page.locator("#entry-2").get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("Entry 2 counts; the resident is told by text.")
    expect(page.locator("#fund-balance")).to_have_text("$650.00")
    expect(page.locator("#entry-2")).to_contain_text("approved by ben@example.org")
    assert not axe(page), "an approved payment"

    with db.session() as session:
        told = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "fund_paid")).one()
        assert told.body.startswith("La línea de ayuda le envió $350.00 por transferencia bancaria")

    # The request's page shows the payment, for whoever reads it next.
    page.goto(f"/needs/{ref}")
    expect(page.get_by_role("region", name="Emergency fund")).to_contain_text("$350.00")
    assert not axe(page), "the request's page with its payment"

    # The public page says the same, to the cent.
    page.goto("/open?lang=en")
    expect(page.locator("#fund-balance")).to_have_text("$650.00")
    expect(page.locator("#fund-out")).to_have_text("$350.00")
    assert not axe(page), "open records with the fund"

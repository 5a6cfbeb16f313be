"""The console as a person meets it: in Chromium, at a phone's width and a laptop's, by mouse and
by keyboard, and as assistive technology reads it (axe-core)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from hotline import coordinators
from hotline.models import Need, NeedEvent, OutboxMessage

from .conftest import SIZES
from .helpers import (add_need, add_volunteer, axe, hold_still, horizontal_overflow, number_shown, sign_in,
                      text_a_food_request, the_need, wide_elements)

RESIDENT = "+15551234567"
ROLES = {"admin": "Admin", "coordinator": "Coordinator", "viewer": "Viewer"}


def seed_queue(site, db) -> str:
    """A queue worth looking at: a need texted in (nobody to help, so it needs a person), an urgent one in
    Spanish, a ride and a voicemail; return the texted need's reference."""
    ref = text_a_food_request(site, RESIDENT, details="Groceries for 3 people, no pork. Call 555 123 4567")
    add_need(db, "+15551230001", "housing", "Se inundó el apartamento, dos niños", "Calle 5 y Main, 02139", "es",
             urgent=True)
    add_need(db, "+15551230002", "ride", "To the clinic on Tuesday at 9", "Riverside, 02140", "en")
    add_need(db, "+15551230003", "other", "[voicemail]", "", "en", attention=coordinators.VOICEMAIL)
    return ref


# Signing in


@pytest.mark.parametrize("role", ROLES)
def test_each_role_signs_in_through_the_form_and_lands_on_the_queue(open_page, db, role):
    page = open_page()
    email = sign_in(page, db, role)
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs")
    expect(page.locator("header.top")).to_contain_text(f"{email} · {ROLES[role]}")
    expect(page.get_by_role("navigation", name="Console").get_by_role("link", name="Needs")) \
        .to_have_attribute("aria-current", "page")


def test_a_wrong_password_is_shown_as_an_error_next_to_the_form(open_page, db):
    from ..console import add_user

    add_user(db, "coordinator@example.org", "coordinator")
    page = open_page()
    page.goto("/login")
    page.get_by_label("Email").fill("coordinator@example.org")
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("That email and password do not match an active account.")
    # The error is tied to the field, and the email typed stays for another try.
    expect(page.get_by_label("Email")).to_have_attribute("aria-describedby", "login-error")
    expect(page.get_by_label("Email")).to_have_value("coordinator@example.org")
    assert page.url.endswith("/login")


# The queue keeps itself up to date


def test_a_texted_need_appears_in_the_open_queue_without_a_reload(open_page, site, db):
    page = open_page()
    sign_in(page, db, "coordinator")
    expect(page.get_by_role("heading", name="0 requests")).to_be_visible()
    # A reload would lose this mark: it proves the row came in by the page's own refresh.
    page.evaluate("() => { window.__sameDocument = true; }")

    ref = text_a_food_request(site, RESIDENT)

    expect(page.get_by_role("table").get_by_role("link", name=ref)).to_be_visible()
    expect(page.get_by_role("heading", name="1 request", exact=True)).to_be_visible()
    # Nobody could be asked, so it is also on top, waiting for a person.
    attention = page.get_by_role("region", name="Needs a person")
    expect(attention.get_by_role("link", name=ref)).to_be_visible()
    expect(attention).to_contain_text("Nobody claimed it after the last wave")
    assert page.evaluate("() => window.__sameDocument") is True


# Acting on a need


def test_a_coordinator_assigns_a_need_and_writes_to_the_resident(open_page, site, db):
    ref = text_a_food_request(site, RESIDENT)
    add_volunteer(db, "+15557654321", "Ana")
    page = open_page()
    sign_in(page, db, "coordinator")

    page.get_by_role("table").get_by_role("link", name=ref).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Request {ref}")
    page.get_by_label("Give it to a volunteer").select_option(label="Ana (***4321)")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("status")).to_contain_text("Ana is on it and has the details by text.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Helper on it")

    page.get_by_label("A text to the resident, from the hotline's number").fill("Ana will bring it by 6 tonight.")
    page.get_by_role("button", name="Send to the resident").click()
    expect(page.get_by_role("status")).to_contain_text("Message queued to the resident.")
    expect(page.get_by_role("list", name="Everything that happened")).to_contain_text("Ana will bring it by 6 tonight.")

    need = the_need(db, ref)
    assert need.status == "claimed"
    with db.session() as session:
        outbox = [(row.to, row.kind, row.body) for row in session.scalars(
            select(OutboxMessage).where(OutboxMessage.need_id == need.id).order_by(OutboxMessage.id))]
        actors = {e.kind: e.actor for e in session.scalars(select(NeedEvent).where(NeedEvent.need_id == need.id))}
    to_ana = [body for to, kind, body in outbox if to == "+15557654321"]
    assert len(to_ana) == 1 and "Groceries for 3 people, no pork" in to_ana[0] and "Elm St and 5th" in to_ana[0]
    to_resident = {kind: body for to, kind, body in outbox if to == RESIDENT}
    assert list(to_resident) == ["claimed", "coordinator"]
    assert "Ana, a volunteer, will help" in to_resident["claimed"]
    assert "Ana will bring it by 6 tonight." in to_resident["coordinator"]
    assert actors["assigned"] == actors["message"] == "coordinator@example.org"


# What a viewer may see and do


def test_a_viewer_never_sees_a_whole_phone_number_and_has_no_actions(open_page, site, db):
    ref = seed_queue(site, db)
    page = open_page()
    sign_in(page, db, "viewer")
    expect(page.get_by_role("table").get_by_role("link", name=ref)).to_be_visible()
    for where in ("/", f"/needs/{ref}"):
        page.goto(where)
        shown, html = page.locator("body").inner_text(), page.content()
        # Neither the number the resident texted from nor the one they wrote in their request.
        assert not number_shown(shown, RESIDENT) and not number_shown(html, RESIDENT), where
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Request {ref}")
    expect(page.locator("main")).to_contain_text("***4567")
    # Signing out is the only button a viewer has on a need's page, and no form there changes anything.
    assert page.get_by_role("button").all_inner_texts() == ["Sign out"]
    expect(page.locator(f"form[action*='/needs/{ref}']")).to_have_count(0)
    expect(page.get_by_role("heading", name="Act on it")).to_have_count(0)


@pytest.mark.parametrize("role", ["coordinator", "viewer"])
def test_a_post_without_the_csrf_token_is_refused(open_page, site, db, role):
    ref = text_a_food_request(site, RESIDENT)
    page = open_page()
    sign_in(page, db, role)
    # The browser's own session cookie goes with it: only the token is missing.
    response = page.request.post(f"/needs/{ref}/note", form={"note": "slipped in"}, max_redirects=0)
    assert response.status == 400
    assert "did not come from the console" in response.text()
    with db.session() as session:
        assert session.scalars(select(NeedEvent).where(NeedEvent.kind == "note")).all() == []


# Accessibility (axe-core), keyboard and layout


def test_the_accessibility_check_names_what_it_finds(open_page):
    page = open_page()
    page.goto("/login")
    # A field whose label no longer points at it: the check must catch it, or its silence means nothing.
    page.evaluate("() => document.querySelector('label[for=password]').removeAttribute('for')")
    violations = axe(page)
    assert [v["id"] for v in violations] == ["label"]
    assert "Form elements must have labels" in str(violations) and "#password" in str(violations)


@pytest.mark.parametrize("size", SIZES)
def test_the_login_page_has_no_serious_accessibility_problems(open_page, size):
    page = open_page(size)
    page.goto("/login")
    violations = axe(page)
    assert not violations, str(violations)
    assert horizontal_overflow(page) <= 0, wide_elements(page)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("role", ["coordinator", "viewer"])
def test_the_queue_and_a_need_have_no_serious_accessibility_problems(open_page, site, db, role, size):
    ref = seed_queue(site, db)
    page = open_page(size)
    sign_in(page, db, role)
    expect(page.get_by_role("region", name="Needs a person")).to_be_visible()
    expect(page.get_by_role("heading", name="4 requests")).to_be_visible()
    violations = axe(page)
    assert not violations, f"queue: {violations}"

    page.goto(f"/needs/{ref}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Request {ref}")
    violations = axe(page)
    assert not violations, f"need {ref}: {violations}"


@pytest.mark.parametrize("size", SIZES)
def test_no_page_scrolls_sideways_even_on_a_phone(open_page, site, db, size):
    ref = seed_queue(site, db)
    add_volunteer(db, "+15557654321", "Ana")
    page = open_page(size)
    sign_in(page, db, "coordinator")
    for where in ("/", f"/needs/{ref}"):
        page.goto(where)
        hold_still(page)
        assert horizontal_overflow(page) <= 0, (where, wide_elements(page))


@pytest.mark.parametrize("where", ["queue", "need"])
def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_main_content(open_page, site, db, where):
    ref = text_a_food_request(site, RESIDENT)
    page = open_page()
    sign_in(page, db, "coordinator")
    if where == "need":
        page.goto(f"/needs/{ref}")
    hold_still(page)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, "the focused skip link is off screen"
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next stop is inside the content, past the navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_the_queue_refreshing_itself_leaves_the_keyboard_focus_where_it_was(open_page, site, db):
    ref = seed_queue(site, db)
    page = open_page()
    sign_in(page, db, "coordinator")
    link = page.get_by_role("table").get_by_role("link", name=ref)
    link.focus()
    expect(link).to_be_focused()
    # A refresh swaps the lists in only when something changed: make a change, wait for it.
    page.evaluate("""() => {
        window.__swaps = 0;
        document.body.addEventListener("htmx:afterSettle", () => { window.__swaps += 1; });
    }""")
    newer = text_a_food_request(site, "+15551239876")
    expect(page.get_by_role("table").get_by_role("link", name=newer)).to_be_visible()
    page.wait_for_function("() => window.__swaps > 0")
    expect(page.get_by_role("table").get_by_role("link", name=ref)).to_be_focused()


# The other rooms: volunteers, rides, the audit log, accounts, exports


def test_approving_a_volunteer_sends_the_welcome_text_and_the_audit_log_shows_it(open_page, site, db, app):
    from hotline import volunteers
    from hotline.clock import now

    with db.session() as session:
        pending = volunteers.save(session, volunteers.VolunteerSpec(
            phone="+15557650001", first_name="Rosa", skills="food", languages="es", areas="02140",
            availability="any", consent_method="sms sign-up", status="pending"), now=now())
        pending.consent_at = pending.created_at
    page = open_page("phone")
    sign_in(page, db, "coordinator")
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Volunteers").click()
    page.get_by_role("button", name="Approve Rosa").click()
    expect(page.get_by_role("status")).to_contain_text("Rosa")
    app.extensions["hotline"].queue.drain()
    with db.session() as session:
        welcome = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "welcome")).one()
        assert welcome.to == "+15557650001" and welcome.status in ("sent", "delivered", "queued")
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("main")).to_contain_text("Approved a volunteer")
    assert not axe(page), "audit log"


def test_a_csv_export_downloads_and_is_found_in_the_audit_log(open_page, site, db):
    seed_queue(site, db)
    page = open_page()
    sign_in(page, db, "admin")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    path = download.value.path()
    content = open(path, encoding="utf-8-sig").read()
    assert "Groceries for 3 people" in content and RESIDENT not in content  # masked by default
    page.goto("/audit?action=export")
    expect(page.get_by_role("main")).to_contain_text("Exported a CSV")


def block_and_mute(db) -> None:
    """One number blocked for a week, one muted: both lists of the blocked numbers page have a row."""
    from hotline.clock import now
    from hotline.config import Settings
    from hotline.guard import blocks
    from hotline.models import Contact

    settings = Settings()
    with db.session() as session:
        blocks.block(session, settings, "+15550004444", "threatening texts to volunteers", 7, actor="test", now=now())
        bot = Contact(phone="+15550005555", created_at=now(), last_seen_at=now())
        session.add(bot)
        blocks.mute(bot, settings, blocks.AUTO_REPLY, now())


@pytest.mark.parametrize("size", SIZES)
def test_the_other_pages_have_no_serious_accessibility_problems_and_fit_a_phone(open_page, site, db, size):
    seed_queue(site, db)
    volunteer = add_volunteer(db, "+15557654321", "Ana", skills="driving,food")
    block_and_mute(db)
    page = open_page(size)
    sign_in(page, db, "admin")
    for where in ("/volunteers", f"/volunteers/{volunteer}", "/rides", "/rides?view=week", "/blocks", "/audit",
                  "/users"):
        page.goto(where)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        violations = axe(page)
        assert not violations, f"{where}: {violations}"
        assert horizontal_overflow(page) <= 0, (where, wide_elements(page))


@pytest.mark.parametrize("lang", ["ar", "es", "ru"])
def test_the_console_in_another_language_reads_right_and_fits_a_phone(open_page, site, db, lang):
    ref = seed_queue(site, db)
    page = open_page("phone")
    sign_in(page, db, "coordinator")
    for where in (f"/needs?lang={lang}", f"/needs/{ref}?lang={lang}", f"/volunteers?lang={lang}"):
        page.goto(where)
        assert page.locator("html").get_attribute("lang") == lang
        if lang == "ar":
            assert page.locator("html").get_attribute("dir") == "rtl"
        hold_still(page)
        assert horizontal_overflow(page) <= 0, (where, wide_elements(page))
        violations = axe(page)
        assert not violations, f"{where}: {violations}"


@pytest.mark.parametrize("size", SIZES)
def test_a_need_with_helpers_notes_and_a_helper_not_home_reads_well_on_any_screen(open_page, site, db, size):
    from hotline.dispatch import notes, safety

    ref = add_need(db, "+15551230009", "food", "groceries for 3", "Elm St, 02139", "en",
                   attention=coordinators.SAFETY_UNANSWERED)
    with db.session() as session:
        need = session.scalars(select(Need).where(Need.ref == ref)).one()
        need.events.append(NeedEvent(kind=notes.EVENT, note="Rosa: " + "nobody-answered-the-door-" * 6))
        need.events.append(NeedEvent(kind=safety.UNANSWERED, note="Rosa"))
    page = open_page(size)
    sign_in(page, db, "coordinator")
    page.goto(f"/needs/{ref}")
    expect(page.get_by_role("region", name="Notes from helpers")).to_be_visible()
    expect(page.get_by_text("A helper out after dark has not said they got home")).to_be_visible()
    hold_still(page)
    violations = axe(page)
    assert not violations, str(violations)
    assert horizontal_overflow(page) <= 0, wide_elements(page)


@pytest.mark.parametrize("size", SIZES)
def test_the_check_in_pages_have_no_serious_accessibility_problems_and_fit_a_phone(open_page, site, app, db, size):
    from datetime import datetime, timedelta, timezone

    from hotline.dispatch import checkins
    from hotline.models import CheckInRound, Contact

    volunteer = add_volunteer(db, "+15557654321", "Ana", skills="health")
    settings = app.extensions["hotline"].settings
    with db.session() as session:
        contact = Contact(phone=RESIDENT, language="es")
        session.add(contact)
        session.flush()
        now = datetime.now(timezone.utc)
        plan = checkins.save(session, settings, contact, now, days="024",
                             local_time="09:30", channel="call", escalate_to="volunteer",
                             volunteer=session.get(checkins.Volunteer, volunteer), location="12 Elm St, 02139",
                             name="Rosa")
        session.add(CheckInRound(checkin=plan, wall="2026-12-07T09:30", due_at=now - timedelta(days=1),
                                 status=checkins.OK, tries=1, asked_at=now - timedelta(days=1),
                                 answered_at=now - timedelta(days=1), answer="1", answer_channel="voice"))
        plan_id = plan.id
    page = open_page(size)
    sign_in(page, db, "coordinator")
    for where in ("/checkins", f"/checkins/{plan_id}"):
        page.goto(where)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        violations = axe(page)
        assert not violations, f"{where}: {violations}"
        assert horizontal_overflow(page) <= 0, (where, wide_elements(page))

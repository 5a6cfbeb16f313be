"""The console's volunteers page: approvals, the roster and its workload flags, edits, pauses,
the CSV upload, who may do what, and the audit log of it all (the command line's too)."""
from __future__ import annotations

import html
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from hotline import volunteers
from hotline.cli import main
from hotline.models import AuditEntry, Availability, Contact, Need, Offer, OutboxMessage, Volunteer
from hotline.web.console import volunteers as page

from .console import csrf_token, post, signed_in
from .console import text as page_text
from .test_volunteers import add_volunteer, sent_to

def text(response) -> str:
    return html.unescape(page_text(response))


ZONE = ZoneInfo("America/New_York")  # the tests' HOTLINE_TIMEZONE
ANA, BO, CY = "+16175550101", "+16175550102", "+16175550103"


@pytest.fixture
def coordinator(app, db):
    return signed_in(app, db, "coordinator")


@pytest.fixture
def viewer(app, db):
    return signed_in(app, db, "viewer")


def volunteer(db, volunteer_id: int) -> Volunteer:
    with db.session() as session:
        found = session.get(Volunteer, volunteer_id)
        # Touch what the tests read, while the session is open.
        found.skills, found.languages, found.areas, found.availability, found.contact  # noqa: B018
        return found


def audit_rows(db, action: str | None = None) -> list[AuditEntry]:
    with db.session() as session:
        query = select(AuditEntry).order_by(AuditEntry.id)
        if action:
            query = query.where(AuditEntry.action == action)
        return list(session.scalars(query))


def add_task(db, volunteer_id: int, claimed_at: datetime, status: str = "done") -> None:
    """A task the volunteer claimed at `claimed_at` (a need of its own, as every claim is)."""
    with db.session() as session:
        count = session.scalar(select(Need.id).order_by(Need.id.desc()).limit(1)) or 0
        resident = session.scalar(select(Contact).where(Contact.phone == "+16175559999"))
        if resident is None:
            resident = Contact(phone="+16175559999")
            session.add(resident)
            session.flush()
        need = Need(ref=f"{100000 + count + 1}", contact_id=resident.id, category="food", language="en",
                    status="done" if status == "done" else "claimed", details="groceries", location="02139")
        session.add(need)
        session.flush()
        session.add(Offer(need_id=need.id, volunteer_id=volunteer_id, code="123", status=status,
                          offered_at=claimed_at, claimed_at=claimed_at))


def local(days_ago: int, hour: int) -> datetime:
    """`days_ago` days back at `hour` o'clock on the hotline's clock, as UTC."""
    day = datetime.now(ZONE) - timedelta(days=days_ago)
    return day.replace(hour=hour, minute=30, second=0, microsecond=0).astimezone(timezone.utc)


def upload(client, content: bytes, name: str = "volunteers.csv", **fields):
    from io import BytesIO

    token = csrf_token(client, "/volunteers")
    return client.post("/volunteers/import", data={"csrf_token": token, "file": (BytesIO(content), name), **fields},
                       content_type="multipart/form-data")


# -- who may do what -------------------------------------------------------------------------

def test_viewer_sees_the_roster_with_masked_numbers_and_no_action_buttons(viewer, db):
    add_volunteer(db, ANA, "Ana", status="active")
    add_volunteer(db, BO, "Bo", status="pending")
    index = viewer.get("/volunteers")
    assert index.status_code == 200
    words = text(index)
    assert "Ana" in words and "Bo" in words and "***0101" in words and "***0102" in words
    body = index.get_data(as_text=True)
    assert "6175550101" not in body and "6175550102" not in body
    assert "<button type=\"submit\">Approve" not in body and "/approve" not in body and "/volunteers/import" not in body
    ana = volunteer(db, 1)
    one = viewer.get(f"/volunteers/{ana.id}").get_data(as_text=True)
    assert "***0101" in one and "6175550101" not in one
    assert 'action="/volunteers/1/' not in one and "Edit their details" not in one


def test_coordinators_see_numbers_masked_in_lists_too(coordinator, db):
    add_volunteer(db, ANA, "Ana", status="active")
    add_volunteer(db, BO, "Bo", status="pending")
    body = coordinator.get("/volunteers").get_data(as_text=True)
    assert "***0101" in body and "***0102" in body
    assert "6175550101" not in body and "6175550102" not in body
    assert "Approve Bo" in body and "Decline Bo" in body


@pytest.mark.parametrize("path, data", [
    ("/volunteers/{id}/approve", {}),
    ("/volunteers/{id}/decline", {}),
    ("/volunteers/{id}/pause", {"days": "3"}),
    ("/volunteers/{id}/resume", {}),
    ("/volunteers/{id}/remove", {}),
    ("/volunteers/{id}/edit", {"first_name": "Eve", "skills": "food", "areas": "02139", "availability": "any"}),
])
def test_viewers_are_refused_every_volunteer_action(viewer, db, path, data):
    volunteer_id = add_volunteer(db, ANA, "Ana", status="pending")
    response = post(viewer, path.format(id=volunteer_id), data)
    assert response.status_code == 403
    assert volunteer(db, volunteer_id).status == "pending" and volunteer(db, volunteer_id).first_name == "Ana"
    assert sent_to(db, ANA) == []


def test_viewers_cannot_upload_a_csv(viewer, db):
    response = upload(viewer, b"phone,name,skills,areas\n+16175550111,Ana,food,02139\n")
    assert response.status_code == 403
    with db.session() as session:
        assert session.scalars(select(Volunteer)).first() is None


def test_a_form_without_its_csrf_token_is_refused(coordinator, db):
    volunteer_id = add_volunteer(db, ANA, "Ana", status="pending")
    for path in (f"/volunteers/{volunteer_id}/approve", f"/volunteers/{volunteer_id}/remove", "/volunteers/import"):
        assert coordinator.post(path, data={}).status_code == 400
    assert volunteer(db, volunteer_id).status == "pending"
    assert sent_to(db, ANA) == []


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/volunteers")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_unknown_volunteer_is_not_found(coordinator):
    assert coordinator.get("/volunteers/999").status_code == 404
    assert post(coordinator, "/volunteers/999/approve").status_code == 404


# -- approving and declining ------------------------------------------------------------------

def test_approving_a_volunteer_sends_the_welcome_text_at_once(app, coordinator, db):
    volunteer_id = add_volunteer(db, ANA, "Ana", status="pending")
    response = post(coordinator, f"/volunteers/{volunteer_id}/approve", {"next": "/volunteers"})
    assert response.status_code == 302 and response.headers["Location"] == "/volunteers"
    assert volunteer(db, volunteer_id).status == "active"
    with db.session() as session:
        welcome = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "welcome")).one()
        assert welcome.to == ANA and welcome.status == "pending" and "confirmed as a volunteer, Ana" in welcome.body
    assert app.extensions["hotline"].queue.drain() >= 1
    with db.session() as session:
        assert session.get(OutboxMessage, welcome.id).status == "sent"
    page_after = coordinator.get("/volunteers")
    assert "Ana is active; their welcome text is on its way." in text(page_after)
    entry = audit_rows(db, "volunteer_approved")[0]
    assert entry.actor == "coordinator@example.org" and entry.subject == f"volunteer {volunteer_id}"
    assert entry.before == {"status": "pending"}
    assert entry.after == {"status": "active", "welcome": welcome.id}


def test_approving_twice_sends_one_welcome(coordinator, db):
    volunteer_id = add_volunteer(db, ANA, "Ana", status="pending")
    post(coordinator, f"/volunteers/{volunteer_id}/approve")
    again = post(coordinator, f"/volunteers/{volunteer_id}/approve", follow=True)
    assert "Only a sign-up waiting for approval can be approved" in text(again)
    assert len(sent_to(db, ANA, "welcome")) == 1
    assert len(audit_rows(db, "volunteer_approved")) == 1


def test_of_two_coordinators_approving_at_once_only_one_sends_a_welcome(settings, db):
    from sqlalchemy import update

    volunteer_id = add_volunteer(db, ANA, "Ana", status="pending")
    with db.session() as session:
        seen = session.get(Volunteer, volunteer_id)  # the second coordinator's page still says pending
        session.execute(update(Volunteer.__table__).where(Volunteer.__table__.c.id == volunteer_id)
                        .values(status="active"))  # the first one's approval got there first
        assert seen.status == "pending"
        with pytest.raises(volunteers.VolunteerError) as refused:
            volunteers.approve(session, settings, seen)
        assert refused.value.code == "cannot_approve" and seen.status == "active"
    assert sent_to(db, ANA) == []


def test_approving_someone_who_never_agreed_to_texts_says_no_welcome_was_sent(coordinator, db):
    volunteer_id = add_volunteer(db, ANA, "Ana", status="pending", consent_at=None)
    response = post(coordinator, f"/volunteers/{volunteer_id}/approve", follow=True)
    assert "No welcome text was sent" in text(response)
    assert volunteer(db, volunteer_id).status == "active"
    assert sent_to(db, ANA) == []


def test_declining_a_sign_up_removes_it_without_texting_them(app, coordinator, db):
    volunteer_id = add_volunteer(db, ANA, "Ana", status="pending")
    response = post(coordinator, f"/volunteers/{volunteer_id}/decline", {"next": "/volunteers"}, follow=True)
    assert "Declined Ana's sign-up. They were not texted." in text(response)
    assert volunteer(db, volunteer_id).status == "removed"
    app.extensions["hotline"].queue.drain()
    assert sent_to(db, ANA) == []
    entry = audit_rows(db, "volunteer_declined")[0]
    assert entry.before == {"status": "pending"} and entry.after == {"status": "removed"}
    assert "Nobody is waiting." in text(coordinator.get("/volunteers"))


def test_pending_sign_ups_show_what_they_offer_and_the_decline_asks_first(coordinator, db):
    add_volunteer(db, ANA, "Ana", status="pending", skills="driving,food", languages="en,es",
                  areas="02139, Riverside", availability="mon-fri 9-17; sat 10-14")
    response = coordinator.get("/volunteers")
    words = text(response)
    assert "1 sign-up waiting for approval" in words
    for shown in ("Driving, Food and groceries", "English, Español", "02139, Riverside", "Mon-Fri 9-17; Sat 10-14"):
        assert shown in words
    assert re.search(r'<form[^>]+/decline"\s+data-confirm="Decline Ana\? They will not be texted\."',
                     response.get_data(as_text=True))


# -- the roster and workload ------------------------------------------------------------------

def test_busy_volunteers_stand_out_near_at_or_over_their_cap_or_with_night_tasks(coordinator, db):
    near = add_volunteer(db, ANA, "Ana", cap=3)
    at = add_volunteer(db, BO, "Bo", cap=2)
    nights = add_volunteer(db, CY, "Cy", cap=5)
    idle = add_volunteer(db, "+16175550104", "Dee", cap=3)
    over = add_volunteer(db, "+16175550105", "Eli", cap=1)
    for days_ago in (1, 2):
        add_task(db, near, local(days_ago, 14))
        add_task(db, at, local(days_ago, 14), status="claimed")
    add_task(db, at, local(20, 14))
    add_task(db, nights, local(10, 23))  # 23:30, in quiet hours 21-8
    add_task(db, nights, local(12, 6))  # 06:30, also quiet
    add_task(db, nights, local(40, 23))  # too long ago to count
    add_task(db, idle, local(12, 14), status="dropped")  # given back: not a task of theirs
    for days_ago in (0, 1):
        add_task(db, over, local(days_ago, 12))

    with db.session() as session:
        from hotline import workload
        found = [session.get(Volunteer, i) for i in (near, at, nights, idle, over)]
        loads = workload.for_volunteers(session, found, datetime.now(timezone.utc), "America/New_York")
    assert (loads[near].week, loads[near].month, loads[near].cap(3)) == (2, 2, "near")
    assert (loads[at].week, loads[at].month, loads[at].cap(2)) == (2, 3, "at")
    assert (loads[nights].week, loads[nights].month, loads[nights].nights, loads[nights].cap(5)) == (0, 2, 2, None)
    assert loads[nights].last == local(10, 23)
    assert (loads[idle].week, loads[idle].month, loads[idle].last) == (0, 0, None)
    assert loads[over].cap(1) == "over"

    response = coordinator.get("/volunteers")
    body = response.get_data(as_text=True)
    watch = body[body.index('id="strained-title"'):body.index('id="roster-title"')]
    assert "Ana" in watch and "Bo" in watch and "Cy" in watch and "Eli" in watch and "Dee" not in watch
    assert "near their weekly cap" in watch and "at their weekly cap" in watch and "over their weekly cap" in watch
    assert "2 night tasks in 30 days" in watch
    rows = {m.group(1): m.group(0) for m in re.finditer(r"<tr[^>]*>\s*<td[^>]*><a[^>]*>(\w+)</a>.*?</tr>", body, re.S)}
    assert 'class="strained"' in rows["Ana"] and 'class="strained"' not in rows["Dee"]
    assert re.search(r'data-label="Tasks, 7 days">2<.*data-label="Tasks, 30 days">3<', rows["Bo"], re.S)
    assert "none yet" in rows["Dee"]
    one = text(coordinator.get(f"/volunteers/{nights}"))
    assert "Night tasks, 30 days 2" in one and "0 of 5" in one


def test_the_roster_filters_by_status_skill_language_and_area_in_the_url(coordinator, db):
    add_volunteer(db, ANA, "Ana", skills="driving", languages="es", areas="02139")
    add_volunteer(db, BO, "Bo", skills="food", languages="en", areas="Riverside")
    add_volunteer(db, CY, "Cy", skills="food", status="paused")
    add_volunteer(db, "+16175550104", "Dee", skills="food", status="removed")

    def names(query: str) -> list[str]:
        body = coordinator.get("/volunteers" + query).get_data(as_text=True)
        table = body[body.index('id="roster-title"'):]
        return re.findall(r'<td data-label="Name"><a[^>]*>(\w+)</a>', table)

    assert names("") == ["Ana", "Bo", "Cy"]
    assert names("?status=paused") == ["Cy"]
    assert names("?status=removed") == ["Dee"]
    assert names("?status=all") == ["Ana", "Bo", "Cy", "Dee"]
    assert names("?skill=driving") == ["Ana"]
    assert names("?language=es") == ["Ana"]
    assert names("?area=river") == ["Bo"]
    assert names("?area=0213") == ["Ana", "Cy", "Dee"][:2]
    assert names("?skill=food&status=all&area=02139") == ["Cy", "Dee"]
    assert names("?status=bogus&skill=juggling") == ["Ana", "Bo", "Cy"]


def test_roster_tables_read_on_a_phone_with_labelled_cells(coordinator, db):
    add_volunteer(db, ANA, "Ana")
    add_volunteer(db, BO, "Bo", status="pending")
    body = coordinator.get("/volunteers").get_data(as_text=True)
    assert body.count('<table class="responsive') == 2
    assert re.findall(r"<td(?![^>]*data-label)[^>]*>", body) == []
    assert '<th scope="col">' in body and "<th>" not in body


def test_volunteer_pages_keep_to_the_content_security_policy(coordinator, db):
    volunteer_id = add_volunteer(db, ANA, "Ana", status="pending")
    for path in ("/volunteers", f"/volunteers/{volunteer_id}"):
        body = coordinator.get(path).get_data(as_text=True)
        assert "<script>" not in body and "<style" not in body
        assert not re.search(r"\sstyle=", body) and not re.search(r"\son[a-z]+=", body)
        assert "/static/volunteers.css" in body


# -- editing ----------------------------------------------------------------------------------

EDIT = {"first_name": "Anabel", "skills": ["driving", "interpreting"], "languages": ["es", "vi"],
        "areas": "02140, Riverside", "availability": "sat-sun 10-16", "weekly_cap": "5",
        "wheelchair_vehicle": "1", "notes": "Prefers mornings"}


def test_editing_a_volunteer_saves_every_field_and_audits_what_changed(coordinator, db):
    volunteer_id = add_volunteer(db, ANA, "Ana", cap=3)
    form = coordinator.get(f"/volunteers/{volunteer_id}").get_data(as_text=True)
    assert 'value="Ana"' in form and 'value="any"' in form and 'value="3"' in form
    response = post(coordinator, f"/volunteers/{volunteer_id}/edit", EDIT, follow=True)
    assert "Saved the changes to Anabel." in text(response)
    saved = volunteer(db, volunteer_id)
    assert saved.first_name == "Anabel" and saved.weekly_cap == 5 and saved.wheelchair_vehicle
    assert {s.skill for s in saved.skills} == {"driving", "interpreting"}
    assert {lang.language for lang in saved.languages} == {"es", "vi"}
    assert {a.label for a in saved.areas if a.label} == {"02140", "Riverside"}
    assert not saved.any_time and volunteers.format_availability(saved) == "sat-sun 10-16"
    assert saved.notes == "Prefers mornings"
    entry = audit_rows(db, "volunteer_edited")[0]
    assert entry.before["first_name"] == "Ana" and entry.after["first_name"] == "Anabel"
    assert entry.before["availability"] == "any" and entry.after["availability"] == "sat-sun 10-16"
    assert entry.after["skills"] == ["driving", "interpreting"] and "status" not in entry.after


@pytest.mark.parametrize("change, problem", [
    ({"availability": "sometimes"}, "Cannot read the availability “sometimes”"),
    ({"availability": "mon 17-9"}, "The hours in “mon 17-9” must run forwards within one day"),
    ({"skills": []}, "Choose at least one skill."),
    ({"skills": ["juggling"]}, "“juggling” is not a skill the hotline knows."),
    ({"areas": " , "}, "Write at least one area"),
    ({"first_name": "  "}, "Write their first name."),
    ({"weekly_cap": "-1"}, "The weekly cap is a whole number from 0 to 50."),
    ({"weekly_cap": "lots"}, "The weekly cap is a whole number from 0 to 50."),
    ({"notes": "x" * 2001}, "Notes are at most 2,000 characters."),
])
def test_editing_with_bad_input_shows_the_problem_in_the_form_and_saves_nothing(coordinator, db, change, problem):
    volunteer_id = add_volunteer(db, ANA, "Ana", cap=3)
    response = post(coordinator, f"/volunteers/{volunteer_id}/edit", {**EDIT, **change})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Nothing was saved: " + problem in text(response) and 'role="alert"' in body
    assert body.count(problem) == 2 and 'id="edit-error"' in body
    assert 'aria-invalid="true"' in body
    assert 'value="Anabel"' in body or "first_name" in change  # what they typed is kept
    saved = volunteer(db, volunteer_id)
    assert saved.first_name == "Ana" and saved.weekly_cap == 3 and saved.any_time
    assert {s.skill for s in saved.skills} == {"food"}
    assert audit_rows(db, "volunteer_edited") == []


# -- pause, resume, remove --------------------------------------------------------------------

def test_pausing_for_some_days_then_resuming_then_removing(coordinator, db):
    volunteer_id = add_volunteer(db, ANA, "Ana")
    response = post(coordinator, f"/volunteers/{volunteer_id}/pause", {"days": "3"}, follow=True)
    assert "Ana is paused for 3 days: no offers until then." in text(response)
    paused = volunteer(db, volunteer_id)
    assert paused.status == "paused"
    assert timedelta(days=2, hours=23) < paused.paused_until - datetime.now(timezone.utc) <= timedelta(days=3)
    assert "Resume offers" in text(response) and "Pause offers" in text(response)

    response = post(coordinator, f"/volunteers/{volunteer_id}/resume", follow=True)
    assert "Ana gets offers again." in text(response)
    assert volunteer(db, volunteer_id).status == "active" and volunteer(db, volunteer_id).paused_until is None

    response = post(coordinator, f"/volunteers/{volunteer_id}/pause", {"days": ""}, follow=True)
    assert "Ana is paused until someone resumes them." in text(response)
    assert volunteer(db, volunteer_id).paused_until is None

    page_body = coordinator.get(f"/volunteers/{volunteer_id}").get_data(as_text=True)
    assert re.search(r'<form[^>]+/remove"\s+data-confirm="Remove Ana\? They get no more offers; their history stays\."',
                     page_body)
    response = post(coordinator, f"/volunteers/{volunteer_id}/remove", follow=True)
    assert "Removed Ana: no more offers. Their history stays." in text(response)
    assert volunteer(db, volunteer_id).status == "removed"

    actions = [(e.action, e.before.get("status"), e.after.get("status")) for e in audit_rows(db)
               if e.action.startswith("volunteer_")]
    assert actions == [("volunteer_paused", "active", "paused"), ("volunteer_resumed", "paused", "active"),
                       ("volunteer_paused", "active", "paused"), ("volunteer_removed", "paused", "removed")]
    assert audit_rows(db, "volunteer_paused")[0].after["days"] == 3
    assert sent_to(db, ANA) == []


@pytest.mark.parametrize("days", ["0", "400", "soon", "-2"])
def test_a_pause_of_an_impossible_length_is_refused(coordinator, db, days):
    volunteer_id = add_volunteer(db, ANA, "Ana")
    response = post(coordinator, f"/volunteers/{volunteer_id}/pause", {"days": days}, follow=True)
    assert "A pause lasts from 1 to 365 days" in text(response)
    assert volunteer(db, volunteer_id).status == "active"
    assert audit_rows(db, "volunteer_paused") == []


def test_moves_that_do_not_fit_the_status_are_refused(coordinator, db):
    pending = add_volunteer(db, ANA, "Ana", status="pending")
    active = add_volunteer(db, BO, "Bo")
    assert "Only an active volunteer can be paused" in text(post(coordinator, f"/volunteers/{pending}/pause", follow=True))
    assert "Only a paused volunteer can be resumed" in text(post(coordinator, f"/volunteers/{active}/resume", follow=True))
    assert "can be declined" in text(post(coordinator, f"/volunteers/{active}/decline", follow=True))
    assert volunteer(db, pending).status == "pending" and volunteer(db, active).status == "active"


# -- the CSV upload ---------------------------------------------------------------------------

GOOD_AND_BAD = (
    "phone,name,skills,languages,areas,availability,weekly_cap,wheelchair_vehicle\n"
    "+16175550111,Ana,food,en,02139,any,2,\n"
    "not a phone,Bo,food,en,02139,any,,\n"
    "+16175550113,Cy,flying,en,02139,any,,\n"
    "\n"
    "+16175550114,Di,driving,es,02140,mon-fri 9-17,,yes\n"
    "+16175550115,Ed,food,en,,any,,\n"
    "+16175550116,Flo,food,en,02139,sometimes,,\n"
    "+16175550117,Gus,food,en,02139,any,many,\n"
)


def test_a_csv_upload_saves_the_good_rows_and_reports_the_bad_ones_by_line(coordinator, db):
    response = upload(coordinator, GOOD_AND_BAD.encode())
    assert response.status_code == 200
    words = text(response)
    assert "Imported 2 of 7 rows from volunteers.csv" in words
    assert "5 rows were not imported" in words
    assert "Line 3: “not a phone” is not a phone number that can get texts." in words
    assert "Line 4: “flying” is not a skill the hotline knows." in words
    assert "Line 7: Write at least one area" in words
    assert "Line 8: Cannot read the availability “sometimes”" in words
    assert "Line 9: The weekly cap is a whole number" in words
    with db.session() as session:
        saved = {v.first_name: v for v in session.scalars(select(Volunteer))}
        assert set(saved) == {"Ana", "Di"}
        assert saved["Ana"].status == "pending" and saved["Ana"].weekly_cap == 2
        assert saved["Di"].wheelchair_vehicle and saved["Di"].consent_method == "imported from volunteers.csv"
    assert "2 sign-ups waiting for approval" in words
    entries = audit_rows(db, "volunteer_imported")
    assert [(e.after["first_name"], e.after["line"], e.after["file"]) for e in entries] == [
        ("Ana", 2, "volunteers.csv"), ("Di", 6, "volunteers.csv")]
    assert all(e.actor == "coordinator@example.org" and e.before == {} for e in entries)


def test_a_csv_upload_updates_volunteers_already_on_the_roster_and_may_add_new_ones_as_active(coordinator, db):
    volunteer_id = add_volunteer(db, "+16175550111", "Ana", status="pending", cap=3)
    content = "phone,name,skills,areas,weekly_cap\n(617) 555-0111,Ana,food;driving,02139,4\n+16175550112,Bo,food,02139,\n"
    response = upload(coordinator, content.encode("utf-8-sig"), name="../../roster 2024.csv", active="1")
    assert "Imported 2 of 2 rows from roster_2024.csv" in text(response)
    assert "Every row was imported." in text(response)
    ana = volunteer(db, volunteer_id)
    assert ana.weekly_cap == 4 and {s.skill for s in ana.skills} == {"food", "driving"}
    assert ana.status == "pending"  # approving someone is a decision of its own, with its welcome
    with db.session() as session:
        assert session.scalars(select(Volunteer.status).where(Volunteer.first_name == "Bo")).one() == "active"
    update = audit_rows(db, "volunteer_imported")[0]
    assert update.before == {"skills": ["food"], "weekly_cap": 3}
    assert update.after == {"skills": ["driving", "food"], "weekly_cap": 4, "file": "roster_2024.csv", "line": 2}
    assert sent_to(db, "+16175550111") == []  # no welcome on import, as on the command line


def test_a_csv_that_is_not_utf8_is_refused_with_nothing_saved(coordinator, db):
    content = "phone,name,skills,areas\n+16175550111,José,food,02139\n".encode("latin-1")
    response = upload(coordinator, content)
    assert response.status_code == 400
    assert 'The file is not UTF-8 text. In your spreadsheet, save it as "CSV UTF-8"' in text(response)
    with db.session() as session:
        assert session.scalars(select(Volunteer)).first() is None
    assert audit_rows(db, "volunteer_imported") == []


def test_a_csv_over_one_megabyte_is_refused_with_nothing_saved(coordinator, db):
    row = "+16175550111,Ana,food,en,02139,any,,\n"
    just_over = ("phone,name,skills,languages,areas,availability,weekly_cap,wheelchair_vehicle\n"
                 + row * (page.UPLOAD_LIMIT // len(row) + 1)).encode()
    assert page.UPLOAD_LIMIT < len(just_over) < page.UPLOAD_REQUEST_LIMIT - 1000
    response = upload(coordinator, just_over)
    assert response.status_code == 413
    assert "The file is larger than 1 MB. Split it into smaller files and upload each." in text(response)

    far_over = just_over * 2
    response = upload(coordinator, far_over)
    assert response.status_code == 302 and response.headers["Location"] == "/volunteers"
    assert "The file is larger than 1 MB." in text(coordinator.get("/volunteers"))
    with db.session() as session:
        assert session.scalars(select(Volunteer)).first() is None


def test_a_csv_of_a_few_hundred_kilobytes_goes_through(coordinator, db):
    """Bigger than the app's limit for other requests, well within the upload's."""
    header = "phone,name,skills,areas,availability\n"
    rows = "".join(f"+1617555{n:04d},Name{n},food,02139,{'mon-fri 9-17; sat 10-14' + ' ' * 60}\n"
                   for n in range(1000, 2000))
    content = (header + rows).encode()
    assert len(content) > 64 * 1024
    response = upload(coordinator, content)
    assert response.status_code == 200
    assert "Imported 1000 of 1000 rows" in text(response)


@pytest.mark.parametrize("content, problem", [
    (b"", "The file is empty."),
    (b"number,first\n+16175550111,Ana\n", "The file needs the columns phone, name, skills, areas"),
    (b'phone,name,skills,areas\n"+16175550111,Ana,food,02139\n', "cannot be read as CSV"),
])
def test_a_csv_that_cannot_be_read_at_all_is_refused(coordinator, db, content, problem):
    response = upload(coordinator, content)
    assert response.status_code == 400 and problem in text(response)
    with db.session() as session:
        assert session.scalars(select(Volunteer)).first() is None


def test_an_upload_without_a_file_asks_for_one(coordinator):
    token = csrf_token(coordinator, "/volunteers")
    response = coordinator.post("/volunteers/import", data={"csrf_token": token}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Choose a CSV file to upload." in text(response)


# -- the command line -------------------------------------------------------------------------

def test_volunteer_commands_that_change_data_write_the_audit_log(database_url, db, tmp_path):
    env = {"DATABASE_URL": database_url}
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(main, ["volunteers", *args], env=env)
        assert result.exit_code == 0, result.output
        return result.output

    run("add", "617-555-0101", "--name", "Maya", "--skills", "food", "--areas", "02139")
    run("approve", "+16175550101")
    run("pause", "+16175550101", "--days", "3")
    run("resume", "+16175550101")
    run("remove", "+16175550101")
    run("add", "617-555-0101", "--name", "Maya", "--skills", "food,driving", "--areas", "02139")
    path = tmp_path / "more.csv"
    path.write_text("phone,name,skills,areas\n+16175550102,Bo,food,02139\nnope,Cy,food,02139\n", encoding="utf-8")
    result = runner.invoke(main, ["volunteers", "import", str(path)], env=env)
    assert "imported 1 of 2 row(s)" in result.output and "line 3: not a phone number" in result.output
    run("list")

    entries = [e for e in audit_rows(db) if e.action.startswith("volunteer_")]
    assert [e.action for e in entries] == ["volunteer_added", "volunteer_approved", "volunteer_paused",
                                           "volunteer_resumed", "volunteer_removed", "volunteer_edited",
                                           "volunteer_imported"]
    assert all(e.actor.startswith("command line (") and e.user_id is None for e in entries)
    added, approved, paused, resumed, removed, edited, imported = entries
    assert added.before == {} and added.after["first_name"] == "Maya" and added.after["status"] == "pending"
    assert approved.before == {"status": "pending"} and approved.after == {"status": "active"}
    assert paused.after["status"] == "paused" and paused.after["paused_until"]
    assert resumed.after == {"status": "active", "paused_until": None}
    assert removed.after == {"status": "removed"}
    assert edited.before == {"skills": ["food"], "status": "removed"}
    assert edited.after == {"skills": ["driving", "food"], "status": "pending"}
    assert imported.after["first_name"] == "Bo" and imported.after["file"] == "more.csv" and imported.after["line"] == 2
    assert all("6175550101" not in str(e.before) + str(e.after) + e.subject for e in entries)
    assert len(sent_to(db, "+16175550101", "welcome")) == 1


def test_the_command_line_refuses_a_csv_that_is_not_utf8(database_url, db, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("phone,name,skills,areas\n+16175550111,José,food,02139\n".encode("latin-1"))
    result = CliRunner().invoke(main, ["volunteers", "import", str(path)], env={"DATABASE_URL": database_url})
    assert result.exit_code != 0 and "not UTF-8" in result.output
    assert audit_rows(db) == []


# -- the domain underneath --------------------------------------------------------------------

@pytest.mark.parametrize("written", ["any", "mon-fri 9-17; sat 10:30-14", "weekday_days;weekends", "sat-mon 8-12",
                                     "tue 9-10, thu 9-10", "sun 0-24"])
def test_availability_written_back_reads_the_same(written):
    windows = volunteers.parse_availability(written)
    v = Volunteer(any_time=windows is None,
                  availability=[Availability(weekday=d, start_minute=s, end_minute=e) for d, s, e in windows or []])
    again = volunteers.parse_availability(volunteers.format_availability(v))
    assert sorted(again or []) == sorted(windows or [])


def test_the_console_names_every_skill_and_status():
    from hotline.web.console import labels

    assert set(labels.SKILL) == set(volunteers.SKILLS)
    assert set(labels.VOLUNTEER_STATUS) == {volunteers.PENDING, volunteers.ACTIVE, volunteers.PAUSED, volunteers.REMOVED}

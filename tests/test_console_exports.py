"""CSV exports: they open cleanly in spreadsheets, are filtered like their pages, masked unless an
admin asks for the whole file, and every one of them is audited."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import pytest
import time_machine
from sqlalchemy import select

from hotline import audit, needs, rides, volunteers
from hotline.models import AuditEntry, Contact
from hotline.web.console import exports

from .console import signed_in, text

ZONE = "America/New_York"
# Tuesday 1 December 2026, 10:00 in New York.
NOW = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)
RESIDENT = "+15551234567"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def add_need(db, *, phone=RESIDENT, category="food", details="groceries for 3", location="12 Elm St, 02139",
             language="en", status=None) -> str:
    with db.session() as session:
        contact = session.scalars(select(Contact).where(Contact.phone == phone)).first()
        if contact is None:
            contact = Contact(phone=phone, language=language)
            session.add(contact)
            session.flush()
        need = needs.create(session, contact, category=category, details=details, location=location,
                            language=language)
        if status:
            need.status = status
        return need.ref


def book(db, wall: str, phone: str, back: str | None = None) -> str:
    with db.session() as session:
        rider = Contact(phone=phone, language="en")
        session.add(rider)
        session.flush()
        return rides.book(session, rider, pickup="12 Elm St, 02139", destination="Riverside Clinic, 400 Main St 02114",
                          local_time=wall, time_zone=ZONE, language="en", return_time=back,
                          return_plan=rides.RETURN_AT_TIME if back else rides.NO_RETURN).need.ref


def rows(response) -> list[list[str]]:
    """The CSV's rows, header first (after checking it is UTF-8 with a byte order mark)."""
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def as_dicts(response) -> list[dict[str, str]]:
    header, *body = rows(response)
    return [dict(zip(header, row)) for row in body]


def audited(db, action="export") -> list[AuditEntry]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


# -- the file itself ---------------------------------------------------------------------------

def test_an_export_is_a_utf8_csv_with_a_byte_order_mark_sent_as_an_attachment(app, db):
    ref = add_need(db, details="Señora Nguyễn: cơm, 米饭, café")
    client = signed_in(app, db, "coordinator")
    response = client.get("/exports/needs.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="hotline-needs-2026-12-01.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    found = as_dicts(response)
    assert [row["Request"] for row in found] == [ref]
    assert found[0]["In their words"] == "Señora Nguyễn: cơm, 米饭, café"
    assert found[0]["Made (America/New_York)"] == "2026-12-01 10:00"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_kept_as_text(start):
    assert exports.cell(f"{start}HYPERLINK(\"http://evil.example\",\"x\")") == f"'{start}HYPERLINK(\"http://evil.example\",\"x\")"


def test_plain_cells_are_left_as_they_are(app):
    assert exports.cell("groceries = 3 bags") == "groceries = 3 bags"
    with app.test_request_context():
        assert exports.cell(42) == "42" and exports.cell(None) == "" and exports.cell(True) == "yes"


def test_formulas_in_what_residents_wrote_reach_the_file_as_quoted_text(app, db):
    for n, words in enumerate(["=1+2", "+SUM(A1:A9)", "-2+3", "@cmd|' /C calc'!A0", "\t=evil()", "\r=evil()"]):
        add_need(db, phone=f"+1555000{n:04d}", details=words)
    client = signed_in(app, db, "coordinator")
    response = client.get("/exports/needs.csv")
    raw = response.get_data(as_text=True)
    assert '"\'=1+2"' in raw and '"\'+SUM(A1:A9)"' in raw and '"\'-2+3"' in raw and "\"'@cmd|' /C calc'!A0\"" in raw
    details = sorted(row["In their words"] for row in as_dicts(response))
    assert all(value.startswith("'") for value in details), details
    assert "'\t=evil()" in details and "'\r=evil()" in details


def test_an_export_is_written_a_batch_at_a_time_with_every_row_once(app, db, monkeypatch):
    monkeypatch.setattr(exports, "BATCH", 2)
    refs = {add_need(db, phone=f"+1555000{n:04d}") for n in range(5)}
    client = signed_in(app, db, "coordinator")
    response = client.get("/exports/needs.csv")
    assert response.is_streamed
    chunks = [chunk for chunk in response.iter_encoded() if chunk]
    assert len(chunks) == 3  # rows 1-2 (with the header), 3-4, 5
    assert chunks[0].startswith(b"\xef\xbb\xbf") and not chunks[1].startswith(b"\xef\xbb\xbf")
    header, *body = csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"), newline=""))
    assert sorted(row[0] for row in body) == sorted(refs)


# -- masking ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["viewer", "coordinator", "admin"])
def test_exports_mask_numbers_and_street_addresses_for_every_role_by_default(app, db, role):
    add_need(db, details="call me at 617 555 0199, I live at 12 Elm St")
    client = signed_in(app, db, role)
    row = as_dicts(client.get("/exports/needs.csv"))[0]
    assert row["Resident's number"] == "***4567"
    assert row["Where"] == "02139"
    assert "555 0199" not in row["In their words"] and "Elm" not in row["In their words"]
    assert audited(db)[-1].after["full"] is False


def test_an_admin_gets_whole_numbers_and_addresses_with_full_and_the_audit_says_so(app, db):
    add_need(db, details="call me at 617 555 0199")
    client = signed_in(app, db, "admin")
    response = client.get("/exports/needs.csv?full=1&status=all")
    assert response.headers["Content-Disposition"] == 'attachment; filename="hotline-needs-full-2026-12-01.csv"'
    row = as_dicts(response)[0]
    # Whole, and kept as text: a number starting with + would be read as a formula.
    assert row["Resident's number"] == "'+15551234567"
    assert row["Where"] == "12 Elm St, 02139"
    assert row["In their words"] == "call me at 617 555 0199"
    entry = audited(db)[-1]
    assert entry.actor == "admin@example.org" and entry.subject == "export needs"
    assert entry.after == {"kind": "needs", "full": True, "filters": {"status": "all"}, "rows": 1}


@pytest.mark.parametrize("role", ["viewer", "coordinator"])
@pytest.mark.parametrize("kind", ["needs", "rides", "volunteers", "audit"])
def test_a_full_export_is_refused_to_anyone_but_an_admin_and_the_refusal_is_audited(app, db, role, kind):
    add_need(db)
    client = signed_in(app, db, role)
    response = client.get(f"/exports/{kind}.csv?full=1")
    assert response.status_code == 403
    assert "+15551234567" not in response.get_data(as_text=True)
    refused = audited(db, "export_refused")
    assert [(e.actor, e.subject, e.after["full"]) for e in refused] == [(f"{role}@example.org", f"export {kind}", True)]
    assert audited(db) == []


# -- filters ---------------------------------------------------------------------------------

def test_the_needs_export_takes_the_queues_filters_and_every_page(app, db):
    with db.session() as session:
        contact = Contact(phone=RESIDENT, language="en")
        session.add(contact)
        session.flush()
        food = [needs.create(session, contact, category="food", details="x", location="02139", language="en").ref
                for _ in range(105)]
    ride = add_need(db, category="ride", details="clinic", location="02139")
    closed = add_need(db, category="food", status="done")
    elsewhere = add_need(db, category="food", location="Riverside, 02114")
    client = signed_in(app, db, "coordinator")
    only_food = {row["Request"] for row in as_dicts(client.get("/exports/needs.csv?category=food&area=02139&page=2"))}
    assert only_food == set(food)
    assert ride not in only_food and closed not in only_food and elsewhere not in only_food
    every = {row["Request"] for row in as_dicts(client.get("/exports/needs.csv?status=all"))}
    assert every == {*food, ride, closed, elsewhere}
    done = [row["Request"] for row in as_dicts(client.get("/exports/needs.csv?status=done"))]
    assert done == [closed]
    assert audited(db)[0].after["filters"] == {"category": "food", "area": "02139"}


def test_filters_that_cannot_be_read_are_those_of_the_queue_left_alone(app, db):
    ref = add_need(db)
    closed = add_need(db, phone="+15550001111", status="done")
    client = signed_in(app, db, "coordinator")
    response = client.get("/exports/needs.csv?status=nonsense&category=" + "x" * 5000 + "&age=forever&page=-1")
    assert response.status_code == 200
    assert [row["Request"] for row in as_dicts(response)] == [ref]
    assert closed not in response.get_data(as_text=True)


def test_the_rides_export_takes_the_day_or_the_week_of_the_board(app, db):
    today = book(db, "2026-12-01T11:00", "+15551230001")
    thursday = book(db, "2026-12-03T15:00", "+15551230002")
    next_week = book(db, "2026-12-08T15:00", "+15551230003")
    client = signed_in(app, db, "coordinator")
    day = as_dicts(client.get("/exports/rides.csv"))
    assert [row["Request"] for row in day] == [today]
    assert day[0]["Pickup (America/New_York)"] == "2026-12-01 11:00"
    assert day[0]["From"] == "02139" and day[0]["To"] == "02114"
    assert day[0]["No driver"] == "yes" and day[0]["Rider's number"] == "***0001"
    assert day[0]["Way back"] == "" and day[0]["Mobility"] == "" and day[0]["Driver"] == ""
    week = as_dicts(client.get("/exports/rides.csv?view=week&date=2026-12-03"))
    assert [row["Request"] for row in week] == [today, thursday]
    assert next_week not in {row["Request"] for row in week}
    assert [row["Request"] for row in as_dicts(client.get("/exports/rides.csv?date=garbage"))] == [today]
    assert audited(db)[1].after["filters"] == {"view": "week", "date": "2026-11-30"}


def test_the_rides_export_says_which_rides_have_a_way_back(app, db):
    there = book(db, "2026-12-02T09:00", "+15551230001", back="2026-12-02T12:00")
    client = signed_in(app, db, "coordinator")
    found = {row["Request"]: row["Way back"] for row in as_dicts(client.get("/exports/rides.csv?date=2026-12-02"))}
    assert found.pop(there) == "a ride back is booked"
    assert list(found.values()) == ["this is the way back"]


def test_the_volunteers_export_masks_numbers_and_filters_by_status_and_skill(app, db):
    with db.session() as session:
        for phone, name, skills, status in [("+16175557001", "Dana", "driving", "active"),
                                            ("+16175557002", "=Eve", "food,errands", "active"),
                                            ("+16175557003", "Pat", "driving", "pending")]:
            volunteers.save(session, volunteers.VolunteerSpec(
                phone=phone, first_name=name, skills=skills, languages="en,es", areas="02139",
                availability="mon-fri 9-17", consent_method="test", status=status))
    client = signed_in(app, db, "coordinator")
    found = as_dicts(client.get("/exports/volunteers.csv"))
    assert [row["First name"] for row in found] == ["'=Eve", "Dana", "Pat"]
    dana = found[1]
    assert dana["Phone"] == "***7001" and dana["Skills"] == "Driving" and dana["Status"] == "Active"
    assert dana["Languages"] == "English, Español" and dana["Areas"] == "02139"
    assert dana["When they can help"].startswith("Mon 9:00-17:00")
    drivers = as_dicts(client.get("/exports/volunteers.csv?status=active&skill=driving"))
    assert [row["First name"] for row in drivers] == ["Dana"]
    assert "+16175557001" not in client.get("/exports/volunteers.csv").get_data(as_text=True)


def test_the_audit_export_takes_the_logs_filters_and_masks_what_entries_hold(app, db):
    with db.session() as session:
        audit.record(session, "ana@example.org", "close", "need 123456", before={"status": "open"},
                     after={"status": "done", "reason": "called 617 555 0199 at 12 Elm St"}, address="203.0.113.9")
        audit.record(session, "bo@example.org", "note", "need 123457", address="203.0.113.10")
    client = signed_in(app, db, "coordinator")
    found = as_dicts(client.get("/exports/audit.csv?actor=ana@example.org"))
    assert [row["Action code"] for row in found] == ["close"]
    assert found[0]["Who"] == "ana@example.org" and found[0]["What"] == "Changed a request's status"
    assert "555 0199" not in found[0]["After"] and "Elm" not in found[0]["After"] and '"done"' in found[0]["After"]
    assert found[0]["From address"] == ""
    admin = signed_in(app, db, "admin")
    whole = as_dicts(admin.get("/exports/audit.csv?full=1&action=close"))
    assert [row["From address"] for row in whole] == ["203.0.113.9"]
    assert "617 555 0199" in whole[0]["After"]
    everything = as_dicts(admin.get("/exports/audit.csv"))
    # Newest first, the exports themselves included.
    assert [row["Action code"] for row in everything][:3] == ["export", "export", "login"]


# -- refusals --------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/exports/people.csv", "/exports/needs.json", "/exports/.csv",
                                  "/exports/NEEDS.csv", "/exports/" + "x" * 300 + ".csv"])
def test_an_export_of_something_unknown_is_not_found(app, db, path):
    client = signed_in(app, db, "admin")
    assert client.get(path).status_code == 404
    assert audited(db) == []


def test_an_export_asks_a_visitor_to_sign_in(client):
    response = client.get("/exports/needs.csv")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_an_export_too_large_for_one_file_asks_to_narrow_the_filters(app, db, monkeypatch):
    monkeypatch.setattr(exports, "MOST", 2)
    for n in range(3):
        add_need(db, phone=f"+1555000{n:04d}")
    client = signed_in(app, db, "coordinator")
    response = client.get("/exports/needs.csv")
    assert response.status_code == 413
    assert "would have 3 rows, more than 2" in text(response)
    assert audited(db) == []
    assert client.get("/exports/needs.csv?status=done").status_code == 200

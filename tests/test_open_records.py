"""The open records: /open, /open.json and /open.csv show what the network did and nobody in it."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, example, given, settings as hypothesis_settings, strategies as st
from sqlalchemy import event

from hotline import figures, needs
from hotline.models import Contact, Need, NeedEvent, Offer, Ride, Volunteer
from hotline.web import open as open_records

from .console import signed_in

NOW = datetime(2026, 12, 9, 15, 0, tzinfo=timezone.utc)  # a Wednesday
K = 5
STATUSES = [needs.DONE, needs.DONE, needs.CLAIMED, needs.OPEN, needs.UNMET, needs.WITHDRAWN]
CATEGORIES = list(needs.CATEGORIES)
LANGUAGES = ["en", "es", "zh", "ht", "ar", "vi"]


@pytest.fixture(autouse=True)
def fresh_cache():
    open_records.cache.clear()
    yield
    open_records.cache.clear()


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def add_history(db, history, *, now=NOW, first=0) -> None:
    """Needs as (category, language, status, days ago, hours to claim or None); numbers and words are made up."""
    with db.session() as session:
        for i, (category, language, status, days_ago, to_claim) in enumerate(history, start=first):
            contact = Contact(phone=f"+1617555{i:04d}", language=language)
            created = now - timedelta(days=days_ago, minutes=i)
            need = Need(ref=f"{100000 + i}", contact=contact, category=category, language=language, status=status,
                        details=f"secret words {i} at 12 Elm Street", location="12 Elm Street", created_at=created)
            session.add(need)
            if to_claim is not None and status in (needs.CLAIMED, needs.DONE):
                need.events.append(NeedEvent(at=created + timedelta(hours=to_claim), kind=needs.CLAIMED))
            if status == needs.DONE:
                need.events.append(NeedEvent(at=created + timedelta(hours=(to_claim or 0) + 2), kind=needs.DONE))
        session.commit()


def counts_in(data: dict):
    """Every count of requests or people the JSON gives, with the rows it is in."""
    yield data["rides_given"]
    yield data["volunteers_active"]
    for section in ("totals",):
        yield data[section]["received"]
        yield data[section]["helped"]
    for section in ("weeks", "categories", "languages"):
        for row in data[section]:
            yield row["received"]
            yield row["helped"]


def assert_nothing_small(data: dict, k: int = K) -> None:
    """No count of 1 to k-1, shown or worked out from what is shown (a row's rest, a table's hidden rows)."""
    for value in counts_in(data):
        assert value is None or value == 0 or value >= k, data
    total = data["totals"]
    for section in ("weeks", "categories", "languages"):
        rows = data[section]
        assert sum(row["received"] or 0 for row in rows) == (total["received"] or 0) or total["received"] is None
        for row in rows:
            if row["received"] is not None and row["helped"] is not None:
                rest = row["received"] - row["helped"]
                assert rest == 0 or rest >= k, (section, row)
        if total["helped"] is not None and all(row["received"] is not None for row in rows):
            hidden = [row for row in rows if row["helped"] is None]
            helped = total["helped"] - sum(row["helped"] for row in rows if row["helped"] is not None)
            rest = sum(row["received"] for row in hidden) - helped
            assert helped == 0 or helped >= k, (section, rows)
            assert rest == 0 or rest >= k, (section, rows)


history_item = st.tuples(
    st.sampled_from(CATEGORIES), st.sampled_from(LANGUAGES), st.sampled_from(STATUSES),
    st.integers(min_value=0, max_value=100), st.one_of(st.none(), st.floats(min_value=0.1, max_value=100)))


@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=st.lists(history_item, max_size=60))
# Five check-in visits whose hours add up to a whole number under five: hours, not people.
@example(history=[("food", "en", "done", 0, None)] * 14 + [("checkin", "en", "done", 3, None)] * 4
         + [("checkin", "en", "done", 3, 1.0)])
def test_no_figure_about_fewer_than_five_people_in_any_random_history(app, db, time_machine, history):
    time_machine.move_to(NOW, tick=False)
    with db.session() as session:
        session.query(NeedEvent).delete()
        session.query(Need).delete()
        session.query(Contact).delete()
        session.commit()
    open_records.cache.clear()
    add_history(db, history)
    client = app.test_client()
    data = client.get("/open.json").get_json()
    assert_nothing_small(data)
    # The CSV says the same as the JSON, and the page shows the same counts.
    rows = list(csv.DictReader(io.StringIO(client.get("/open.csv").get_data(as_text=True))))
    for row in rows:
        for column in ("received", "helped"):
            if row[column]:
                value = int(row[column])
                assert value == 0 or value >= K, row
        if row["section"] == "figures" and row["key"] in ("rides_given", "volunteers_active") and row["value"]:
            assert int(row["value"]) == 0 or int(row["value"]) >= K
    page = client.get("/open?lang=en").get_data(as_text=True)
    for label, cell in re.findall(r"(?:<dt>([^<]*)</dt>)?<(?:td|dd)>([^<]*)</(?:td|dd)>", page):
        if label.startswith("Hours of those visits"):
            continue  # hours, not people: shown once five people or more were visited
        if re.fullmatch(r"[0-9,]+", cell.strip()):
            value = int(cell.strip().replace(",", ""))
            assert value == 0 or value >= K, cell


def test_a_small_week_is_counted_with_the_next_and_its_helped_count_reads_fewer_than_five(client, db, frozen):
    # 3 requests three weeks ago (2 done), 6 two weeks ago (all done), 7 last week (3 done); this week's
    # (under way) are left for STATS.
    add_history(db, [("food", "en", needs.DONE, 22, 1)] * 2 + [("food", "en", needs.OPEN, 22, None)]
                + [("food", "es", needs.DONE, 15, 2)] * 6 + [("ride", "es", needs.DONE, 8, 3)] * 3
                + [("ride", "es", needs.UNMET, 8, None)] * 4 + [("food", "en", needs.DONE, 1, 1)] * 9)
    data = client.get("/open.json").get_json()
    weeks = [w for w in data["weeks"] if w["received"]]
    assert [(w["first_week"], w["last_week"], w["received"]) for w in weeks] == [
        ("2026-11-16", "2026-11-23", 9), ("2026-11-30", "2026-11-30", 7)]
    # 8 of 9 helped leaves 1 not helped: that count would point at one person.
    assert weeks[0]["helped"] is None and weeks[0]["helped_hidden"] == "all_but_few"
    assert weeks[1]["helped"] is None and weeks[1]["helped_hidden"] == "few"
    assert data["totals"] == {"received": 16, "helped": 11, "share_helped": 0.6875, "received_hidden": "",
                              "helped_hidden": ""}
    page = client.get("/open?lang=en").get_data(as_text=True)
    assert "all but fewer than 5" in page and "fewer than 5" in page
    assert "weeks of Nov 16, 2026 to Nov 23, 2026" in page
    assert data["last_week"] == "2026-11-30"


def test_small_kinds_and_languages_are_counted_together_and_never_alone(client, db, frozen):
    add_history(db, [("food", "en", needs.DONE, 3, 1)] * 10 + [("ride", "es", needs.DONE, 3, 1)] * 5
                + [("health", "ht", needs.DONE, 3, 1)] * 2 + [("money", "zh", needs.DONE, 3, 1)] * 1)
    data = client.get("/open.json").get_json()
    categories = {row["category"]: row for row in data["categories"]}
    # health (2) and money (1) are 3 together: ride, the smallest shown, joins them.
    assert set(categories) == {"food", figures.OTHERS}
    assert categories[figures.OTHERS]["merged"] == ["health", "money", "ride"]
    assert categories[figures.OTHERS]["received"] == 8
    languages = {row["language"]: row for row in data["languages"]}
    assert set(languages) == {"en", figures.OTHERS}
    assert languages["en"]["received"] == 10 and languages["en"]["helped"] == 10
    assert languages[figures.OTHERS]["merged"] == ["es", "ht", "zh"]
    assert languages[figures.OTHERS]["received"] == 8 and languages[figures.OTHERS]["helped"] == 8
    assert_nothing_small(data)


def test_a_hotline_with_few_requests_shows_only_fewer_than_five(client, db, frozen):
    add_history(db, [("food", "es", needs.DONE, 3, 1)] * 3)
    data = client.get("/open.json").get_json()
    assert data["totals"]["received"] is None and data["totals"]["received_hidden"] == "few"
    assert all(row["received"] is None for row in data["categories"] + data["languages"])
    assert data["median_hours_to_claim"] is None and data["volunteers_active"] == 0
    assert_nothing_small(data)
    assert "fewer than 5" in client.get("/open").get_data(as_text=True)


def test_totals_match_what_the_console_lists(app, client, db, frozen):
    add_history(db, [("food", "en", needs.DONE, 3 + d, 1) for d in range(12)]
                + [("ride", "es", needs.OPEN, 3 + d, None) for d in range(7)]
                + [("housing", "ar", needs.WITHDRAWN, 200, None)] * 3)  # before the 12 weeks
    data = client.get("/open.json").get_json()
    coordinator = signed_in(app, db, "coordinator")
    listed = list(csv.reader(io.StringIO(coordinator.get("/exports/needs.csv?status=all").get_data(as_text=True))))
    header, rows = listed[0], listed[1:]
    made, status = header.index("Made (America/New_York)"), header.index("Status")
    recent = [row for row in rows if row[made][:10] >= data["first_week"]]
    assert data["totals"]["received"] == len(recent) == 19
    assert data["totals"]["helped"] == sum(1 for row in recent if row[status] == "Done")
    assert data["totals"]["helped"] == 12


def test_erased_residents_still_count_and_nothing_they_wrote_appears(app, client, db, frozen):
    from hotline.privacy import erase

    add_history(db, [("food", "es", needs.DONE, 3 + d % 20, 1) for d in range(12)])
    before = client.get("/open.json").get_json()
    with db.session() as session:
        for contact in session.query(Contact).all():
            erase.forget(session, app.extensions["hotline"].settings, contact, NOW, actor="test", reason="asked")
        session.commit()
    open_records.cache.clear()
    after = client.get("/open.json").get_json()
    assert after["totals"] == before["totals"] and after["categories"] == before["categories"]
    for path in ("/open", "/open.json", "/open.csv", "/open?lang=es"):
        body = client.get(path).get_data(as_text=True)
        assert "Elm" not in body and "secret words" not in body and "+1617" not in body


def test_medians_come_from_when_a_helper_said_yes_and_when_it_was_done(client, db, frozen):
    add_history(db, [("food", "en", needs.DONE, 3, h) for h in (1, 2, 3, 4, 5, 6, 30)])
    data = client.get("/open.json").get_json()
    assert data["median_hours_to_claim"] == 4.0
    assert data["median_hours_to_done"] == 6.0
    assert "4 hours" in client.get("/open").get_data(as_text=True)


def test_rides_given_and_volunteers_who_helped_are_counted(client, db, frozen):
    add_history(db, [("ride", "en", needs.DONE, 3, 1)] * 6)
    with db.session() as session:
        for i, need in enumerate(session.query(Need).all()):
            session.add(Ride(need=need, status="done", pickup="", destination=""))
            volunteer = Volunteer(contact=Contact(phone=f"+1212555{i:04d}"), first_name=f"V{i}", status="active")
            session.add(Offer(need=need, volunteer=volunteer, code=f"{400 + i}", status="done",
                              claimed_at=NOW - timedelta(days=3)))
        session.commit()
    data = client.get("/open.json").get_json()
    assert data["rides_given"] == 6 and data["volunteers_active"] == 6


def test_the_page_is_read_once_while_it_is_fresh(app, client, db, frozen):
    add_history(db, [("food", "en", needs.DONE, 3, 1)] * 6)
    statements = []
    engine = app.extensions["hotline"].db.engine
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        for _ in range(20):
            for path in ("/open", "/open.json", "/open.csv", "/open/weeks.svg", "/open?lang=es"):
                assert client.get(path).status_code == 200
        first = len(statements)
        assert 0 < first <= 10  # one reading of every figure: requests, history, rides, volunteers, check-ins, fund
        open_records.cache.clear()  # as when OPEN_CACHE_SECONDS have passed
        client.get("/open.json")
        assert len(statements) > first
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    response = client.get("/open")
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert "Accept-Language" in response.headers["Vary"]
    assert "Set-Cookie" not in response.headers


def test_the_page_speaks_the_readers_language(client, db, frozen):
    add_history(db, [("food", "es", needs.DONE, 3, 1)] * 6)
    spanish = client.get("/open?lang=es").get_data(as_text=True)
    assert 'lang="es"' in spanish and "Lo que hizo" in spanish
    arabic = client.get("/open", headers={"Accept-Language": "ar,en;q=0.5"}).get_data(as_text=True)
    assert 'dir="rtl"' in arabic and 'lang="ar"' in arabic
    assert 'lang="en"' in client.get("/open?lang=xx").get_data(as_text=True)


def test_charts_are_images_that_run_nothing(client, db, frozen):
    add_history(db, [("food", "en", needs.DONE, 1, 1)] * 6)
    for name in ("weeks", "time"):
        response = client.get(f"/open/{name}.svg?lang=es")
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert b"<script" not in response.data
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert client.get("/open/other.svg").status_code == 404
    assert client.get("/open/..%2Fhealthz.svg").status_code == 404


def test_the_open_records_take_no_writes_and_no_odd_input(client, db, frozen):
    assert client.post("/open").status_code == 405
    assert client.post("/open.json", data={"x": "1"}).status_code == 405
    assert client.get("/open?lang=" + "x" * 5000).status_code == 200
    assert client.get("/open", headers={"Accept-Language": "zz;q=abc,,,"}).status_code == 200
    page = client.get("/open").get_data(as_text=True)
    assert "<script" not in page


# -- STATS by text --------------------------------------------------------------------------------

def test_stats_by_text_answers_this_weeks_and_this_months_figures_in_one_text(client, db, frozen):
    from hotline.sms import count_segments

    from .conftest import Phone

    # This week (from Monday 7 December): 6 asked, 6 done. Earlier this month: 10 more, 5 done.
    add_history(db, [("food", "es", needs.DONE, 1, 1)] * 6 + [("food", "es", needs.OPEN, 5, None)] * 5
                + [("food", "es", needs.DONE, 6, 1)] * 5)
    resident = Phone(client, "+15551230009")
    resident.text("Español")
    reply = resident.text("CIFRAS")
    assert reply == "Esta semana: 6 pedidos, 6 ayudados. Este mes: 16 pedidos, 11 ayudados."
    assert count_segments(reply).segments == 1
    # English works in every language, and nothing of a conversation is lost: the menu is still there.
    assert resident.text("stats") == reply


def test_stats_by_text_hides_small_numbers_as_the_open_page_does(client, db, frozen):
    from .conftest import Phone

    add_history(db, [("food", "en", needs.DONE, 1, 1)] * 3 + [("food", "en", needs.DONE, 5, 1)] * 8
                + [("food", "en", needs.OPEN, 5, None)])
    reply = Phone(client, "+15551230010").text("STATS")
    # 12 this month of which 11 helped (1 not helped: too few). This week's 3 are left out ("-"), not
    # "<5": beside the month they would tell of the 9 earlier this month, 1 of them not helped.
    assert reply == "This week: - asked, - helped. This month: 12 asked, >7 helped."


def test_stats_never_tells_of_a_few_requests_as_the_month_less_the_week(client, db, frozen):
    from .conftest import Phone

    # 5 this week, 6 this month: the one request earlier this month must not show.
    add_history(db, [("food", "en", needs.DONE, 1, 1)] * 5 + [("food", "en", needs.DONE, 5, 1)])
    reply = Phone(client, "+15551230011").text("STATS")
    assert reply == "This week: - asked, - helped. This month: 6 asked, 6 helped."
    # 5 this week, 10 this month: both show.
    add_history(db, [("food", "en", needs.DONE, 6, 1)] * 4, first=100)
    assert Phone(client, "+15551230012").text("STATS") == "This week: 5 asked, 5 helped. This month: 10 asked, 10 helped."


@pytest.mark.parametrize("code", ["en", "es", "zh", "vi", "ht", "ar", "fr", "ru", "ko", "tl"])
def test_the_stats_answer_fits_one_text_in_every_language(code):
    from hotline.flows.stats import asked, helped
    from hotline.i18n import Translator
    from hotline.sms import count_segments

    from .conftest import PROJECT_ROOT

    t = Translator(code, PROJECT_ROOT / "locales")
    for week, month in ((figures.Helped(120, None, figures.ALL_BUT_FEW), figures.Helped(480, None, figures.ALL_BUT_FEW)),
                        (figures.Helped(None, None, figures.FEW), figures.Helped(999, 998))):
        message = t._("This week: %(week_asked)s asked, %(week_helped)s helped. This month: %(month_asked)s asked, "
                      "%(month_helped)s helped.", week_asked=asked(week, K), week_helped=helped(week, K),
                      month_asked=asked(month, K), month_helped=helped(month, K))
        assert count_segments(message).segments == 1, (code, message)

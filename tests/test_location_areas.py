"""Reading a need's location into areas: the ZIP codes and the neighbourhood names volunteers gave,
looked up by the words of the location alone, whatever the size of the roster."""
from __future__ import annotations

from sqlalchemy import event, insert

from hotline import areas
from hotline.models import Contact, Volunteer, VolunteerArea

from .test_volunteers import add_volunteer


def roster(db, count: int) -> None:
    """`count` volunteers, each covering a neighbourhood of their own and a ZIP code."""
    with db.session() as session:
        session.execute(insert(Contact), [{"id": 5000 + i, "phone": f"+1617777{i:04d}"} for i in range(count)])
        session.execute(insert(Volunteer), [
            {"id": 5000 + i, "contact_id": 5000 + i, "first_name": f"V{i}", "consent_method": "test"}
            for i in range(count)])
        session.execute(insert(VolunteerArea), [
            {"volunteer_id": 5000 + i, "area": f"street{i} district", "label": f"Street{i} District"}
            for i in range(count)] + [
            {"volunteer_id": 5000 + i, "area": "02139", "label": "02139"} for i in range(count)])


def test_a_location_finds_the_neighbourhoods_volunteers_gave_first_named_first(db):
    add_volunteer(db, "+16175550101", "Ana", areas="02139, East Riverside")
    add_volunteer(db, "+16175550102", "Bo", areas="old mill")
    add_volunteer(db, "+16175550103", "Cy", areas="Riverside")
    with db.session() as session:
        found = areas.for_location(session, "Apt 2 by the OLD MILL school, east riverside, 02141")
        assert found.exact == ("02141", "old mill", "east riverside", "riverside")
        assert found.wide == (*found.exact, "zip3:021")
        assert found.label == "old mill"  # the first name the text gives, as the volunteer wrote it
        # A name inside another word is no name; a ZIP code alone labels the need.
        assert areas.for_location(session, "Riversideway 7, 02139") == areas.NeedArea(
            ("02139",), ("02139", "zip3:021"), "02139")
        assert areas.for_location(session, "") == areas.NeedArea((), (), "")
        assert areas.known_areas(session, ["02139", "02140", "old mill"]) == {"02139", "old mill"}


def test_a_location_is_read_with_one_lookup_of_its_own_words_however_many_volunteers(db):
    roster(db, 300)
    statements = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(parameters)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        with db.session() as session:
            found = areas.for_location(session, "near Street7 District school")
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert found.label == "Street7 District" and found.exact == ("street7 district",)
    lookups = [p for p in statements if p]
    assert len(lookups) == 1
    # What is sent is the location's own runs of words, not a list of every area on the roster.
    values = lookups[0].values() if isinstance(lookups[0], dict) else lookups[0]
    # (one parameter each on SQLite, one array on PostgreSQL)
    sent = {word for value in values for word in (value if isinstance(value, list) else [value])
            if isinstance(word, str)}
    assert sent == set(areas.phrases("near street7 district school"))
    assert len(sent) == 10


def test_a_long_location_looks_up_only_runs_of_words_an_area_name_could_be():
    words = " ".join(f"w{i:02d}" for i in range(100))
    found = areas.phrases(words)
    assert all(len(p) <= areas.KEY_LENGTH for p in found)
    assert len(found) == len(set(found))
    assert "w00" in found and "w98 w99" in found and "02139" not in areas.phrases("02139 w01")

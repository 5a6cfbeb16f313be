"""Volunteer notes: NOTE 427 and words leave a note on a task for the coordinators, never for the resident."""
from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from hotline import accounts, jobs
from hotline.i18n import Translator, keywords as kw
from hotline.config import PROJECT_ROOT
from hotline.models import Need, NeedEvent

from .conftest import Phone
from .console import post, signed_in, text
from .test_volunteers import AFTERNOON, add_volunteer, code_in, request_food, sent_to

RESIDENT = "+15551230000"
HELPER = "+16175554001"
OTHER = "+16175554002"
SHIPPED = ("en", "es", "zh", "vi", "ht", "ar", "fr", "ru", "ko", "tl")


@pytest.fixture
def clock():
    with time_machine.travel(AFTERNOON, tick=False) as traveller:
        yield traveller


def claimed(app, db, *, number=HELPER, languages="en") -> tuple[Phone, Phone, str]:
    add_volunteer(db, number, "Rosa", languages=languages)
    resident = Phone(app.test_client(), RESIDENT)
    request_food(resident)
    code = code_in(sent_to(db, number, "offer")[0])
    helper = Phone(app.test_client(), number)
    helper.text(code)
    return resident, helper, code


def notes(db) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(NeedEvent.note).where(NeedEvent.kind == "volunteer_note")
                                    .order_by(NeedEvent.id)))


def the_need(db) -> Need:
    with db.session() as session:
        return session.scalars(select(Need).order_by(Need.id.desc())).first()


def test_a_note_is_kept_for_the_coordinators_and_never_relayed(app, db, clock):
    resident, helper, code = claimed(app, db)
    before = sent_to(db, RESIDENT)
    reply = helper.text(f"NOTE {code} Nobody answered the door; the neighbour says she is at her daughter's.")
    assert reply == (f"Thank you. Your note on task {code} is kept for the coordinators. "
                     "The resident does not see it.")
    assert notes(db) == ["Rosa: Nobody answered the door; the neighbour says she is at her daughter's."]
    assert sent_to(db, RESIDENT) == before


@pytest.mark.parametrize("written", ["note #{code}: gate code 4411", "Note {code} gate code 4411",
                                     "NOTE {code} - gate code 4411"])
def test_a_note_is_read_however_the_code_is_written(app, db, clock, written):
    _, helper, code = claimed(app, db)
    assert "is kept for the coordinators" in helper.text(written.format(code=code))
    assert notes(db) == ["Rosa: gate code 4411"]


def test_a_note_on_a_finished_task_is_kept_too(app, db, clock):
    _, helper, code = claimed(app, db)
    helper.text(f"DONE {code}")
    assert "is kept" in helper.text(f"NOTE {code} she asked for help with forms next week")
    assert len(notes(db)) == 1


def test_a_note_for_a_task_that_does_not_exist_gets_a_clear_answer(app, db, clock):
    _, helper, code = claimed(app, db)
    other = "999" if code != "999" else "998"
    assert helper.text(f"NOTE {other} hello") == f"There is no task {other} for you. Reply TASKS to see your tasks."
    assert notes(db) == []


def test_a_note_for_a_task_only_offered_is_not_kept(app, db, clock):
    add_volunteer(db, OTHER, "Sam")
    _, helper, code = claimed(app, db)
    # Sam was offered it too, and it was closed when Rosa took it: a note on it is not Sam's to leave.
    offered = code_in(sent_to(db, OTHER, "offer")[0])
    reply = Phone(app.test_client(), OTHER).text(f"NOTE {offered} I can help tomorrow")
    assert reply == f"Task {offered} is not yours, so the note was not kept. Reply TASKS to see your tasks."
    assert notes(db) == []


def test_a_note_without_a_code_or_words_asks_for_them_and_relays_nothing(app, db, clock):
    _, helper, code = claimed(app, db)
    before = sent_to(db, RESIDENT)
    assert helper.text("NOTE the door was locked") == f"Please add the task code, like NOTE {code}."
    assert helper.text("note") == f"Please add the task code, like NOTE {code}."
    assert helper.text(f"NOTE {code}") == (f"Please write your note after the code, like: NOTE {code} nobody "
                                           "answered the door")
    assert notes(db) == [] and sent_to(db, RESIDENT) == before


def test_a_note_in_the_helpers_language(app, db, clock):
    _, helper, code = claimed(app, db, languages="es")
    reply = helper.text(f"NOTA {code} La señora necesita también pañales")
    assert "Gracias" in reply and code in reply
    assert notes(db) == ["Rosa: La señora necesita también pañales"]


@pytest.mark.parametrize("code", SHIPPED)
def test_every_language_has_its_own_note_word_that_reads_as_a_note(code):
    t = Translator(code, PROJECT_ROOT / "locales")
    words = kw.command_words(t, "note")
    assert words
    for word in words:
        assert kw.split_command(f"{word} 427 hello", [t]) == ("note", "427 hello"), (code, word)
        assert word.upper() not in kw.CARRIER_WORDS
        # Never the word of another volunteer or resident command in the same language.
        for other in kw.COMMANDS:
            if other != "note":
                assert kw.normalize(word) not in {kw.normalize(w) for w in kw.command_words(t, other)}, (code, other)


def test_the_notes_show_on_the_needs_page_for_coordinators_in_their_language(app, db, clock):
    _, helper, code = claimed(app, db)
    helper.text(f"NOTE {code} She needs a ramp at the back door")
    ref = the_need(db).ref
    client = signed_in(app, db, accounts.COORDINATOR)
    page = text(client.get(f"/needs/{ref}"))
    assert "Notes from helpers" in page
    assert "Rosa: She needs a ramp at the back door" in page
    assert "Note from a helper" in page  # and in the history
    spanish = text(client.get(f"/needs/{ref}?lang=es"))
    assert "Notas de quienes ayudan" in spanish and "Nota de quien ayuda" in spanish
    assert "Rosa: She needs a ramp at the back door" in spanish


def test_a_viewer_sees_a_note_without_numbers_or_addresses(app, db, clock):
    _, helper, code = claimed(app, db)
    helper.text(f"NOTE {code} call her at 617-555-0199, 12 Elm St")
    client = signed_in(app, db, accounts.VIEWER)
    page = text(client.get(f"/needs/{the_need(db).ref}"))
    assert "Notes from helpers" in page and "617-555-0199" not in page


def test_the_residents_delete_erases_the_notes_with_the_need(app, db, clock):
    resident, helper, code = claimed(app, db)
    helper.text(f"NOTE {code} the buzzer is broken")
    resident.text("DELETE")
    resident.text("1")
    assert notes(db) == [""]


def test_the_helpers_delete_erases_their_notes_words(app, db, clock):
    _, helper, code = claimed(app, db)
    helper.text(f"NOTE {code} the buzzer is broken")
    helper.text("DELETE")
    helper.text("1")
    assert notes(db) == [""]


def test_retention_erases_the_notes_of_a_closed_need_with_its_details(app, db, clock):
    _, helper, code = claimed(app, db)
    helper.text(f"NOTE {code} the buzzer is broken")
    helper.text(f"DONE {code}")
    clock.shift(timedelta(days=30))
    jobs.run("retention_sweep")
    assert notes(db) == ["Rosa: the buzzer is broken"]
    clock.shift(timedelta(days=61))
    jobs.run("retention_sweep")
    assert notes(db) == [""]


def test_a_note_with_wide_digits_is_kept(app, db, clock):
    _, helper, code = claimed(app, db)
    wide = "".join(chr(0xFF10 + int(d)) for d in code)
    assert "is kept" in helper.text(f"NOTE {wide} 门铃坏了")
    assert notes(db) == ["Rosa: 门铃坏了"]

"""Whole ride conversations through the signed SMS webhook, with the clock held still."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select

from hotline import needs, rides, times
from hotline.flows import ride as ride_flow
from hotline.flows.engine import enabled_languages
from hotline.config import PROJECT_ROOT
from hotline.i18n import Translator
from hotline.i18n import keywords as kw
from hotline.i18n.translator import available
from hotline.models import Ride
from hotline.sms import count_segments

# Tuesday 1 December 2026, 10:00 in New York (the test settings' zone).
NOW = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def driver(db):
    """A driver who covers everywhere, any time, in English and Spanish: someone is always asked."""
    from hotline import volunteers

    with db.session() as session:
        volunteers.save(session, volunteers.VolunteerSpec(
            phone="+16175559000", first_name="Dana", skills="driving", languages="en,es", areas="*",
            consent_method="test", status="active", wheelchair_vehicle=True))
        session.scalars(select(volunteers.Volunteer)).one().quiet_start = 0
        session.scalars(select(volunteers.Volunteer)).one().quiet_end = 0


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def talk(phone, *turns: tuple[str, str | tuple[str, ...]]) -> list[str]:
    """Send each text and check its reply holds the expected words; every reply stays cheap."""
    replies = []
    for text, expected in turns:
        reply = phone.text(text)
        for words in (expected,) if isinstance(expected, str) else expected:
            assert words in reply, f"{text!r} -> {reply!r}"
        assert count_segments(reply).segments <= 2, reply
        replies.append(reply)
    return replies


def start_ride(phone, language: str = "1") -> None:
    talk(phone, ("hi", "1 English"), (language, "2 "), ("2", ""))


def all_rides(db) -> list[Ride]:
    with db.session() as session:
        found = list(session.scalars(select(Ride).order_by(Ride.id)))
        for ride in found:
            _ = ride.need.ref, ride.need.status, ride.return_ride, ride.return_of
        return found


def test_english_ride_with_a_ride_back_from_first_text_to_two_reference_numbers(phone, db, clock):
    talk(phone,
         ("hi", "1 English"),
         ("1", "2 A ride"),
         ("2", "Where should the driver pick you up?"),
         ("12 Elm St, apt 3", "Where are you going?"),
         ("Riverside Clinic, 400 Main St", ("What day and time", "For example: tomorrow 3pm")),
         ("3", "What day should the driver come at 3:00 PM? For example: Friday"),
         ("thursday", ("Pickup: Thursday, December 3, 3:00 PM. Is that right?", "1 That is right")),
         ("1", ("Do you need a ride back?", "1 At a set time", "2 I will text when I am ready")),
         ("1", "What time should the driver pick you up to come back? For example: 5pm"),
         ("2pm", "That is before your pickup at Dec 3, 3:00 PM."),
         ("5:30pm", "Ride back: Thursday, December 3, 5:30 PM. Is that right?"),
         ("1", ("Does anyone riding need any of these?", "2 Wheelchair", "4 Service animal")),
         ("2, 4", "How many people are riding, counting you?"),
         ("12", "Please reply with a number from 1 to 8."),
         ("2", ("Please check your ride:\nFrom: 12 Elm St, apt 3\nTo: Riverside Clinic, 400 Main St\n"
                "Pickup: Dec 3, 3:00 PM\nBack: 5:30 PM\nNeeds: Wheelchair, Service animal\nPeople: 2",
                "1 Book it", "2 Change something")),
         )
    done = phone.text("1")
    there, back = all_rides(db)
    assert f"Your ride number is {there.need.ref}, and {back.need.ref} for the ride back" in done
    assert count_segments(done).segments <= 2
    assert (there.pickup, there.destination) == ("12 Elm St, apt 3", "Riverside Clinic, 400 Main St")
    assert (there.local_time, there.time_zone) == ("2026-12-03T15:00", "America/New_York")
    assert there.pickup_at == datetime(2026, 12, 3, 20, 0, tzinfo=timezone.utc)
    assert there.mobility == ["wheelchair", "service_animal"] and there.riders == 2
    assert there.return_plan == rides.RETURN_AT_TIME and back.return_of_id == there.id
    assert back.pickup_at == datetime(2026, 12, 3, 22, 30, tzinfo=timezone.utc)
    assert (back.pickup, back.destination) == (there.destination, there.pickup)
    # The driver on call was asked at once, for both rides.
    assert there.status == back.status == rides.OFFERED
    assert there.need.category == "ride" and there.need.status == needs.OFFERED and there.need.language == "en"


def test_spanish_ride_is_asked_read_back_and_booked_in_spanish(phone, db, clock):
    talk(phone,
         ("hola", "2 Español"),
         ("2", "2 Transporte"),
         ("transporte", "¿En qué lugar pasamos por usted?"),
         ("Calle 5 y Main", "¿A qué lugar va?"),
         ("Clínica del Pueblo", "¿Qué fecha y a qué hora pasamos por usted? Por ejemplo: mañana a las 3 pm"),
         ("mañana a las 3 de la tarde", ("Pasamos por usted el miércoles, 2 de diciembre, 3:00 p.m., ¿es correcto?",
                                          "1 Es correcto", "2 No, cambiarla")),
         ("Sí", ("¿Necesita viaje de regreso?", "2 Les escribo cuando termine")),
         ("2", ("¿Alguien del viaje necesita algo de esto?", "2 Silla de ruedas", "5 Asiento para niño")),
         ("2 y 5", "Escriba la cantidad de personas que van en total"),
         ("somos 3", ("Revise su viaje:\nDesde: Calle 5 y Main\nHasta: Clinica del Pueblo\n"
                      "Salida: 2 dic, 3:00 p.m.\nRegreso: usted nos escribe\n"
                      "Necesita: Silla de ruedas, Asiento para niño\nPersonas: 3",
                      "1 Reservar el viaje")),
         )
    done = phone.text("1")
    (ride,) = all_rides(db)
    assert f"Gracias. Su viaje es el {ride.need.ref}." in done
    assert "Cuando quiera regresar" in done
    assert count_segments(done).segments <= 2
    assert ride.return_plan == rides.WILL_CALL and ride.return_ride is None
    assert ride.local_time == "2026-12-02T15:00" and ride.need.language == "es"
    assert ride.mobility == ["wheelchair", "child_seat"] and ride.riders == 3


def test_a_spanish_rider_writes_the_time_in_words_and_gets_it_read_back(phone, db, clock):
    talk(phone,
         ("hola", "2 Español"),
         ("2", "2 Transporte"),
         ("transporte", "¿En qué lugar pasamos por usted?"),
         ("Calle 5 y Main", "¿A qué lugar va?"),
         ("Clínica del Pueblo", "¿Qué fecha y a qué hora pasamos por usted?"),
         # Three or four: never guessed, asked again with the example.
         ("mañana a las tres o cuatro", "Disculpe, no encuentro la fecha y la hora en su mensaje. "
                                        "Escriba algo como: mañana a las 3 pm"),
         ("mañana a las tres y media de la tarde",
          ("Pasamos por usted el miércoles, 2 de diciembre, 3:30 p.m., ¿es correcto?", "1 Es correcto")),
         ("1", "¿Necesita viaje de regreso?"),
         ("1", "¿A qué hora pasamos por usted para el regreso?"),
         ("a las cinco menos cuarto", "Para el regreso, pasamos por usted el miércoles, 2 de diciembre, 4:45 p.m."),
         )


def test_kreyol_ride_is_read_and_read_back_in_kreyol_though_the_date_library_reads_no_kreyol(phone, db, clock):
    talk(phone,
         ("Kreyòl", ("Ak kisa ou bezwen èd?", "2 Woulib")),
         ("2", "Ki kote chofè a dwe vin chèche ou?"),
         ("12 Elm St", "Ki kote w ap prale?"),
         ("Klinik Riverside", ("Ki jou ak ki lè", "Pa egzanp: demen a 3è")),
         ("vandredi", "A ki lè vandredi 4 desanm? Pa egzanp: 10è oswa 3:30"),
         ("a 3è edmi", ("Chofè a ap vin chèche ou vandredi 4 desanm a 3:30 PM. Se sa?", "1 Se sa")),
         ("wi", ("Ou bezwen yon woulib pou retounen?", "1 A yon lè fiks")),
         ("1", "Pa egzanp: 5è"),
         ("5è", "Retou: vandredi 4 desanm a 5:00 PM. Se sa?"),
         ("dakò", ("2 Chèz woulant", "5 Chèz machin pou timoun")),
         ("1", "Konbyen moun k ap monte"),
         ("1", ("Tanpri verifye woulib ou:\nSoti: 12 Elm St\nAle: Klinik Riverside\n"
                "Kilè: 4 desanm a 3:30 PM\nRetou: 5:00 PM\nBezwen: Anyen\nKonbyen moun: 1",
                "1 Rezève l")),
         )
    done = phone.text("1")
    there, back = all_rides(db)
    assert f"Nimewo woulib ou se {there.need.ref}, e {back.need.ref} pou retou a" in done
    assert (there.local_time, back.local_time) == ("2026-12-04T15:30", "2026-12-04T17:00")
    assert there.need.language == "ht"


def test_russian_ride_is_read_and_read_back_in_russian(phone, db, clock):
    talk(phone,
         ("Русский", "2 Поездка"),
         ("2", "Откуда Вас забрать?"),
         ("ул. Ленина 5", "Куда Вы едете?"),
         ("Поликлиника", "например: завтра в 15:00"),
         ("завтра в 3 часа дня", ("Водитель заберёт Вас: среда, 2 декабря, 15:00. Верно?", "1 Верно")),
         ("да", "Нужна обратная поездка?"),
         ("2", ("Что из этого нужно?", "2 Коляска")),
         ("2 3", "Сколько человек поедет"),
         ("2", ("ул. Ленина 5 - Поликлиника\n2 дек., 15:00, обратно: напишете\nНужно: Коляска, Ходунки\n"
                "Людей: 2", "1 Верно")),
         )
    done = phone.text("1")
    (ride,) = all_rides(db)
    assert f"Номер поездки: {ride.need.ref}" in done and count_segments(done).segments <= 2
    assert ride.local_time == "2026-12-02T15:00" and ride.mobility == ["wheelchair", "walker"]


def test_a_time_already_past_gets_a_kind_question_with_an_example(phone, db, clock):
    start_ride(phone)
    talk(phone, ("Elm St", "Where are you going?"), ("Clinic", "What day and time"),
         ("yesterday 3pm", ("That time has already passed.", "For example: tomorrow 3pm")),
         ("today 9am", "That time has already passed."),
         ("today 11am", "Pickup: Tuesday, December 1, 11:00 AM. Is that right?"))


def test_a_time_too_far_ahead_says_until_when_rides_are_booked(phone, clock):
    start_ride(phone)
    talk(phone, ("Elm St", ""), ("Clinic", ""),
         ("march 3 2027 10am", "That is too far ahead: we book rides until Saturday, January 30."),
         ("jan 30 10am", "Pickup: Saturday, January 30, 10:00 AM."))


def test_words_without_a_time_get_an_example_to_copy(phone, clock):
    start_ride(phone)
    talk(phone, ("Elm St", ""), ("Clinic", ""),
         ("whenever works", "Sorry, I could not read a day and time in that. Please write it like this: tomorrow 3pm"),
         ("", "Please write your answer in words."),
         ("tomorrow 3pm", "Pickup: Wednesday, December 2, 3:00 PM."))


def test_a_day_without_a_time_asks_what_time_that_day(phone, clock):
    start_ride(phone)
    talk(phone, ("Elm St", ""), ("Clinic", ""),
         ("tomorrow", "What time on Wednesday, December 2? For example: 10am or 3:30pm"),
         ("10am", "Pickup: Wednesday, December 2, 10:00 AM. Is that right?"),
         ("2", "What day and time should the driver pick you up?"),
         ("friday morning", "Pickup: Friday, December 4, 9:00 AM. Is that right?"))


def test_a_time_is_read_back_and_a_wrong_one_asked_again(phone, clock):
    start_ride(phone)
    talk(phone, ("Elm St", ""), ("Clinic", ""),
         ("thursday 10", "Pickup: Thursday, December 3, 10:00 AM. Is that right?"),
         ("maybe", ("Sorry, I did not understand that.", "1 That is right")),
         ("no", "What day and time should the driver pick you up?"))


def test_mobility_needs_take_several_numbers_or_names_and_refuse_a_wrong_number(phone, db, clock):
    start_ride(phone)
    talk(phone, ("Elm St", ""), ("Clinic", ""), ("tomorrow 3pm", ""), ("1", ""), ("3", ""),
         ("7", ("Please reply with a number from 1 to 5.", "Does anyone riding need any of these?")),
         ("walker and service animal", "How many people"),
         ("1", "Needs: Walker, Service animal"))


def test_changing_the_time_at_the_read_back_returns_to_the_read_back(phone, db, clock):
    start_ride(phone)
    talk(phone, ("Elm St", ""), ("Clinic", ""), ("tomorrow 3pm", ""), ("1", ""),
         ("1", ""), ("6pm", ""), ("1", ""), ("1", ""),
         ("1", ("Pickup: Dec 2, 3:00 PM", "Back: 6:00 PM")),
         ("2", ("What do you want to change?", "3 Day and time")),
         ("3", "What day and time"),
         ("tomorrow 7pm", "Pickup: Wednesday, December 2, 7:00 PM."),
         # The ride back is now before the ride there: it is asked again.
         ("1", "That is before your pickup at Dec 2, 7:00 PM."),
         ("9pm", "Ride back: Wednesday, December 2, 9:00 PM."),
         ("1", ("Please check your ride:", "Pickup: Dec 2, 7:00 PM", "Back: 9:00 PM")),
         ("2", ""), ("1", "Where should the driver pick you up?"),
         ("Oak Ave", "From: Oak Ave"))
    phone.text("1")
    there, back = all_rides(db)
    assert (there.pickup, there.local_time, back.local_time) == ("Oak Ave", "2026-12-02T19:00", "2026-12-02T21:00")


def test_a_time_that_passed_while_the_rider_was_away_is_asked_again_before_booking(phone, db, clock):
    start_ride(phone)
    talk(phone, ("Elm St", ""), ("Clinic", ""), ("today 11am", ""), ("1", ""), ("3", ""), ("1", ""),
         ("1", "Please check your ride:"))
    clock.move_to(NOW + timedelta(hours=2))
    talk(phone, ("1", "That time has already passed."),
         ("tomorrow 11am", "Pickup: Wednesday, December 2, 11:00 AM."),
         ("1", ("Please check your ride:", "Pickup: Dec 2, 11:00 AM")))
    phone.text("1")
    (ride,) = all_rides(db)
    assert ride.local_time == "2026-12-02T11:00"


def test_a_ride_booked_across_the_autumn_change_keeps_its_wall_clock_time(phone, db):
    with time_machine.travel(datetime(2026, 10, 30, 16, 0, tzinfo=timezone.utc), tick=False):
        start_ride(phone)
        talk(phone, ("Elm St", ""), ("Clinic", ""),
             ("next Monday 9am", "Pickup: Monday, November 2, 9:00 AM."),
             ("1", ""), ("3", ""), ("1", ""), ("1", ""), ("1", "Your ride number is"))
    (ride,) = all_rides(db)
    assert ride.local_time == "2026-11-02T09:00"
    assert ride.pickup_at == datetime(2026, 11, 2, 14, 0, tzinfo=timezone.utc)
    assert rides.pickup_local(ride).strftime("%H:%M %Z") == "09:00 EST"


def test_a_ride_booked_across_the_spring_change_keeps_its_wall_clock_time(phone, db):
    with time_machine.travel(datetime(2026, 3, 6, 17, 0, tzinfo=timezone.utc), tick=False):
        start_ride(phone)
        talk(phone, ("Elm St", ""), ("Clinic", ""),
             ("next Monday 9am", "Pickup: Monday, March 9, 9:00 AM."),
             ("1", ""), ("3", ""), ("1", ""), ("1", ""), ("1", "Your ride number is"))
    (ride,) = all_rides(db)
    assert ride.pickup_at == datetime(2026, 3, 9, 13, 0, tzinfo=timezone.utc)
    assert rides.pickup_local(ride).strftime("%H:%M %Z") == "09:00 EDT"


def test_withdrawing_a_ride_through_status_cancels_its_ride_back(phone, db, clock):
    start_ride(phone)
    talk(phone, ("Elm St", ""), ("Clinic", ""), ("tomorrow 3pm", ""), ("1", ""), ("1", ""), ("5pm", ""),
         ("1", ""), ("1", ""), ("1", ""), ("1", "Your ride number is"))
    there, back = all_rides(db)
    # Newest first: the ride back is 1, the ride there 2.
    talk(phone, ("STATUS", (f"1 Ride back Dec 2, 5:00 PM ({back.need.ref})",
                            f"2 Ride there Dec 2, 3:00 PM ({there.need.ref})")),
         ("2", f"Withdraw request {there.need.ref}?"), ("1", "is withdrawn"))
    there, back = all_rides(db)
    assert there.status == back.status == rides.CANCELLED
    assert there.need.status == back.need.status == needs.WITHDRAWN


def test_a_ride_and_its_ride_back_booked_when_no_driver_is_free_name_both_numbers(phone, db, clock):
    from hotline import volunteers

    with db.session() as session:
        session.scalars(select(volunteers.Volunteer)).one().status = volunteers.PAUSED
    start_ride(phone)
    talk(phone, ("Elm St", ""), ("Clinic", ""), ("tomorrow 3pm", ""), ("1", ""), ("1", ""), ("5pm", ""),
         ("1", ""), ("1", ""), ("1", ""))
    done = phone.text("1")
    there, back = all_rides(db)
    assert (f"Your ride number is {there.need.ref}, and {back.need.ref} for the ride back. No driver is free "
            "right now") in done
    assert count_segments(done).segments <= 2


def test_a_ride_alone_booked_when_no_driver_is_free_names_its_number(phone, db, clock):
    from hotline import volunteers

    with db.session() as session:
        session.scalars(select(volunteers.Volunteer)).one().status = volunteers.PAUSED
    start_ride(phone)
    talk(phone, ("Elm St", ""), ("Clinic", ""), ("tomorrow 3pm", ""), ("1", ""), ("3", ""), ("1", ""), ("1", ""))
    done = phone.text("1")
    (ride,) = all_rides(db)
    assert f"Your ride number is {ride.need.ref}. No driver is free right now" in done


@pytest.mark.parametrize("code", available(PROJECT_ROOT / "locales"))
def test_status_shows_each_ride_with_its_day_time_and_direction_in_every_language(code, phone, db, clock):
    from hotline.i18n import languages

    phone.text(languages.REGISTRY[code].native_name)
    with db.session() as session:
        from hotline.models import Contact

        contact = session.scalars(select(Contact).where(Contact.phone == phone.number)).one()
        # The longest a STATUS list of one booking gets: a Saturday there, a Sunday back, days apart.
        rides.book(session, contact, pickup="Elm St", destination="Clinic", local_time="2026-12-05T15:30",
                   time_zone="America/New_York", return_plan=rides.RETURN_AT_TIME, return_time="2026-12-06T11:45",
                   language=code, now=NOW)
    there, back = all_rides(db)
    t = Translator(code, PROJECT_ROOT / "locales")
    reply = phone.text(kw.shown_word(t, "status"))
    assert count_segments(reply).segments <= 2, reply
    status = t._(needs.STATUS_LABELS[there.need.status])
    # Where each stands, unless that leaves no room for both (two rides in a Unicode script).
    whole = status in reply
    for ride, words in ((there, "Ride there %(when)s (%(ref)s)"), (back, "Ride back %(when)s (%(ref)s)")):
        when = times.format_for(rides.pickup_local(ride), code, style=times.SHORT)
        line = t._(words + ": %(status)s", when=when, ref=ride.need.ref, status=status) if whole else t._(
            words, when=when, ref=ride.need.ref)
        assert line in reply, (code, reply)
    assert t._("Ride there %(when)s (%(ref)s)") != t._("Ride back %(when)s (%(ref)s)")
    assert whole or languages.REGISTRY[code].latin_script is False or code == "vi", reply


def test_a_second_ride_is_booked_without_the_duplicate_question(phone, db, clock):
    start_ride(phone)
    talk(phone, ("Elm St", ""), ("Clinic", ""), ("tomorrow 3pm", ""), ("1", ""), ("3", ""), ("1", ""),
         ("1", ""), ("1", "Your ride number is"),
         ("ride", "Where should the driver pick you up?"))


def test_the_examples_in_every_language_are_understood_when_typed_back(app):
    settings = app.extensions["hotline"].settings
    horizon = timedelta(days=settings.ride_horizon_days)
    for lang in enabled_languages(settings):
        t = Translator(lang.code, settings.locales_dir)
        parse = lambda text, **known: times.parse_when(text, lang.code, NOW, settings.hotline_timezone,
                                                       horizon, **known)
        assert parse(t._(ride_flow.EXAMPLE)).ok, lang.code
        assert parse(t._(ride_flow.EXAMPLE_DAY), clock=time(15)).ok, lang.code
        assert parse(t._(ride_flow.EXAMPLE_BACK), day=date(2026, 12, 2)).ok, lang.code
        for example in t._(ride_flow.EXAMPLE_TIME).split(" "):
            if example[0].isdigit():
                assert parse(example, day=date(2026, 12, 2)).ok, (lang.code, example)


# -- what the first text already said ---------------------------------------------------------

def test_a_first_text_giving_where_and_when_asks_only_the_rest_and_reads_them_back(phone, db, clock):
    talk(phone,
         ("I need a ride to the clinic tomorrow at 3", "Where should the driver pick you up?"),
         # Neither "Where are you going?" nor "What day and time" again.
         ("12 Elm St", "Do you need a ride back?"),
         ("3", "Does anyone riding need any of these?"),
         ("1", "How many people are riding"),
         ("1", ("From: 12 Elm St", "To: the clinic", "Pickup: Dec 2, 3:00 PM", "2 Change something")))
    # What was read from the first text can be corrected like any answer.
    talk(phone, ("2", "What do you want to change?"), ("2", "Where are you going?"),
         ("Riverside Clinic", ("To: Riverside Clinic", "Pickup: Dec 2, 3:00 PM")), ("1", "Your ride number is"))
    [ride] = all_rides(db)
    assert (ride.destination, ride.local_time) == ("Riverside Clinic", "2026-12-02T15:00")


def test_a_spanish_first_text_giving_where_and_when_asks_only_the_rest(phone, db, clock):
    talk(phone,
         ("necesito un viaje a la clínica mañana a las tres de la tarde", "¿En qué lugar pasamos por usted?"),
         ("Calle Elm 12", "¿Necesita viaje de regreso?"),
         ("3", "¿Alguien del viaje necesita algo de esto?"),
         ("1", "cantidad de personas"),
         ("1", ("Desde: Calle Elm 12", "Hasta: la cl", "Salida: 2 dic, 3:00 p.m.")),
         ("1", "Su viaje es el"))
    [ride] = all_rides(db)
    assert (ride.destination, ride.local_time) == ("la clínica", "2026-12-02T15:00")


def test_a_first_text_whose_time_is_unsure_keeps_the_place_and_asks_the_time_as_before(phone, db, clock):
    talk(phone,
         ("I need a ride to the clinic tomorrow at 3 or 4", "Where should the driver pick you up?"),
         ("12 Elm St", "What day and time should the driver pick you up? For example: tomorrow 3pm"),
         ("tomorrow 4pm", "Pickup: Wednesday, December 2, 4:00 PM. Is that right?"))


def test_a_first_text_with_nothing_to_read_asks_every_ride_question_as_before(phone, db, clock):
    talk(phone,
         ("I need a ride please, for 2 people", "Where should the driver pick you up?"),
         ("12 Elm St", "Where are you going?"),
         ("the clinic", "What day and time should the driver pick you up?"))


def test_a_long_first_text_is_read_a_bounded_number_of_times_and_then_asked_as_before(phone, monkeypatch):
    from hotline.flows import ride_words

    reads = []
    original = ride_words._read
    monkeypatch.setattr(ride_words, "_read", lambda ctx, words: reads.append(words) or original(ctx, words))
    story = "I need a ride " + "to the clinic at 3 on monday or the 12th " * 30
    talk(phone, (story, "Where should the driver pick you up?"), ("12 Elm St", "Where are you going?"))
    # However long the text, the slow time reader runs a bounded number of times (words, then runs).
    assert 0 < len(reads) <= ride_words.SCANNED_WORDS + ride_words.MOST_RUNS


def test_a_ride_to_the_pharmacy_is_a_ride_though_pharmacy_is_a_word_for_health(phone, make_phone, db, clock):
    # The place a ride goes to names no other kind of help: "to the pharmacy" is where, not what.
    talk(phone,
         ("I need a ride to the pharmacy friday at 2pm", "Where should the driver pick you up?"),
         ("12 Elm St", "Do you need a ride back?"),
         ("3", "Does anyone riding need any of these?"),
         ("1", "How many people are riding"),
         ("1", ("To: the pharmacy", "Pickup: Dec 4, 2:00 PM")))
    # Food asked for beside the ride is still another kind of help: which one is asked.
    assert "What do you need help with?" in make_phone("+15551239998").text("I need food and a ride to the store")


def test_a_kreyol_ride_pou_al_somewhere_keeps_the_place(phone, db, clock):
    talk(phone,
         ("mwen bezwen yon woulib pou al lopital demen a 10è", "Ki kote chofè a dwe vin chèche ou?"),
         # Not "Ki kote w ap prale?" again: "pou al lopital" said where.
         ("12 Elm St", "Ou bezwen yon woulib pou retounen?"),
         ("3", "Gen yon moun"), ("1", "Konbyen moun"),
         ("1", ("Ale: lopital", "Kilè: 2 desanm a 10:00 AM")))


def test_a_vietnamese_ride_to_the_hospital_is_a_ride_not_health(phone, db, clock):
    talk(phone,
         ("tôi cần người chở đến bệnh viện ngày mai lúc 3 giờ chiều", "Tài xế đón quý vị ở đâu?"),
         ("12 Elm St", "2 Tôi sẽ nhắn khi xong"),
         ("3", "ví dụ: 2 4"), ("1", "Có mấy người đi"),
         ("1", ("Den: benh vien", "15:00 2 thg 12")), ("1", ""))
    [ride] = all_rides(db)
    assert ride.local_time == "2026-12-02T15:00"


@pytest.mark.parametrize("first", ["cho tôi xin ít đồ ăn cho gia đình", "cho tôi xin gạo"])
def test_vietnamese_give_me_is_not_drive_me(make_phone, db, first):
    # "cho tôi" (give me) and "chở tôi" (drive me) read alike without their marks.
    phone = make_phone("+15551239999")
    assert "Quý vị ở đâu?" in phone.text(first)  # the food request's next question, not the menu


def test_a_first_text_with_only_a_part_of_the_day_asks_the_hour(phone, db, clock):
    # "sunday morning" names no hour: a driver sent at a guessed 9:00 is no booking.
    talk(phone,
         ("I need a ride to church sunday morning", "Where should the driver pick you up?"),
         ("12 Elm St", "What day and time should the driver pick you up?"),
         ("sunday 10:30am", "Pickup: Sunday, December 6, 10:30 AM. Is that right?"),
         ("1", "Do you need a ride back?"), ("3", ""), ("1", ""),
         ("1", "To: church"))


@pytest.mark.parametrize("answer", ["yes", "no", "2"])
def test_a_yes_or_a_menu_number_is_not_taken_for_a_pickup_place(phone, db, clock, answer):
    start_ride(phone)
    reply = phone.text(answer)
    assert "Sorry" in reply and "Where should the driver pick you up?" in reply
    talk(phone, ("12 Elm St", "Where are you going?"))
    reply = phone.text(answer)
    assert "Sorry" in reply and "Where are you going?" in reply
    talk(phone, ("the clinic", "What day and time"))


def test_a_new_time_typed_at_the_time_read_back_is_taken_as_the_correction(phone, db, clock):
    start_ride(phone)
    talk(phone, ("12 Elm St", ""), ("the clinic", "What day and time"),
         ("tomorrow 3pm", "Pickup: Wednesday, December 2, 3:00 PM. Is that right?"),
         # Instead of "no" and the question again, the right time at once.
         ("thursday at 10am", "Pickup: Thursday, December 3, 10:00 AM. Is that right?"),
         ("1", "Do you need a ride back?"), ("1", "come back"),
         ("5pm", "Ride back: Thursday, December 3, 5:00 PM. Is that right?"),
         ("6pm", "Ride back: Thursday, December 3, 6:00 PM. Is that right?"),
         ("1", "Does anyone riding need"), ("1", ""),
         ("1", ("Pickup: Dec 3, 10:00 AM", "Back: 6:00 PM")))


def test_a_spanish_rider_corrects_the_time_at_its_read_back_in_words(phone, db, clock):
    start_ride(phone, "2")
    talk(phone, ("Calle Elm 12", ""), ("el hospital", "¿Qué fecha"),
         ("tres de la tarde", "a las 3:00 p.m.?"),
         ("mañana temprano", "3:00 p.m., ¿es correcto?"),
         ("mañana a las diez de la mañana", "miércoles, 2 de diciembre, 10:00 a.m., ¿es correcto?"))


def test_a_yes_to_do_you_need_a_ride_back_asks_which_of_the_two_instead_of_a_sorry(phone, db, clock):
    talk(phone,
         ("necesito un viaje a la clínica mañana a las tres de la tarde", "¿En qué lugar pasamos por usted?"),
         ("Calle Elm 12", "¿Necesita viaje de regreso?"))
    reply = talk(phone, ("sí", "Responda 1 si sabe a qué hora volver, o 2 para escribirnos"))[0]
    assert "no le comprendo" not in reply
    talk(phone, ("2", "¿Alguien del viaje necesita algo de esto?"), ("1", "cantidad de personas"),
         ("1", "Salida: 2 dic, 3:00 p.m."), ("1", "Su viaje es el"))
    [ride] = all_rides(db)
    assert ride.return_plan == rides.WILL_CALL


def test_a_time_given_at_do_you_need_a_ride_back_books_the_ride_back_at_it(phone, db, clock):
    talk(phone,
         ("necesito un viaje a la clínica mañana a las tres de la tarde", "¿En qué lugar pasamos por usted?"),
         ("Calle Elm 12", "¿Necesita viaje de regreso?"),
         ("sí, a las 5 de la tarde", ("Para el regreso", "5:00 p.m.")),
         ("sí", "¿Alguien del viaje necesita algo de esto?"), ("1", "cantidad de personas"),
         ("1", "Salida: 2 dic, 3:00 p.m."), ("1", "Su viaje es el"))
    there, back = all_rides(db)
    assert there.return_plan == rides.RETURN_AT_TIME and back.local_time == "2026-12-02T17:00"


@pytest.mark.parametrize("first, pickup, where, when", [
    ("I need a ride to work every monday at 8am", "Where should the driver pick you up?", "Where are you going?",
     "What day and time"),
    ("necesito un viaje al trabajo todos los lunes a las 8", "¿En qué lugar pasamos por usted?", "¿A qué lugar va?",
     "¿Qué fecha y a qué hora"),
])
def test_a_first_text_asking_for_a_ride_every_week_takes_no_place_or_time_from_it(phone, first, pickup, where, when):
    # One ride is booked at a time: "work every" is no place, and one Monday is not what they asked.
    talk(phone, (first, pickup), ("12 Elm St", where), ("the office", when))

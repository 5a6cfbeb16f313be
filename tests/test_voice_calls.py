"""Calls to the hotline: the same flows and conversation as texts, by keypad and by speech."""
from __future__ import annotations

import re
import threading
from datetime import datetime, timezone
from dataclasses import replace

import pytest
import time_machine
from sqlalchemy import func, select

from hotline import create_app
from hotline.models import Contact, Conversation, InboundMessage, Need, OutboxMessage, Recording, Ride

from .conftest import PUBLIC_URL, sign
from .voice_caller import Call

COORDINATOR = "+16175550199"
SPANISH_VOICE = ("es-US", "Polly.Lupe-Neural")
ENGLISH_VOICE = ("en-US", "Polly.Joanna-Neural")


@pytest.fixture
def settings(settings, tmp_path):
    """English and Spanish only: the menus these calls walk through are the two-language ones."""
    from .voice_locales import locales_with

    return replace(settings, locales_dir=str(locales_with(tmp_path / "en-es")))


@pytest.fixture
def make_client(settings):
    """A client for an app with some settings changed."""
    apps = []

    def make(**overrides):
        app = create_app(replace(settings, **overrides))
        app.config["TESTING"] = True
        apps.append(app)
        return app.test_client(), app.extensions["hotline"].db

    yield make
    for app in apps:
        app.extensions["hotline"].close()


def the(db, model, *where):
    with db.session() as session:
        return session.scalars(select(model).where(*where)).one()


def count(db, model, *where) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def voices(call: Call) -> set[tuple[str, str]]:
    return {(h.language, h.voice) for h in call.latest if not h.played}


def file_food_by_phone(call: Call, language_key="1", details="rice and beans for four people", zip_code="02139"):
    call.press(language_key)  # the language menu
    call.press("1")  # food
    call.say(details)
    call.press("1")  # that is right
    call.press(zip_code + "#")
    return call.press("1")  # send it


# -- a first call, and the language menu ------------------------------------------------------

def test_first_call_offers_each_language_in_its_own_words_and_voice(call):
    c = call()
    english, spanish = c.latest
    assert english.text == "For English, press 1." and (english.language, english.voice) == ENGLISH_VOICE
    assert spanish.text == "Para Español, oprima 2." and (spanish.language, spanish.voice) == SPANISH_VOICE
    assert c.waiting.attrib["numDigits"] == "1"


def test_language_menu_goes_on_in_the_default_language_after_a_few_seconds(call, db):
    c = call().silence()
    assert "What do you need help with?" in c.text
    assert the(db, Contact).language == "en"


def test_a_key_that_names_no_language_offers_the_menu_again(call):
    c = call().press("7")
    assert c.text == "For English, press 1. Para Español, oprima 2."


def test_food_request_filed_entirely_by_phone_in_english(call, db):
    c = file_food_by_phone(call())
    assert c.ended
    assert "Your request number is" in c.text and "Thank you for calling. Goodbye." in c.text
    need = the(db, Need)
    assert (need.category, need.details, need.location) == ("food", "rice and beans for four people", "02139")
    assert (need.language, need.channel) == ("en", "voice")
    # The number is said digit by digit, twice.
    spoken = " ".join(need.ref)
    assert c.text.count(spoken) == 2
    assert voices(c) == {ENGLISH_VOICE}


def test_food_request_filed_entirely_by_phone_in_spanish(call, db):
    c = call().press("2")
    assert "¿Con qué necesita ayuda?" in c.text and "Comida: oprima 1." in c.text
    assert voices(c) == {SPANISH_VOICE}
    assert c.waiting.attrib["language"] == "es-US"
    c.press("1").say("arroz y frijoles para cuatro personas")
    assert "Entendí: arroz y frijoles para cuatro personas." in c.text
    assert c.waiting.attrib["language"] == "es-US"
    c.press("1").say("Calle Washington y Martin Luther King")
    c.press("1")  # the place is right
    assert c.text.startswith("Por favor, revise") or "Calle Washington" in c.text
    c.press("1")
    assert c.ended and "Su número de solicitud es" in c.text
    need = the(db, Need)
    assert need.language == "es" and need.details == "arroz y frijoles para cuatro personas"
    assert need.location == "Calle Washington y Martin Luther King"
    every_say = {(h.language, h.voice) for h in c.heard[2:] if not h.played}
    assert every_say == {SPANISH_VOICE}


@pytest.mark.parametrize("language, words", [
    ("1", {"pickup": "12 Elm Street", "to": "Riverside Clinic", "when": "Friday at 2:30 pm",
           "check": "Friday, December 4", "booked": "Your request number is"}),
    ("2", {"pickup": "Calle Elm 12", "to": "la clínica Riverside", "when": "el viernes a las 2:30 de la tarde",
           "check": "viernes, 4 de diciembre", "booked": "Su número de solicitud es"}),
])
def test_a_ride_is_booked_entirely_by_phone(call, db, language, words):
    with time_machine.travel(datetime(2026, 12, 1, 15, tzinfo=timezone.utc), tick=False):
        c = call().press(language).press("2")  # a ride
        c.say(words["pickup"]).press("1")  # said, heard back, confirmed
        c.say(words["to"]).press("1")
        c.say(words["when"])
        assert words["check"] in c.text and "2:30" in c.text  # the flow reads the time back itself
        c.press("1")  # right
        c.press("3")  # no ride back
        c.press("1#")  # no mobility needs
        c.press("2")  # two riders
        c.press("1")  # book it
        assert c.ended and words["booked"] in c.text
    ride = the(db, Ride)
    assert ride.pickup == words["pickup"] and ride.destination == words["to"]
    assert ride.local_time == "2026-12-04T14:30" and ride.riders == 2 and ride.mobility == []
    assert the(db, Need).channel == "voice"


def ride_to_the_time_question(c: Call, language: str = "1") -> Call:
    c.press(language).press("2")  # a ride
    c.say("12 Elm Street").press("1")
    return c.say("Riverside Clinic").press("1")


KEYPAD_OFFER = ("You can also enter the time on the keypad: four digits on a 24-hour clock, then press pound. "
                "For example, for 3:30 in the afternoon, press 1 5 3 0.")


def test_a_time_said_in_words_is_read_back_by_the_flow(call, db):
    with time_machine.travel(datetime(2026, 12, 1, 15, tzinfo=timezone.utc), tick=False):
        c = ride_to_the_time_question(call(), "2")
        c.say("mañana a las tres y media de la tarde")
        assert "miércoles, 2 de diciembre, 3:30 p.m." in c.text


def test_a_time_refused_twice_on_a_call_can_be_keyed_as_four_digits(call, db):
    with time_machine.travel(datetime(2026, 12, 1, 15, tzinfo=timezone.utc), tick=False):
        c = ride_to_the_time_question(call())
        c.say("tomorrow")  # no hour: asked again
        assert "What time on Wednesday, December 2?" in c.text and "keypad" not in c.text
        c.say("when the bus comes")  # refused twice: the keys are offered
        assert "Sorry, I could not read a day and time in that." in c.text
        assert c.text.endswith(KEYPAD_OFFER)
        assert c.waiting.tag == "Gather" and "dtmf" in c.waiting.attrib["input"]
        c.press("2575#")  # no time on a clock: asked again, keys still offered
        assert "Sorry, I could not read a day and time in that." in c.text and c.text.endswith(KEYPAD_OFFER)
        c.press("1530#")
        # The time is kept; the day is asked for, and a day cannot be keyed.
        assert "What day should the driver come at 3:30 PM?" in c.text and "keypad" not in c.text
        c.say("tomorrow")
        assert "Pickup: Wednesday, December 2, 3:30 PM. Is that right?" in c.text
        c.press("1")
        assert "Do you need a ride back?" in c.text
    with db.session() as session:
        conversation = session.scalars(select(Conversation)).one()
        assert conversation.data["when"] == "2026-12-02T15:30"
        assert "when_refused" not in conversation.data


def test_a_keyed_time_on_a_24_hour_clock_keeps_the_day_already_given(call, db):
    with time_machine.travel(datetime(2026, 12, 1, 15, tzinfo=timezone.utc), tick=False):
        c = ride_to_the_time_question(call(), "2")
        c.say("el viernes")
        c.say("el viernes, a la hora de la cita")  # the hour is still missing, the day kept
        assert "¿A qué hora el viernes, 4 de diciembre?" in c.text
        assert "para las 3:30 de la tarde, marque 1 5 3 0." in c.text
        c.press("0930#")  # four digits on a 24-hour clock: 9:30 in the morning
        assert "viernes, 4 de diciembre, 9:30 a.m." in c.text


def test_speech_picks_a_choice_by_its_name_or_a_number_word(call, db):
    c = call().press("1")
    c.say("Food.")
    assert "What food do you need" in c.text
    c2 = call("+15550002222").press("2")
    c2.say("dos")
    assert the(db, Conversation, Conversation.contact.has(phone="+15550002222")).flow == "ride"


# -- returning callers --------------------------------------------------------------------------

def seconds_of_speech(text: str) -> float:
    """A fair estimate of how long a voice takes to say text: 2.5 words a second, digits one by one."""
    words = re.findall(r"\w+", text)
    return len(words) / 2.5 + text.count(".") * 0.3


@pytest.mark.parametrize("language_key", ["1", "2"])
def test_returning_caller_skips_the_menu_and_hears_the_categories_within_ten_seconds(call, language_key):
    call().press(language_key).silence().silence()  # a first call that ended
    c = call()
    question = "What do you need help with?" if language_key == "1" else "¿Con qué necesita ayuda?"
    before, _, _ = c.text.partition(question)
    assert question in c.text
    assert seconds_of_speech(before) < 10, before
    assert "9" in before  # and they hear how to switch


def test_returning_caller_switches_language_with_9_and_goes_on_with_the_same_question(call, db):
    call().press("1").press("1").silence().silence()  # food, then silence: the call ends
    c = call()
    assert "Let's go on where you left off." in c.text and "What food do you need" in c.text
    c.press("9")
    assert c.text == "For English, press 1. Para Español, oprima 2."
    c.press("2")
    assert "¿Qué comida necesita" in c.text
    assert the(db, Contact).language == "es"


def test_saying_a_language_name_switches_to_it(call, db):
    c = call().press("1").say("Español")
    assert "¿Con qué necesita ayuda?" in c.text and voices(c) == {SPANISH_VOICE}
    assert the(db, Contact).language == "es"


# -- forgiving menus ----------------------------------------------------------------------------

def test_star_repeats_the_question(call):
    c = call().press("1")
    first = c.text
    c.press("*")
    assert c.text == first.partition("What do you need help with?")[1] + first.partition("What do you need help with?")[2]


def test_a_key_that_is_no_choice_explains_the_choices_again(call):
    c = call().press("1").press("1").say("rice and beans").press("1").press("02139#")
    assert "Send it: press 1." in c.text
    c.press("5")
    assert c.text.startswith("Sorry, I did not understand that.")
    assert "Send it: press 1." in c.text and "Change something: press 2." in c.text


def test_one_silence_asks_again_and_two_end_the_call_kindly(call, db):
    c = call().press("1").press("1")
    c.silence()
    assert c.text.startswith("Sorry, I did not hear anything. What food do you need")
    c.silence()
    assert c.ended
    assert "We did not hear anything, so we will end this call." in c.text
    assert "Call or text this number any time to go on where you left off." in c.text
    assert the(db, Conversation).step == "details"


def test_an_empty_answer_counts_as_a_silence(call):
    c = call().press("1").press("1").say("")
    assert c.text.startswith("Sorry, I did not hear anything.")
    c.silence()
    assert c.ended


def test_asking_for_help_on_a_call_explains_the_keys_not_texting(call):
    c = call().press("1").say("help")
    assert "Press star to hear the question again, 0 to leave a message" in c.text
    assert "Reply" not in c.text and "What do you need help with?" in c.text


def test_an_answer_between_silences_starts_the_count_again(call):
    c = call().press("1")
    c.silence().press("1").silence()
    assert not c.ended and "Sorry, I did not hear anything." in c.text


def test_two_says_it_again_after_a_wrong_read_back(call, db):
    c = call().press("1").press("1").say("rise and beings")
    c.press("2")
    assert c.text.startswith("Please say it again. What food do you need")
    c.say("rice and beans").press("1")
    assert "Where are you?" in c.text
    assert the(db, Conversation).data["details"] == "rice and beans"


@pytest.mark.parametrize("language_key, said, read_back", [
    ("1", "a ride to the clinic tomorrow at 3 p.m.", "tomorrow at 3 in the afternoon"),
    ("1", "pick me up at 9:30 AM", "at 9:30 in the morning"),
    ("1", "back home at 21:00", "at 9 in the evening"),
    ("1", "leaving at 23:15", "at 11:15 at night"),
    ("2", "mañana a las 3 p. m.", "mañana a las 3 de la tarde"),
    ("2", "el viernes a las 19:30", "a las 7:30 de la tarde"),
    ("2", "a las 12 pm", "a las mediodía"),
])
def test_read_back_says_times_the_way_people_say_them(call, language_key, said, read_back):
    c = call().press(language_key).press("7").say(said)
    assert read_back in c.text


# -- voicemail ----------------------------------------------------------------------------------

def test_zero_leaves_a_voicemail_that_becomes_a_need_and_coordinators_are_told(make_client):
    client, db = make_client(coordinator_phones=(COORDINATOR,))
    c = Call(client, "+15551234567").dial().press("1").press("1")
    c.press("0")
    assert "leave your message for a coordinator" in c.text
    record = c.waiting
    assert record.tag == "Record" and record.attrib["transcribe"] == "true"
    c.record(duration=20)
    assert c.ended and "A coordinator will listen to your message." in c.text
    need = the(db, Need)
    assert need.category == "other" and need.channel == "voice"
    assert need.details == f"Voicemail: {c.recording['RecordingUrl']}"
    recording = the(db, Recording)
    assert (recording.purpose, recording.need_id, recording.url) == ("voicemail", need.id, c.recording["RecordingUrl"])
    alert = the(db, OutboxMessage)
    assert alert.to == COORDINATOR and alert.kind == "alert" and need.ref in alert.body
    assert c.recording["RecordingUrl"] in alert.body
    # The intake the caller was in waits for them.
    assert the(db, Conversation).step == "details"

    assert c.transcribe("I need diapers for my baby, please call me").status_code == 204
    assert c.transcribe("I need diapers for my baby, please call me").status_code == 204
    with db.session() as session:
        need = session.scalars(select(Need)).one()
        assert need.details.startswith("I need diapers for my baby, please call me")
        assert c.recording["RecordingUrl"] in need.details
        assert [e.kind for e in need.events].count("transcribed") == 1


def test_spanish_voicemail_is_kept_as_a_recording_without_asking_for_a_transcription(call, db):
    c = call().press("2").press("0")
    assert "transcribe" not in c.waiting.attrib
    c.record()
    assert "Un coordinador escuchará su mensaje." in c.text
    # Coordinators read the need in the hotline's default language.
    assert the(db, Need).details.startswith("Voicemail: https://api.twilio.com/")
    assert the(db, Need).language == "es"


def test_an_empty_voicemail_goes_back_to_the_question(call, db):
    c = call().press("1").press("0").silence()
    assert c.text.startswith("I did not get a message. What do you need help with?")
    assert count(db, Need) == 0


# -- one conversation, by call and by text -----------------------------------------------------

def test_a_call_hung_up_mid_intake_continues_by_text_in_the_same_language(call, phone, db):
    c = call().press("2").press("1").say("pañales y leche").press("1")
    assert "¿Dónde está?" in c.text or "Dónde" in c.text
    # They hang up, and later text where they are.
    reply = phone.text("Calle Washington 02119")
    assert "pañales y leche" in reply and "Calle Washington 02119" in reply
    assert "Sí, envíela" in reply or "1 " in reply
    reply = phone.text("1")
    assert "Su solicitud es la" in reply
    assert the(db, Need).channel == "sms" and the(db, Need).language == "es"


def test_a_text_conversation_continues_on_a_call(phone, call, db):
    phone.text("hola")
    phone.text("2")
    phone.text("1")  # food: asks what food
    c = call()
    assert "Sigamos donde lo dejó." in c.text and "¿Qué comida necesita" in c.text
    c.say("tortillas").press("1")
    assert the(db, Conversation).data["details"] == "tortillas"


def test_a_late_answer_to_a_question_a_text_already_answered_is_not_applied(call, phone, db):
    c = call().press("1").press("1")  # asked what food, on the phone
    phone.text("bread")  # answered by text meanwhile: now asks where
    c.say("milk")
    assert c.text.startswith("That question was already answered. Here is where we are now. Where are you?")
    assert the(db, Conversation).data["details"] == "bread"


def test_a_retried_webhook_gets_the_same_answer_and_changes_nothing(call, db):
    c = call().press("1").press("1")
    with db.session() as session:
        version = session.scalars(select(Conversation)).one().version
    again = c.retry()
    assert again.status_code == 200 and again.data == c.documents[-1]
    with db.session() as session:
        assert session.scalars(select(Conversation)).one().version == version
    assert count(db, InboundMessage) == 3


def test_concurrent_retries_of_a_key_press_are_answered_alike_and_stored_once(app, db, client):
    c = Call(client, "+15550007777").dial().press("1")
    url = c.waiting.attrib["action"]
    params = {**c._base(), "Digits": "1"}
    bodies: list[bytes] = []
    barrier = threading.Barrier(4)

    def post():
        local = app.test_client()
        barrier.wait()
        bodies.append(local.post(url[len(PUBLIC_URL):], data=params,
                                 headers={"X-Twilio-Signature": sign(url, params)}).data)

    threads = [threading.Thread(target=post) for _ in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert len(set(bodies)) == 1 and b"What food do you need" in bodies[0]
    assert the(db, Conversation).step == "details"
    assert count(db, InboundMessage) == 3


def test_saying_stop_on_a_call_opts_nothing_out(call, db):
    c = call().press("1").press("1").say("stop")
    assert "I heard: stop." in c.text
    assert the(db, Contact).opted_out is False


# -- guard rails of the voice webhooks ---------------------------------------------------------

CALL = {"CallSid": "CA" + "1" * 32, "From": "+15551234567", "To": "+15550001111"}


def test_unsigned_or_wrongly_signed_voice_webhooks_are_refused_and_change_nothing(client, db):
    assert client.post("/twilio/voice", data=CALL).status_code == 403
    url = f"{PUBLIC_URL}/twilio/voice/answer?t=1&v=1"
    forged = sign(url, {**CALL, "Digits": "2"})
    assert client.post("/twilio/voice/answer?t=1&v=1", data={**CALL, "Digits": "1"},
                       headers={"X-Twilio-Signature": forged}).status_code == 403
    assert client.post("/twilio/voice/transcription", data={"RecordingSid": "RE1"}).status_code == 403
    assert count(db, Contact) == 0 and count(db, InboundMessage) == 0


def signed_post(client, path: str, params: dict):
    return client.post(path, data=params, headers={"X-Twilio-Signature": sign(PUBLIC_URL + path, params)})


@pytest.mark.parametrize("path, params, status", [
    ("/twilio/voice", {"From": "+15551234567"}, 400),
    ("/twilio/voice", {"CallSid": "CA1"}, 400),
    ("/twilio/voice", {**CALL, "CallSid": "CA" + "9" * 100}, 400),
    ("/twilio/voice/answer?t=x", CALL, 400),
    ("/twilio/voice/answer?t=1&v=-2", CALL, 400),
    ("/twilio/voice/answer?t=99999999", CALL, 400),
    ("/twilio/voice/elsewhere?t=1", CALL, 404),
    ("/twilio/voice/start?t=1", CALL, 404),
    ("/twilio/voice/transcription", {"TranscriptionText": "hi"}, 400),
])
def test_malformed_voice_webhooks_get_a_clear_status_and_change_nothing(client, db, path, params, status):
    response = signed_post(client, path, params)
    assert response.status_code == status
    assert response.is_json
    assert count(db, InboundMessage) == 0


def test_oversized_voice_webhook_is_refused_with_413(client):
    assert signed_post(client, "/twilio/voice", {**CALL, "SpeechResult": "x" * 200_000}).status_code == 413


def test_get_is_not_allowed_on_voice_webhooks(client):
    assert client.get("/twilio/voice").status_code == 405


def test_awkward_speech_gets_well_formed_twiml(call):
    c = call().press("1").press("1").say("]]><Say>hi</Say>\x00\x07 أحتاج طعام 🍞")
    assert "I heard:" in c.text


# -- hidden caller ID ---------------------------------------------------------------------------

@pytest.mark.parametrize("hidden", ["+266696687", "anonymous"])
def test_hidden_caller_gives_a_number_to_be_reached_at_and_files_a_request(make_client, hidden):
    client, db = make_client(coordinator_phones=(COORDINATOR,))
    c = Call(client, hidden).dial().press("1")
    assert "We cannot see your phone number." in c.text
    assert c.waiting.attrib["finishOnKey"] == "#"
    c.press("6175550123#")
    assert c.text.startswith("Thank you. We will reach you at 1 6 1 7 5 5 5 0 1 2 3.")
    assert "What do you need help with?" in c.text
    c.press("1").say("groceries").press("1").press("02139#").press("1")
    assert "A coordinator will call you back at the number you gave us." in c.text
    with db.session() as session:
        need = session.scalars(select(Need)).one()
        assert need.contact.callback_phone == "+16175550123"
        assert need.contact.phone.startswith("anon:") and need.contact.sms_unusable == "hidden caller id"
    alert = the(db, OutboxMessage, OutboxMessage.to == COORDINATOR, OutboxMessage.body.contains("hidden number"))
    assert need.ref in alert.body and "+16175550123" in alert.body


def test_hidden_caller_without_a_number_is_told_how_to_check_back(call, db):
    c = call("anonymous").press("1").press("#")
    assert "What do you need help with?" in c.text
    c.press("1").say("bread").press("1").press("02139#").press("1")
    assert "Your number is hidden, so we cannot call or text you back." in c.text
    assert "press 0, and leave a message with your request number" in c.text
    assert the(db, Contact).callback_phone == ""


def test_hidden_caller_goes_on_without_a_number_by_keys_twilio_submits(call, db):
    c = call("anonymous").press("1")
    # Twilio submits nothing for pound alone, so the way on without a number is a key and pound.
    assert "To go on without it, press star, then pound." in c.text and "just press pound" not in c.text
    c.press("*#")
    assert "What do you need help with?" in c.text and "did not look right" not in c.text
    assert the(db, Contact).callback_phone == ""


def test_two_hidden_callers_never_share_a_conversation(call, db):
    call("anonymous").press("1").press("#").press("1")
    second = call("anonymous")
    assert second.text.startswith("For English, press 1.")
    assert count(db, Contact) == 2


def test_a_wrong_callback_number_is_asked_once_more(call, db):
    c = call("+266696687").press("1").press("12#")
    assert c.text.startswith("That number did not look right.")
    c.press("34#")
    assert c.text.startswith("We will go on without a number.")


# -- menus of several choices ------------------------------------------------------------------

def test_a_menu_of_several_choices_takes_the_keys_then_pound(call, db):
    c = call().press("1").say("volunteer")
    assert "What is your first name?" in c.text
    c.say("Maya").press("1")
    assert "What can you help with?" in c.text and "Reply with" not in c.text
    assert "Press the number of each one that applies, then press pound." in c.text
    assert c.waiting.attrib["finishOnKey"] == "#" and "numDigits" not in c.waiting.attrib
    c.press("13#")
    assert "Which languages do you speak?" in c.text
    assert the(db, Conversation).data["skills"] == ["driving", "childcare"]
    c.say("one and two")
    assert the(db, Conversation).data["languages"] == ["en", "es"]

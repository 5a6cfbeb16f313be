"""Voice codes Twilio accepts, and calls in a language Twilio cannot speak (Haitian Creole)."""
from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from hotline import create_app
from hotline.i18n import Translator
from hotline.i18n import languages
from hotline.models import Contact, Conversation, Need, NeedEvent, OutboxMessage, Recording
from hotline.voice.audio import audio_key

from .twilio_voice_values import SAY_LANGUAGES, SAY_VOICES_BY_LANGUAGE, SPEECH_LANGUAGES
from .voice_caller import Call
from .voice_locales import locales_with_every_language, locales_with_haitian


@pytest.mark.parametrize("code", list(languages.REGISTRY))
def test_every_registered_language_has_voice_codes_twilio_accepts_or_none(code):
    lang = languages.REGISTRY[code]
    assert (lang.say_language is None) == (lang.say_voice is None), "a voice needs its language and back"
    if lang.say_language is not None:
        assert lang.say_language in SAY_LANGUAGES
        assert lang.say_voice in SAY_VOICES_BY_LANGUAGE[lang.say_language], "the voice must be one of its language"
    if lang.speech_language is not None:
        assert lang.speech_language in SPEECH_LANGUAGES


def test_haitian_creole_has_no_twilio_voice_or_speech_recognition():
    # Recorded audio or a fallback language stands in (see hotline/voice/speaker.py).
    ht = languages.REGISTRY["ht"]
    assert (ht.say_language, ht.say_voice, ht.speech_language) == (None, None, None)
    assert not any(code.startswith("ht") for code in SAY_LANGUAGES | SPEECH_LANGUAGES)


@pytest.fixture
def haitian(settings, tmp_path):
    """A client for an app whose catalogs include Kreyòl, with three sentences recorded."""
    apps = []

    def make(**overrides):
        app = create_app(replace(settings, locales_dir=str(locales_with_haitian(tmp_path)), **overrides))
        apps.append(app)
        return app.test_client(), app.extensions["hotline"].db

    yield make
    for app in apps:
        app.extensions["hotline"].close()


def records_next(c: Call) -> bool:
    """Tell whether the caller is offered the keypad, then the tone to speak their answer."""
    return c.waiting.tag == "Gather" and c.waiting.attrib["input"] == "dtmf" and c.after[0].tag == "Record"


def audio_url(sentence: str) -> str:
    return f"https://hotline.example.org/audio/ht/{audio_key(sentence)}.mp3"


def test_language_menu_plays_the_recorded_kreyol_line(haitian):
    client, _ = haitian()
    c = Call(client, "+15551234567").dial()
    assert [h.text for h in c.latest] == [
        "For English, press 1.", "Para Español, oprima 2.", audio_url("Pou Kreyòl, peze 3.")]
    assert c.latest[2].played
    assert client.get(audio_url("Pou Kreyòl, peze 3.")[len("https://hotline.example.org"):]).data.startswith(b"ID3")


def test_a_kreyol_caller_hears_recordings_where_there_are_some_and_english_elsewhere(haitian):
    client, db = haitian()
    c = Call(client, "+15551234567").dial().press("3")
    assert c.latest[0].text.startswith("Welcome to the mutual aid hotline.")
    notice = c.latest[1]
    assert notice.text == ("We have no voice for Kreyòl yet, so you will hear English. "
                           "Our texts to you will be in Kreyòl.")
    assert (notice.language, notice.voice) == ("en-US", "Polly.Joanna-Neural")
    # How long things are kept, said once on a first call (no recording of it yet: in English).
    assert c.latest[2].text.startswith("We keep what you tell us only until 30 days") and not c.latest[2].played
    assert c.latest[3].played and c.latest[3].text == audio_url("Ki èd ou bezwen?")
    assert c.latest[4].played and c.latest[4].text == audio_url("Manje: peze 1.")
    assert c.latest[5].text == "A ride: press 2." and c.latest[5].language == "en-US"
    # Keys only: there is no speech recognition for Kreyòl.
    assert c.waiting.attrib["input"] == "dtmf" and "language" not in c.waiting.attrib
    with db.session() as session:
        assert session.scalars(select(Contact)).one().language == "ht"


def test_a_kreyol_caller_files_a_request_with_recorded_answers(haitian):
    client, db = haitian(coordinator_phones=("+16175559999",))
    c = Call(client, "+15551234567").dial().press("3").press("1")
    assert "Or wait for the tone, say your answer, then press pound." in c.text
    assert c.waiting.tag == "Gather" and c.after[0].tag == "Record"
    c.record(duration=9)
    details_url = c.recording["RecordingUrl"]
    assert "Where are you?" in c.text and records_next(c)
    c.record(duration=4)
    location_url = c.recording["RecordingUrl"]
    # The read-back plays their own words where they stand.
    assert c.played == [details_url, location_url]
    assert "Please check: Food:" in c.text
    c.press("1")
    assert c.ended and "Your request number is" in c.text
    with db.session() as session:
        need = session.scalars(select(Need)).one()
        assert need.language == "ht" and need.category == "food"
        recordings = session.scalars(select(Recording).order_by(Recording.id)).all()
        assert [r.need_id for r in recordings] == [need.id, need.id]
        assert need.details == f"[recording {recordings[0].id}]"
        noted = session.scalars(select(NeedEvent.note).where(NeedEvent.kind == "recording")).all()
        assert sorted(noted) == sorted([details_url, location_url])
        # Nobody could read a recording in an offer: a coordinator listens first.
        assert need.status == "unmet"
        alert = session.scalars(select(OutboxMessage).where(OutboxMessage.to == "+16175559999")).one()
        assert details_url in alert.body and location_url in alert.body


def test_a_kreyol_caller_keys_a_zip_code_instead_of_recording_it(haitian):
    client, db = haitian(coordinator_phones=("+16175559999",))
    c = Call(client, "+15551234567").dial().press("3").press("1")
    assert "To enter a ZIP code or a number, press it on the keypad, then pound." in c.text
    c.record(duration=6)  # what they need, said
    assert "Where are you?" in c.text and records_next(c)
    c.press("02139#")
    assert "Please check: Food:" in c.text and "Near: 0 2 1 3 9" in c.text
    c.press("1")
    with db.session() as session:
        need = session.scalars(select(Need)).one()
        assert need.location == "02139"
        assert session.scalar(select(func.count(Recording.id))) == 1


def test_a_finished_kreyol_request_is_not_called_a_voicemail_to_coordinators(haitian):
    client, db = haitian(coordinator_phones=("+16175559999",))
    Call(client, "+15551234567").dial().press("3").press("1").record().record().press("1")
    with db.session() as session:
        alert = session.scalars(select(OutboxMessage).where(OutboxMessage.to == "+16175559999")).one()
        assert "was made by phone with recorded answers" in alert.body
        assert "voicemail" not in alert.body.lower()


def test_a_recorded_answer_to_the_pickup_time_is_not_read_as_an_hour(haitian):
    client, db = haitian()
    c = Call(client, "+15551234567").dial().press("3").press("2")  # Kreyòl, a ride
    c.record().record().record()  # from, to, and the day and time: recording number 3
    assert "Sorry, I could not read a day and time in that." in c.text and "3:00 PM" not in c.text
    with db.session() as session:
        assert session.scalars(select(Conversation)).one().data["when_problem"] == "not_understood"


def test_a_kreyol_caller_whose_recorded_times_cannot_be_read_can_key_the_time(haitian):
    from datetime import datetime, timezone

    import time_machine

    client, db = haitian()
    with time_machine.travel(datetime(2026, 12, 1, 15, tzinfo=timezone.utc), tick=False):
        c = Call(client, "+15551234567").dial().press("3").press("2")  # Kreyòl, a ride
        c.record()  # where from
        c.record()  # where to
        assert records_next(c)  # the day and time, said
        c.record()
        assert records_next(c) and "enter the time on the keypad" not in c.text
        c.record()  # a recording is no time that can be booked, twice: the keys are listened for
        assert c.waiting.tag == "Gather" and c.waiting.attrib["input"] == "dtmf"
        assert "enter the time on the keypad" in c.text and "After the tone" not in c.text
        c.press("1530#")
        assert "What day should the driver come at 3:30 PM?" in c.text
    with db.session() as session:
        data = session.scalars(select(Conversation)).one().data
        assert (data["when_problem"], data["when_clock"]) == ("day", "15:30")


def test_an_empty_recorded_answer_counts_as_silence(haitian):
    client, _ = haitian()
    c = Call(client, "+15551234567").dial().press("3").press("1").silence()  # no keys: the tone
    assert c.waiting.tag == "Record"
    c.silence()
    assert c.text.startswith("Sorry, I did not hear anything.") and records_next(c)


def test_the_fallback_language_is_a_setting(haitian):
    client, _ = haitian(voice_fallback_language="es")
    c = Call(client, "+15551234567").dial().press("3")
    notice = c.latest[1]
    assert notice.text.startswith("Todavía no tenemos voz en Kreyòl, así que escuchará Español.")
    assert (notice.language, notice.voice) == ("es-US", "Polly.Lupe-Neural")


def test_a_fallback_language_without_a_voice_is_replaced_by_english(haitian):
    client, _ = haitian(voice_fallback_language="ht")
    c = Call(client, "+15551234567").dial().press("3")
    assert c.latest[1].language == "en-US"


@pytest.mark.parametrize("path", ["/audio/ht/../../secret.mp3", "/audio/xx/0123456789abcdef.mp3",
                                  "/audio/ht/0123456789abcdef.mp3", "/audio/ht/notes.txt"])
def test_only_recorded_prompts_are_served(haitian, path):
    client, _ = haitian()
    assert client.get(path).status_code == 404


def test_the_sentences_to_record_are_listed_with_the_names_calls_look_for(settings, tmp_path):
    from hotline.voice.sentences import sentences

    listed = dict(sentences(replace(settings, locales_dir=str(locales_with_haitian(tmp_path))), "ht"))
    for sentence in ("Ki èd ou bezwen?", "Pou Kreyòl, peze 3.", "Manje: peze 1.", "Thank you for calling. Goodbye."):
        assert listed[audio_key(sentence)] == sentence
    assert "Welcome to the mutual aid hotline. Press 0 at any time to leave a message for a coordinator." \
        not in listed.values()  # no Kreyòl words for it yet: the catalog has none
    assert not any("\u2063" in s or "%(" in s for s in listed.values())


def test_ten_languages_take_one_key_each_with_0_for_the_tenth(settings, tmp_path):
    app = create_app(replace(settings, locales_dir=str(locales_with_every_language(tmp_path))))
    try:
        c = Call(app.test_client(), "+15551234567").dial()
        assert len(c.latest) == 10 and c.waiting.attrib["numDigits"] == "1"
        locales = app.extensions["hotline"].settings.locales_dir
        line = ("voice", "For %(language)s, press %(digit)s.")
        assert c.latest[2].text == Translator("zh", locales).pgettext(*line, language="中文", digit="3")
        assert c.latest[2].language == "cmn-CN"
        assert c.latest[9].text == Translator("tl", locales).pgettext(*line, language="Tagalog", digit="0")
        assert c.latest[9].voice == "Google.fil-PH-Wavenet-A"
        # Kreyòl has no voice: its line is the synthesized placeholder shipped for it.
        assert c.latest[4].played and c.latest[4].text.endswith(f"/audio/ht/{audio_key('Pou Kreyòl, peze 5.')}.wav")
        c.press("0")
        assert c.waiting.attrib["language"] == "fil-PH"
        with app.extensions["hotline"].db.session() as session:
            assert session.scalars(select(Contact)).one().language == "tl"
    finally:
        app.extensions["hotline"].close()

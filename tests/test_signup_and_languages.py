"""Sign-up reads what volunteers type: languages by name in any language, several at once, and
areas checked; a language's name inside a sentence follows that sentence's language."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import time_machine
from babel.messages.pofile import read_po
from sqlalchemy import select
from unidecode import unidecode

from hotline import volunteers
from hotline.config import PROJECT_ROOT
from hotline.i18n import Translator, keywords as kw, languages, naming
from hotline.i18n.answer_words import NO_WORDS, NONE_WORDS, NUMBER_WORDS, YES_WORDS
from hotline.i18n.translator import available, catalog_path
from hotline.models import Contact, Volunteer
from hotline.sms import count_segments

from .conftest import Phone

LOCALES = PROJECT_ROOT / "locales"
SHIPPED = available(LOCALES)
OFFERED = [languages.REGISTRY[code] for code in languages.REGISTRY if code in SHIPPED]


def contact(db, phone: Phone) -> Contact:
    with db.session() as session:
        found = session.scalars(select(Contact).where(Contact.phone == phone.number)).one()
        session.expunge(found)
        return found


def saved(db, phone: Phone) -> Volunteer:
    with db.session() as session:
        volunteer = session.scalars(select(Volunteer).join(Contact).where(Contact.phone == phone.number)).one()
        _ = volunteer.languages, volunteer.areas
        session.expunge(volunteer)
        return volunteer


def to_languages_question(phone: Phone, language: str = "English") -> None:
    """Text the language's name, then the sign-up word, a name and a skill."""
    t = Translator(next(lang.code for lang in OFFERED if lang.native_name == language), LOCALES)
    phone.text(language)
    phone.text(kw.shown_word(t, "volunteer"))
    phone.text("Ana")
    assert t._("Which languages do you speak?") in phone.text("1")


# -- the names of the languages ------------------------------------------------------------------

@pytest.mark.parametrize("named", SHIPPED)
def test_every_language_is_known_by_its_name_in_every_shipped_language(named):
    lang = languages.REGISTRY[named]
    for writer in SHIPPED:
        name = lang.name_in(writer)
        assert writer in lang.called, (named, writer)
        for spelling in {name, name.upper(), name.lower(), unidecode(name) if languages.REGISTRY[writer].latin_script
                         else name}:
            assert naming.named(spelling, OFFERED) == named, (named, writer, spelling)
            assert naming.read_languages(spelling, OFFERED).codes == (named,), (named, writer, spelling)


@pytest.mark.parametrize("named", SHIPPED)
def test_texting_a_languages_name_in_any_shipped_language_switches_to_it(client, db, named):
    lang = languages.REGISTRY[named]
    for i, writer in enumerate(SHIPPED):
        phone = Phone(client, f"+1555880{SHIPPED.index(named):02d}{i:02d}")
        phone.text("hi")  # the language menu
        reply = phone.text(lang.name_in(writer))
        assert contact(db, phone).language == named, (named, writer, reply)
        assert Translator(named, LOCALES)._("What do you need help with? Reply with a number:") in reply


def _common_words() -> dict[str, str]:
    """Every word a message can be on its own that means something else: commands, answers, labels."""
    words = {kw.normalize(w): "carrier word" for w in kw.CARRIER_WORDS}
    for code in SHIPPED:
        t = Translator(code, LOCALES)
        for command in kw.COMMANDS:
            for word in kw.command_words(t, command):
                words.setdefault(kw.normalize(word), f"{code} command {command}")
        for marked in (YES_WORDS, NO_WORDS, NONE_WORDS, *NUMBER_WORDS):
            for word in t.pgettext(*marked).split("|"):
                words.setdefault(kw.normalize(word), f"{code} answer {marked[1]}")
        with catalog_path(LOCALES, code).open("rb") as fp:
            catalog = read_po(fp, locale=code)
        # Choice labels and other short messages a person may text back whole ("Food", "Comida").
        for message in catalog:
            if message.id and not message.context:
                texts = [message.id, message.string]
                for text in texts:
                    for one in (text if isinstance(text, tuple) else (text,)):
                        if one and "%(" not in one and len(one.split()) <= 4:
                            words.setdefault(kw.normalize(one), f"{code} message {one!r}")
    return words


def test_no_language_name_is_a_command_an_answer_or_a_label_in_any_language():
    words = _common_words()
    clashes = [f"{lang.code} {name!r}: {words[kw.normalize(name)]}"
               for lang in OFFERED for name in lang.names if kw.normalize(name) in words]
    assert not clashes, "\n".join(clashes)


def test_no_name_names_two_languages():
    seen: dict[str, str] = {}
    for lang in languages.REGISTRY.values():
        for name in lang.names:
            key = kw.normalize(name)
            assert seen.setdefault(key, lang.code) == lang.code, (name, seen[key], lang.code)


@pytest.mark.parametrize("text, codes", [
    ("english, spanish", ("en", "es")),
    ("español, inglés", ("es", "en")),
    ("español e inglés", ("es", "en")),
    ("tiếng Anh và tiếng Việt", ("en", "vi")),
    ("English and 中文", ("en", "zh")),
    ("英语和中文", ("en", "zh")),
    ("英语、西班牙语", ("en", "es")),
    ("영어와 한국어", ("en", "ko")),
    ("الإنجليزية والعربية", ("en", "ar")),
    ("Английский и русский", ("en", "ru")),
    ("angle ak kreyòl", ("en", "ht")),
    ("anglais et créole haïtien", ("en", "ht")),
    ("Ingles at Tagalog", ("en", "tl")),
    ("Inglés/Español; Français", ("en", "es", "fr")),
    ("I speak English and Spanish", ("en", "es")),
    ("1 2", ("en", "es")),
    ("1,2", ("en", "es")),
    ("2 and English", ("es", "en")),
    ("one and two", ("en", "es")),
])
def test_several_languages_are_read_from_one_answer(text, codes):
    numbers = {"one": 1, "two": 2}
    assert naming.read_languages(text, OFFERED, numbers) == naming.Reading(codes, ())


@pytest.mark.parametrize("text, unread", [
    ("English, Portuguese", ("Portuguese",)),
    ("banana", ("banana",)),
    ("1 2 15", ("15",)),
    ("12", ("12",)),
    ("0", ("0",)),
])
def test_a_part_that_names_no_language_is_kept_to_ask_about(text, unread):
    assert naming.read_languages(text, OFFERED).unread == unread


def test_a_list_of_names_reads_the_way_each_language_writes_a_list():
    def listed(codes, reader):
        return naming.listed([languages.REGISTRY[c].name_in(reader) for c in codes], languages.REGISTRY[reader])

    assert listed(("en", "es"), "en") == "English and Spanish"
    assert listed(("es", "en"), "es") == "español e inglés"
    assert listed(("en", "es"), "es") == "inglés y español"
    assert listed(("en", "ht"), "ht") == "angle ak kreyòl"
    assert listed(("en", "fr", "ru"), "ru") == "английский, французский и русский"
    assert listed(("en", "zh"), "zh") == "英语和中文"


# -- signing up by text ----------------------------------------------------------------------------

def test_two_languages_in_english_are_both_kept_and_said_back(phone, db):
    to_languages_question(phone)
    reply = phone.text("english, spanish")
    assert "Noted, you speak English and Spanish." in reply
    assert "Which ZIP codes or neighborhoods" in reply
    for answer in ("02139", "1", "1"):
        phone.text(answer)
    assert {lang.language for lang in saved(db, phone).languages} == {"en", "es"}


@pytest.mark.parametrize("native, answer, codes, said", [
    ("Español", "español, inglés", {"es", "en"}, "Anotado: habla español e inglés."),
    ("Español", "inglés", {"en"}, "Anotado: habla inglés."),
    ("Tiếng Việt", "tiếng Anh và tiếng Việt", {"en", "vi"}, "Đã ghi: quý vị nói tiếng Anh và tiếng Việt."),
    ("中文", "英语和中文", {"en", "zh"}, "已记下：您会说英语和中文。"),
    ("Русский", "английский и русский", {"en", "ru"}, "Записали языки: английский и русский."),
    ("Kreyòl", "angle ak kreyòl", {"en", "ht"}, "Nou note: ou pale angle ak kreyòl."),
    ("Français", "anglais et français", {"en", "fr"}, "C'est noté : vous parlez anglais et francais."),
    ("한국어", "영어와 한국어", {"en", "ko"}, "영어 및 한국어"),
    ("Tagalog", "English and 中文", {"en", "zh"}, "Naitala: marunong kayo ng Ingles at Tsino."),
])
def test_languages_named_in_the_volunteers_own_words_are_kept(make_phone, db, native, answer, codes, said):
    code = next(lang.code for lang in OFFERED if lang.native_name == native)
    phone = make_phone("+15558810001")
    to_languages_question(phone, native)
    reply = phone.text(answer)
    assert said in reply, reply
    assert count_segments(reply).segments <= 2
    for step in ("02139", "1", "1"):
        phone.text(step)
    volunteer = saved(db, phone)
    assert {lang.language for lang in volunteer.languages} == codes
    # Naming a language answered the question: the conversation stays in the volunteer's language.
    assert contact(db, phone).language == code


def test_every_language_by_number_is_said_back_within_two_segments(make_phone, db):
    for i, lang in enumerate(OFFERED):
        phone = make_phone(f"+155588200{i:02d}")
        to_languages_question(phone, lang.native_name)
        reply = phone.text(" ".join(str(n) for n in range(1, len(OFFERED) + 1)))
        assert count_segments(reply).segments <= 2, reply
        assert Translator(lang.code, LOCALES)._(
            "Which ZIP codes or neighborhoods can you cover? Separate them with commas.") in reply


def test_a_language_that_is_not_offered_is_asked_about_not_dropped(phone, db):
    to_languages_question(phone)
    reply = phone.text("English, Portuguese")
    assert reply.startswith('Sorry, "Portuguese" is not one of our languages. Which languages do you speak?')
    assert "1 English" not in reply  # the list is still on their phone; the reply stays short
    assert "Noted, you speak English." in phone.text("1")


@pytest.mark.parametrize("answer, note", [
    ("banana", 'Sorry, "banana" is not one of our languages.'),
    ("12", "Please reply with a number from 1 to 10."),
    ("and", 'Sorry, "and" is not one of our languages.'),
    ("YES", "YES and START are words for your phone company."),
])
def test_an_answer_that_names_no_language_gets_a_note_and_the_question_stands(phone, db, answer, note):
    to_languages_question(phone)
    reply = phone.text(answer)
    assert reply.startswith(note), reply
    assert count_segments(reply).segments <= 2
    assert "Noted, you speak Spanish." in phone.text("Spanish")


def test_a_spanish_speaker_gets_the_note_in_spanish(make_phone):
    phone = make_phone("+15558830001")
    to_languages_question(phone, "Español")
    assert 'Lo siento, "portugués" no es uno de nuestros idiomas.' in phone.text("inglés y portugués")


@pytest.mark.parametrize("answer, keys", [("say", "English and Spanish"), ("press", "1*2#")])
def test_languages_on_a_call_are_read_from_words_or_keys(call, db, answer, keys):
    from hotline.models import Conversation

    c = call("+15558840001").press("1").say("volunteer").say("Maya").press("1").press("13#")
    assert "Which languages do you speak?" in c.text
    assert "with star between numbers" in c.text
    getattr(c, answer)(keys)
    assert "Noted, you speak English and Spanish." in c.text and "ZIP codes" in c.text
    with db.session() as session:
        assert session.scalars(select(Conversation)).one().data["languages"] == ["en", "es"]


# -- areas -------------------------------------------------------------------------------------------

def to_areas_question(phone: Phone) -> None:
    to_languages_question(phone)
    assert "Which ZIP codes" in phone.text("1")


def test_menu_numbers_as_areas_are_read_back_and_written_again_on_no(phone, db):
    to_areas_question(phone)
    reply = phone.text("1,2,5")
    assert "You wrote 1, 2, 5. Are those the ZIP codes or neighborhoods you can cover?" in reply
    assert "1 Those are right\n2 Write them again" in reply
    assert "Which ZIP codes or neighborhoods can you cover?" in phone.text("no")
    assert "When can you usually help?" in phone.text("02139, Riverside")
    phone.text("1")
    phone.text("1")
    assert {a.area for a in saved(db, phone).areas} >= {"02139", "riverside"}


def test_numbers_confirmed_as_areas_are_kept(phone, db):
    to_areas_question(phone)
    assert "You wrote 1 2 5." in phone.text("1 2 5")
    assert "When can you usually help?" in phone.text("1")
    phone.text("1")
    phone.text("1")
    assert {a.area for a in saved(db, phone).areas} == {"1 2 5"}


def test_areas_with_a_zip_typed_at_the_read_back_are_taken_as_the_answer(phone, db):
    to_areas_question(phone)
    phone.text("3")
    assert "Sorry, I did not understand that." in phone.text("maybe")
    assert "When can you usually help?" in phone.text("02139, Riverside")
    phone.text("1")
    phone.text("1")
    assert {a.area for a in saved(db, phone).areas} >= {"02139", "riverside"}


def test_a_spanish_yes_confirms_the_read_back(make_phone, db):
    phone = make_phone("+15558850001")
    to_languages_question(phone, "Español")
    phone.text("1")
    assert "Usted puso: 4, 7." in phone.text("4, 7")
    assert "¿En qué momentos puede ayudar?" in phone.text("sí")


@pytest.mark.parametrize("answer", ["02139", "02139, 02140", "Riverside", "Riverside; 02139-4307", "anywhere"])
def test_zip_codes_and_neighborhoods_need_no_read_back(phone, db, answer):
    to_areas_question(phone)
    assert "When can you usually help?" in phone.text(answer)


def test_numbers_another_volunteer_gave_as_areas_need_no_read_back(phone, db):
    with db.session() as session:
        volunteers.save(session, volunteers.VolunteerSpec(
            phone="+16175550001", first_name="Bo", skills="food", languages="en", areas="7, 12", consent_method="test"))
    to_areas_question(phone)
    assert "When can you usually help?" in phone.text("7, 12")


@pytest.mark.parametrize("answer", ["yeah", "no", "none", "nope"])
def test_yes_or_no_is_no_area(phone, db, answer):
    to_areas_question(phone)
    reply = phone.text(answer)
    assert "Sorry, I could not read your areas." in reply and "Which ZIP codes" in reply


# -- a language's name inside a sentence ----------------------------------------------------------

@pytest.mark.parametrize("first, expected", [
    ("hola necesito comida para mi familia", "Le escribiré en español."),
    ("bonjour j'ai besoin de nourriture pour ma famille", "Je vous écris en francais."),
    ("mwen bezwen manje pou pitit mwen", "M ap ekri ou an kreyòl."),
])
def test_the_guessed_language_is_named_as_its_own_sentences_name_it(phone, first, expected):
    assert expected in phone.text(first)


def test_each_guessed_language_note_names_it_inside_its_own_sentence_and_fits(app, db):
    from hotline.flows.engine import Ctx
    from hotline.flows.home import language_note
    from hotline.models import Conversation

    now = datetime(2026, 3, 2, 15, tzinfo=timezone.utc)
    settings = app.extensions["hotline"].settings
    expected = {"en": "English", "es": "en español", "zh": "用中文", "vi": "Tiếng Việt:", "ht": "an kreyòl",
                "ar": "باللغة العربية", "fr": "en francais", "ru": "Язык: русский", "ko": "한국어로",
                "tl": "Sa Tagalog"}
    with db.session() as session:
        for code in SHIPPED:
            contact = Contact(phone=f"+1555886{SHIPPED.index(code):04d}", language=code)
            conversation = Conversation(contact=contact, flow="home", step="idle", data={}, version=0)
            note = language_note(Ctx(session, settings, contact, conversation, "sms", now), code)
            assert expected[code] in note, (code, note)
        session.rollback()


@pytest.fixture
def afternoon():
    with time_machine.travel("2026-03-03 20:00:00+00:00", tick=False) as traveller:
        yield traveller


def _offer(db, phone: Phone, volunteer_language: str, request: list[str]) -> str:
    from hotline.models import OutboxMessage

    with db.session() as session:
        volunteers.save(session, volunteers.VolunteerSpec(
            phone="+16175550990", first_name="Zoe", skills="food", languages=volunteer_language,
            areas="02139", consent_method="test", status="active"))
        session.scalars(select(Contact).where(Contact.phone == "+16175550990")).one().language = volunteer_language
    for text in request:
        phone.text(text)
    with db.session() as session:
        return session.scalars(select(OutboxMessage.body).where(OutboxMessage.to == "+16175550990")).first()


def test_an_offer_names_the_residents_language_in_the_volunteers_words(phone, db, afternoon):
    offer = _offer(db, phone, "es", ["Tiếng Việt", "1", "gạo và sữa", "02139", "1"])
    assert "en vietnamita." in offer and count_segments(offer).segments <= 2


def test_an_offer_in_the_residents_own_language_names_it_as_its_sentences_do(phone, db, afternoon):
    offer = _offer(db, phone, "es", ["Español", "1", "arroz y leche", "02139", "1"])
    assert ", en español." in offer


def test_an_english_offer_says_the_language_in_english(phone, db, afternoon):
    offer = _offer(db, phone, "en", ["Kreyòl", "1", "diri ak lèt", "02139", "1"])
    assert ", in Haitian Creole." in offer


def test_a_ride_offer_names_the_riders_language_in_the_drivers_words_when_it_fits(app, monkeypatch):
    from types import SimpleNamespace

    from hotline.dispatch import copy
    from hotline.sms import fold_to_gsm

    settings = app.extensions["hotline"].settings

    def offer(t, rider, mobility, riders):
        ride = SimpleNamespace(riders=riders, mobility=mobility, destination="Boston Medical Center 02118",
                               local_time="2026-03-07T15:30", time_zone="America/New_York")
        return copy.ride_offer_text(settings, t, SimpleNamespace(category="ride", ride=ride, language=rider),
                                    ride, "427", "02139")

    failures = []
    for reader in SHIPPED:
        t = Translator(reader, LOCALES)
        for rider in SHIPPED:
            lang = languages.REGISTRY[rider]
            # A usual ride: within two segments, the language named as the driver's language names it
            # (or, where that name alone would not fit, in itself).
            usual = offer(t, rider, ["wheelchair"], 2)
            named = [n for n in (lang.name_in(reader), lang.native_name) if n in usual or fold_to_gsm(n) in usual]
            if count_segments(usual).segments > 2 or not named:
                failures.append(f"{reader}/{rider}: {count_segments(usual).segments}: {usual!r}")
            # Every need and a full car: never dearer than naming the language in itself.
            longest = offer(t, rider, list(copy.rides.MOBILITY), 8)
            with monkeypatch.context() as patched:
                patched.setattr(copy, "language_names", lambda code, _: (languages.REGISTRY[code].native_name,))
                before = offer(t, rider, list(copy.rides.MOBILITY), 8)
            if count_segments(longest).segments > max(2, count_segments(before).segments):
                failures.append(f"{reader}/{rider}: {count_segments(longest).segments}: {longest!r}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("text, codes", [
    ("Je parle français et un peu d'espagnol", ["fr", "es"]),   # "un" is a word here, not choice 1
    ("Mwen pale de lang: kreyòl ak franse", ["ht", "fr"]),      # "de" (two) is a word here
    ("un, deux", ["en", "es"]),                                 # a part of numbers alone is numbers
])
def test_number_words_count_only_in_a_part_of_numbers_alone(text, codes):
    numbers = {"un": 1, "deux": 2, "de": 2}
    assert list(naming.read_languages(text, OFFERED, numbers).codes) == codes

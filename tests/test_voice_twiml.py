"""Every TwiML document a call can get, for every step of every flow in every language, is one Twilio accepts."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from twilio.twiml.voice_response import Record, VoiceResponse

from hotline import needs
from hotline.config import PROJECT_ROOT, Settings
from hotline.db import Database
from hotline.flows import FLOWS
from hotline.flows.engine import Ctx, enabled_languages
from hotline.flows.ride import REFUSED_TWICE
from hotline.migrate import upgrade
from hotline.models import Contact, Conversation
from hotline.voice.speaker import Words
from hotline.voice.turn import Turn, notification

from .conftest import PUBLIC_URL
from .twiml_check import twiml_problems
from .voice_locales import locales_with_every_language, locales_with_haitian

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
DATA = {
    "details": "groceries for 3 people, no pork, delivered after 5:30 pm",
    "location": "Corner of Martin Luther King Jr Blvd and Washington St, 02119",
}


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = tmp_path_factory.mktemp("voice-twiml") / "hotline.db"
    upgrade(f"sqlite:///{path}")
    db = Database(f"sqlite:///{path}")
    yield db
    db.dispose()


@pytest.fixture(scope="module", params=["shipped", "with Kreyol", "all ten"])
def locales(request, tmp_path_factory) -> Path:
    if request.param == "shipped":
        return PROJECT_ROOT / "locales"
    if request.param == "with Kreyol":
        return locales_with_haitian(tmp_path_factory.mktemp("locales"))
    return locales_with_every_language(tmp_path_factory.mktemp("locales"))


def documents(database: Database, locales: Path):
    """Yield (where, TwiML) for every document of every step of every flow, in every language offered."""
    settings = Settings.from_env({"database_url": database.url, "public_url": PUBLIC_URL,
                                  "locales_dir": str(locales)}, environ={})
    with database.session() as session:
        for index, lang in enumerate(enabled_languages(settings)):
            contact = Contact(phone=f"+155500010{index:02d}", language=lang.code,
                              created_at=NOW, last_seen_at=NOW)
            conversation = Conversation(contact=contact, flow="home", step="idle", data={}, version=3, updated_at=NOW)
            session.add_all([contact, conversation])
            session.flush()
            need = needs.create(session, contact, category="food", details=DATA["details"],
                                location=DATA["location"], language=lang.code, now=NOW)

            def turn() -> Turn:
                ctx = Ctx(session, settings, contact, conversation, "voice", NOW)
                return Turn(ctx, 4, lambda _id: "https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE1")

            for flow in FLOWS.values():
                for step in flow.steps:
                    for category in needs.CATEGORIES:
                        conversation.flow, conversation.step = flow.name, step
                        conversation.data = {**DATA, "category": category, "existing": need.id, "need": need.id}
                        for notes in ([], ["Sorry, I did not understand that."]):
                            t = turn()
                            t.ask(notes)
                            yield f"{lang.code} {flow.name}.{step}/{category}", t.twiml()
            for step in ("when", "back_when") if "ride" in FLOWS else ():
                # Asked after two refused times: the keys are offered (and listened for).
                conversation.flow, conversation.step = "ride", step
                conversation.data = {**DATA, **REFUSED_TWICE, "existing": need.id, "need": need.id}
                t = turn()
                t.ask()
                yield f"{lang.code} ride.{step} with the keys offered", t.twiml()
            conversation.flow, conversation.step, conversation.data = "intake", "details", {"category": "food"}
            for name, build in [
                ("language menu", lambda t: t.language_menu()),
                ("read-back", lambda t: t.read_back("tomorrow at 3 pm, [recording 7] & <more>")),
                ("voicemail", lambda t: t.voicemail(transcribe=True)),
                ("voicemail untranscribed", lambda t: t.voicemail(transcribe=False)),
                ("callback number", lambda t: t.callback_question(["That number did not look right."], again=True)),
                ("goodbye", lambda t: t.goodbye(["Thank you."])),
            ]:
                t = turn()
                build(t)
                yield f"{lang.code} {name}", t.twiml()
            confirm = f"{PUBLIC_URL}/twilio/voice/outbound?t=1"
            for with_confirm in (None, confirm):
                yield f"{lang.code} notification", str(notification(
                    settings, lang.code, Words("Maya will pick you up at 3:30 pm."), with_confirm))
        session.rollback()


def test_every_document_of_every_step_in_every_language_is_valid_twiml(database, locales):
    seen = 0
    failures = []
    for where, xml in documents(database, locales):
        seen += 1
        problems = twiml_problems(xml, PUBLIC_URL)
        if problems:
            failures.append(f"{where}: {problems}\n{xml}")
        if "<Hangup" not in xml:
            # Anything that does not end the call must wait for the caller or send Twilio back here.
            assert "<Gather" in xml or "<Record" in xml or "<Redirect" in xml, where
    assert seen > 100
    assert not failures, "\n".join(failures[:5])


def test_the_validity_check_catches_what_twilio_would_refuse():
    bad = VoiceResponse()
    bad.say("hi", language="ht-HT", voice="Polly.Joanna-Neural")
    bad.say("hola", language="es-US", voice="Polly.Joanna-Neural")
    gather = bad.gather(input="speech", action="https://elsewhere.example.com/x", language="en")
    gather.nest(Record())
    bad.append(VoiceResponse())
    problems = " ".join(twiml_problems(str(bad), PUBLIC_URL))
    for expected in ("ht-HT", "not a es-US voice", "speech-recognition language", "does not lead back",
                     "<Record> inside <Gather>", "<Response> is not a voice verb"):
        assert expected in problems


def test_speech_hints_name_each_choice_with_single_spaces():
    from hotline.flows.engine import CHOICE, Choice, Prompt
    from hotline.voice.turn import hints

    prompt = Prompt("What?", (Choice("food", "Food, groceries"), Choice("ride", "A ride ,  to a clinic")), CHOICE)
    assert hints(prompt) == "Food groceries, A ride to a clinic"
    assert "  " not in hints(prompt)

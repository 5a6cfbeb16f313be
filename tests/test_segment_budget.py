"""Every reply, in every shipped language, fits in two SMS segments in its own encoding."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from hotline import needs
from hotline.flows import FLOWS
from hotline.flows.engine import CHOICE, Ctx, enabled_languages, no_words, not_understood
from hotline.flows.keywords import help_text
from hotline.flows.render import prompt_sms
from hotline.models import Contact, Conversation
from hotline.sms import count_segments

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
# Realistic, long-ish answers, in a script that forces UCS-2 where the language does.
DATA = {
    "category": "childcare",
    "details": "I need someone to watch my two kids, ages 3 and 6, on Tuesday afternoon",
    "location": "Corner of Martin Luther King Jr Blvd and Washington St, 02119",
    "existing": None,
    "need": None,
}


def languages(app):
    return [lang.code for lang in enabled_languages(app.extensions["hotline"].settings)]


def all_prompts(app, db, code):
    """Yield (where, ctx, prompt text) for every step of every flow in one language."""
    settings = app.extensions["hotline"].settings
    with db.session() as session:
        contact = Contact(phone="+15551234567", language=code, created_at=NOW, last_seen_at=NOW)
        conversation = Conversation(contact=contact, flow="home", step="idle", data={}, version=0, updated_at=NOW)
        session.add_all([contact, conversation])
        session.flush()
        for category in needs.CATEGORIES:
            need = needs.create(session, contact, category=category, details=DATA["details"],
                                location=DATA["location"], language=code, now=NOW)
        for flow in FLOWS.values():
            for step_name, step in flow.steps.items():
                for category in needs.CATEGORIES:
                    conversation.flow, conversation.step = flow.name, step_name
                    conversation.data = {**DATA, "category": category, "existing": need.id, "need": need.id}
                    ctx = Ctx(session, settings, contact, conversation, "sms", NOW)
                    prompt = step.ask(ctx)
                    yield f"{flow.name}.{step_name}/{category}", ctx, prompt
        session.rollback()


def test_every_prompt_with_any_note_before_it_fits_two_segments(app, db):
    failures = []
    for code in languages(app):
        for where, ctx, prompt in all_prompts(app, db, code):
            text = prompt_sms(prompt)
            notes = [""]
            if prompt is not None and prompt.expects == CHOICE:
                notes.append(not_understood(ctx))
            if prompt is not None and prompt.expects != CHOICE:
                notes.append(no_words(ctx))
            for note in notes:
                full = "\n".join(p for p in (note, text) if p)
                count = count_segments(full)
                if count.segments > 2:
                    failures.append(f"{code} {where}: {count.segments} {count.encoding} segments: {full!r}")
            help_count = count_segments(help_text(ctx))
            if help_count.segments > 2:
                failures.append(f"{code} help: {help_count.segments} segments")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("language", ["1", "2"])
def test_every_reply_of_a_whole_conversation_fits_two_segments(make_phone, language):
    from hotline.sms import count_segments

    phone = make_phone("+15551112222")
    words = "comida para mi familia de cinco personas, arroz, frijoles, leche y pañales " * 3
    replies = [phone.text(t) for t in [
        "hola", language, "9", "1", words, "Calle Martin Luther King y Washington 02119 " * 2, "2", "2",
        words, "1", "HELP", "STATUS", "1", "2", "MENU", "1", "1", "algo mas", "STATUS", "1", "1",
    ]]
    for reply in replies:
        assert count_segments(reply).segments <= 2, reply

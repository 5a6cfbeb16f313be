"""The fixed sentences a call can say in a language, each with the file name its recording takes."""
from __future__ import annotations

from dataclasses import replace

from .. import needs
from ..clock import now as utcnow
from ..config import Settings
from ..db import Database
from ..flows import FLOWS
from ..flows.engine import Ctx, enabled_languages
from ..flows.ride import REFUSED_TWICE
from ..i18n import Translator
from ..i18n.translator import catalog_for
from ..models import Base, Contact, Conversation
from .audio import audio_key
from .turn import Turn, language_keys, language_option

# Words no recording can hold (they are the caller's own), used to leave out sentences quoting them.
_SAMPLE = {"details": "\u2063details\u2063", "location": "\u2063place\u2063"}


class _Collecting(Turn):
    """A turn that keeps the caller's-language words of every sentence it would say."""

    collected: list[str]

    def lines(self, build):
        built = super().lines(build)
        self.collected.extend(words.own or words.text for words in built)
        return built


def sentences(settings: Settings, code: str) -> list[tuple[str, str]]:
    """List (file name, sentence) for every sentence worth recording in a language, in a stable order."""
    found: list[str] = []
    catalog = catalog_for(settings.locales_dir, code)
    if catalog is not None:
        for message in catalog:
            if message.id and isinstance(message.string, str) and message.string and "%(" not in message.id:
                if message.context in (None, "voice"):
                    found.append(message.string)
    found += _walk_flows(settings, code)
    offered = enabled_languages(settings)
    for lang, key in zip(offered, language_keys(len(offered))):
        if lang.code == code:
            found.append(language_option(Translator(code, settings.locales_dir), lang, key))
    unique = list(dict.fromkeys(s for s in found if s.strip()))
    return [(audio_key(s), s) for s in unique]


def _walk_flows(settings: Settings, code: str) -> list[str]:
    db = Database("sqlite://")
    Base.metadata.create_all(db.engine)
    settings = replace(settings, database_url="sqlite://")
    now = utcnow()
    collected: list[str] = []
    try:
        with db.session() as session:
            contact = Contact(phone="+15550000000", language=code, created_at=now, last_seen_at=now)
            conversation = Conversation(contact=contact, flow="home", step="idle", data={}, version=0, updated_at=now)
            session.add_all([contact, conversation])
            session.flush()
            need = needs.create(session, contact, category="food", details=_SAMPLE["details"],
                                location=_SAMPLE["location"], language=code, now=now)
            quoting = (need.ref, *_SAMPLE.values())
            for flow in FLOWS.values():
                # A ride's time questions also as asked after two refused answers (keys offered).
                variants = ({}, REFUSED_TWICE) if flow.name == "ride" else ({},)
                for step in flow.steps:
                    for category in needs.CATEGORIES:
                        for variant in variants:
                            conversation.flow, conversation.step = flow.name, step
                            conversation.data = {**_SAMPLE, "category": category, "existing": need.id,
                                                 "need": need.id, **variant}
                            turn = _Collecting(Ctx(session, settings, contact, conversation, "voice", now), 1)
                            turn.collected = collected
                            turn.ask()
            session.rollback()
    finally:
        db.dispose()
    return [s for s in collected if not any(q in s for q in quoting)]

"""A surge of new numbers: past SURGE_FIRST_TEXTS_PER_MINUTE, a first text gets a one-line note
that they are in line (their words kept) instead of the menu and the privacy notice; their next
text goes on as a first text would."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..config import Settings
from ..i18n import Translator, languages
from ..i18n.detect import detect
from ..i18n.translator import available
from ..models import Contact

WINDOW = timedelta(minutes=1)


def first_text(contact: Contact, now: datetime, history: list | None) -> bool:
    """A number the hotline has just met: its row was made for this text, and nothing came from it before."""
    return contact.created_at == now and not history


def new_numbers(session: Session, now: datetime, enough: int | None = None) -> int:
    """New numbers in the last minute (counting no further than `enough`)."""
    rows = select(Contact.id).where(Contact.created_at > now - WINDOW, Contact.created_at <= now)
    if enough is not None:
        rows = rows.limit(enough)
    return session.scalar(select(func.count()).select_from(rows.subquery())) or 0


def surging(session: Session, settings: Settings, now: datetime) -> bool:
    threshold = settings.surge_first_texts_per_minute
    return threshold > 0 and new_numbers(session, now, threshold + 1) > threshold


def note(settings: Settings, text: str) -> str:
    """The note, in the language the text is surely written in, else the hotline's default."""
    enabled = {code for code in {"en", *available(settings.locales_dir)} if code in languages.REGISTRY}
    code = detect(text, enabled) if len(enabled) > 1 else None
    translator = Translator(code or settings.default_language, settings.locales_dir)
    return translator._("Many people are texting the hotline right now. Your message is kept and you are in "
                        "line. Please text again in a few minutes to go on.")

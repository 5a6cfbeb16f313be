"""Telling the coordinators: the one way the hotline texts the people who run it."""
from __future__ import annotations

import logging
from typing import Callable

from sqlalchemy.orm import Session

from .config import Settings
from .i18n import Translator
from .outbound.outbox import queue_sms

log = logging.getLogger(__name__)


def tell(session: Session, settings: Settings, words: Callable[[Translator], str], *, need_id: int | None,
         why: str) -> int:
    """Text every coordinator `words` in the hotline's language; log `why` when nobody is set to be told."""
    if not settings.coordinator_phones:
        log.warning("%s, and no coordinator phones are set", why)
        return 0
    text = words(Translator(settings.default_language, settings.locales_dir))
    for phone in settings.coordinator_phones:
        queue_sms(session, phone, text, kind="alert", need_id=need_id)
    return len(settings.coordinator_phones)

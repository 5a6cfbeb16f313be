"""Telling the coordinators: the one way the hotline asks the people who run it for a person.

The need is marked as needing a person, so the console's "needs a person" list shows it until a
coordinator marks it handled, and every coordinator phone gets a text.
"""
from __future__ import annotations

import logging
from typing import Callable

from sqlalchemy.orm import Session

from .clock import now as utcnow
from .config import Settings
from .i18n import Translator
from .models import Need
from .outbound import budget
from .outbound.outbox import queue_sms

log = logging.getLogger(__name__)

# Why a need waits for a person, as stored in `needs.attention`.
NOBODY_FOUND = "nobody_found"
RECORDED = "recorded"  # its answers are recordings: someone listens first
VOICEMAIL = "voicemail"
HIDDEN_NUMBER = "hidden_number"
NOT_HELPED = "not_helped"
CALL_FAILED = "call_failed"
DRIVER_DROPPED = "driver_dropped"
DRIVER_SILENT = "driver_silent"
OPTED_OUT = "opted_out"
RIDER_UNCONFIRMED = "rider_unconfirmed"  # close to pickup, the rider never answered a reminder
SAFETY_UNANSWERED = "safety_unanswered"  # a helper out after dark has not said they got home
CHECKIN_MISSED = "checkin_missed"  # a resident answered neither try of a check-in: someone looks in
CHECKIN_HELP = "checkin_help"  # a resident answered a check-in with 2 (a neighbour should call)
REASONS = (NOBODY_FOUND, RECORDED, VOICEMAIL, HIDDEN_NUMBER, NOT_HELPED, CALL_FAILED, DRIVER_DROPPED, DRIVER_SILENT,
           OPTED_OUT, RIDER_UNCONFIRMED, SAFETY_UNANSWERED, CHECKIN_MISSED, CHECKIN_HELP)


def will_be_told(settings: Settings) -> bool:
    """Tell whether a person hears at once about what needs one (so a resident may be promised a call)."""
    return bool(settings.coordinator_phones)


def tell(session: Session, settings: Settings, words: Callable[[Translator], str], *, need_id: int | None,
         reason: str, why: str, kind: str = "alert", mark: bool = True) -> int:
    """Mark the need as waiting for a person and text every coordinator `words` in the hotline's language.

    With `mark=False` the need is not marked: the words only tell how something they heard of ended.
    """
    need = session.get(Need, need_id) if need_id is not None and mark else None
    if need is not None:
        flag(need, reason)
    if not settings.coordinator_phones:
        log.warning("%s, and no coordinator phones are set", why)
        return 0
    text = words(Translator(settings.default_language, settings.locales_dir))
    for phone in settings.coordinator_phones:
        queue_sms(session, phone, text, kind=kind, need_id=need_id)
    return len(settings.coordinator_phones)


def flag(need: Need, reason: str) -> None:
    """Put the need on the console's "needs a person" list, without a text (what can wait for a look)."""
    need.attention = reason
    need.attention_at = utcnow()


def handled(need: Need) -> str | None:
    """A coordinator has taken care of it: it leaves the "needs a person" list; return why it was there."""
    reason, need.attention, need.attention_at = need.attention, None, None
    return reason


def budget_words(t: Translator, standing: budget.Standing, level: int) -> str:
    """What coordinators are told when a budget passes 80 % or is used up."""
    values = {"spent": standing.spent, "budget": standing.limit}
    if level < budget.FULL_PERCENT:
        return {
            (budget.SMS, budget.DAY): lambda: t._(
                "Hotline: 80%% of today's text budget is used (%(spent)s of %(budget)s segments).", **values),
            (budget.SMS, budget.MONTH): lambda: t._(
                "Hotline: 80%% of this month's text budget is used (%(spent)s of %(budget)s segments).", **values),
            (budget.CALL, budget.DAY): lambda: t._(
                "Hotline: 80%% of today's call budget is used (%(spent)s of %(budget)s minutes).", **values),
            (budget.CALL, budget.MONTH): lambda: t._(
                "Hotline: 80%% of this month's call budget is used (%(spent)s of %(budget)s minutes).", **values),
        }[(standing.measure, standing.span)]()
    return {
        (budget.SMS, budget.DAY): lambda: t._(
            "Hotline: today's text budget is used up (%(spent)s of %(budget)s segments). Only replies, claims "
            "and ride reminders go out; the rest waits.", **values),
        (budget.SMS, budget.MONTH): lambda: t._(
            "Hotline: this month's text budget is used up (%(spent)s of %(budget)s segments). Only replies, "
            "claims and ride reminders go out; the rest waits.", **values),
        (budget.CALL, budget.DAY): lambda: t._(
            "Hotline: today's call budget is used up (%(spent)s of %(budget)s minutes). Only claims and ride "
            "reminders are called; other calls wait.", **values),
        (budget.CALL, budget.MONTH): lambda: t._(
            "Hotline: this month's call budget is used up (%(spent)s of %(budget)s minutes). Only claims and "
            "ride reminders are called; other calls wait.", **values),
    }[(standing.measure, standing.span)]()


def budget_crossed(session: Session, *, settings: Settings, standing: budget.Standing, level: int) -> None:
    """Text coordinators that a budget passed 80 % or was used up (on `budget_crossed`)."""
    tell(session, settings, lambda t: budget_words(t, standing, level), need_id=None, reason="budget",
         why=f"the {standing.measure} budget for this {standing.span} is at {level}%", kind="budget")

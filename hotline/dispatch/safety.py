"""Safety after a late visit or ride: a helper who says DONE after dark is asked, in the same
reply, to answer OK once home; no answer within SAFETY_ANSWER_MINUTES tells the coordinators,
discreetly, once. The resident hears nothing of it.

The question rides on the answer to DONE, so quiet hours never hold it back and an outage never
sends it late; the look at its answer is a scheduled job, with the sweep as its backstop.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import asks, coordinators, daylight, needs
from ..config import Settings
from ..models import Ask, Need, NeedEvent, Offer
from ..outbound.outbox import enqueue_after_commit
from . import copy

# The question's kind, as stored in `asks`; its subject is the helper's offer.
ASK_KIND = "safe_home"
# An open question's answer once the coordinators were told: a late OK still closes it.
ALERTED = "alerted"
# How long after its answer was due a late OK still closes it (telling the coordinators if they
# were told), and an alert held up by an outage still goes; later it would only confuse.
LATE_HOURS = 12
# The need's history: asked, not answered in time (coordinators told), home.
ASKED, UNANSWERED, HOME = "safety_asked", "safety_unanswered", "safe_home"


def wanted(settings: Settings, need: Need, now: datetime) -> bool:
    """Tell whether a helper finishing this need now is asked to say when they are home."""
    return settings.safety_answer_minutes > 0 and needs.is_visit(need) and daylight.after_dark(settings, now)


def ask(session: Session, settings: Settings, offer: Offer, now: datetime) -> Ask:
    """Record the question the DONE reply asks, and have its answer looked at when it is due."""
    minutes = settings.safety_answer_minutes
    question = asks.ask(session, offer.volunteer.contact, ASK_KIND, offer.id, now, hours=minutes / 60 + LATE_HOURS)
    session.flush()
    offer.need.events.append(NeedEvent(at=now, kind=ASKED, note=offer.volunteer.first_name))
    enqueue_after_commit(session, "safety_check", question.id, when=now + timedelta(minutes=minutes),
                         job_id=f"safety-{question.id}")
    return question


def check(session: Session, settings: Settings, ask_id: int, now: datetime) -> str:
    """When the answer is due: tell the coordinators, once, if the helper has not said they are home."""
    question = session.get(Ask, ask_id)
    if question is None or question.kind != ASK_KIND:
        return "no question"
    if question.answered_at is not None:
        return "answered"
    if question.answer == ALERTED:
        return "already told"
    if now < question.created_at + timedelta(minutes=settings.safety_answer_minutes):
        return "not yet"
    if now >= question.expires_at:
        return "too late"
    # The job and the sweep may both come: one conditional UPDATE lets one of them tell.
    won = session.execute(update(Ask).where(Ask.id == ask_id, Ask.answered_at.is_(None), Ask.answer.is_(None))
                          .values(answer=ALERTED).execution_options(synchronize_session=False)).rowcount == 1
    if not won:
        return "already told"
    offer = session.get(Offer, question.subject_id)
    if offer is None:
        return "no task"
    need = offer.need
    name = offer.volunteer.first_name
    need.events.append(NeedEvent(at=now, kind=UNANSWERED, note=name))
    coordinators.tell(session, settings, lambda t: copy.not_home_yet(settings, t, need, offer, question.created_at),
                      need_id=need.id, reason=coordinators.SAFETY_UNANSWERED,
                      why=f"the helper of request {need.ref} has not said they are home")
    return "coordinators told"


def due(session: Session, settings: Settings, now: datetime) -> list[int]:
    """Questions whose answer is overdue and the coordinators not yet told (the sweep's backstop)."""
    since = now - timedelta(minutes=settings.safety_answer_minutes)
    return list(session.scalars(select(Ask.id).where(
        Ask.kind == ASK_KIND, Ask.answered_at.is_(None), Ask.answer.is_(None), Ask.created_at <= since,
        Ask.expires_at > now).order_by(Ask.id)))


def was_told(need: Need, question: Ask) -> bool:
    """Whether the coordinators were told this helper had not said they were home."""
    return any(event.kind == UNANSWERED and event.at >= question.created_at for event in need.events)


def home(session: Session, settings: Settings, question: Ask, now: datetime) -> None:
    """The helper says they are home: noted, and coordinators who were told hear it too."""
    offer = session.get(Offer, question.subject_id)
    if offer is None:
        return
    need = offer.need
    need.events.append(NeedEvent(at=now, kind=HOME, note=offer.volunteer.first_name))
    if was_told(need, question):
        if need.attention == coordinators.SAFETY_UNANSWERED:
            coordinators.handled(need)
        coordinators.tell(session, settings, lambda t: copy.home_now(t, need, offer), need_id=need.id,
                          reason=coordinators.SAFETY_UNANSWERED, why=f"the helper of request {need.ref} is home",
                          mark=False)


def not_yet(session: Session, question: Ask) -> None:
    """A "no" to "reply OK when you are home": the question stays open, as it was."""
    offer = session.get(Offer, question.subject_id)
    told = offer is not None and was_told(offer.need, question)
    question.answered_at = None
    question.answer = ALERTED if told else None

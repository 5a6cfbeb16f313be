"""Answers to questions the hotline sent outside the conversation (a 1 or a 2)."""
from __future__ import annotations

from .. import asks, dispatch, needs
from ..models import Need, NeedEvent
from .engine import QUIET, Ctx, Next


def intercept(ctx: Ctx, text: str) -> Next | None:
    """Route a 1 or 2 to the newest open question, if it is newer than the conversation's last turn."""
    answer = text.strip().rstrip(".")
    if answer not in ("1", "2"):
        return None
    pending = asks.open_ask(ctx.session, ctx.contact, ctx.now)
    if pending is None:
        return None
    if ctx.conversation.flow != "home" and pending.created_at <= ctx.conversation.updated_at:
        return None  # they are answering the conversation's own question
    handler = asks.HANDLERS.get(pending.kind)
    if handler is None:
        return None
    pending.answered_at = ctx.now
    pending.answer = answer
    handler(ctx, pending, answer)
    return QUIET


@asks.handles("got_help")
def got_help(ctx: Ctx, pending, answer: str) -> None:
    need = ctx.session.get(Need, pending.subject_id)
    if need is None:
        return
    if answer == "1":
        need.events.append(NeedEvent(at=ctx.now, kind="confirmed", note="resident got help"))
        ctx.say(ctx._("Thank you for telling us. We are glad you got help."))
        return
    ctx.say(ctx._("We are sorry. We will look for someone else to help with request %(ref)s.", ref=need.ref))
    if need.status == needs.DONE:
        dispatch.reopen(ctx.session, ctx.settings, need, ctx.now)

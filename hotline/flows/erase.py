"""DELETE: erase what the hotline holds about this number, once the person says yes; MY DATA: what that is."""
from __future__ import annotations

from sqlalchemy import func, select

from .. import offers, times, volunteers
from ..i18n import languages
from ..i18n.answer_words import NO, YES
from ..dispatch import checkins
from ..models import InboundMessage, Need, Recording
from ..sms import count_segments
from . import checkin
from .engine import CHOICE, Choice, Ctx, Flow, Goto, Next, Prompt, Step, has_draft


def start(ctx: Ctx) -> Goto:
    """Ask first; what they were typing waits for a no."""
    back = None
    if has_draft(ctx):
        back = {"flow": ctx.conversation.flow, "step": ctx.conversation.step, "data": dict(ctx.conversation.data)}
    return Goto("erase", data={"back": back} if back else {})


def ask_confirm(ctx: Ctx) -> Prompt:
    volunteer = volunteers.for_contact(ctx.session, ctx.contact)
    if volunteer is not None:
        tasks = sum(1 for offer in offers.open_tasks(ctx.session, volunteer) if offer.status == offers.CLAIMED)
        return Prompt(
            ctx.ngettext("Erase your volunteer record, your number and your messages? Your task goes back to "
                         "be offered to others. This cannot be undone.",
                         "Erase your volunteer record, your number and your messages? Your %(n)s tasks go back "
                         "to be offered to others. This cannot be undone.", tasks)
            if tasks else ctx._("Erase your volunteer record, your number and your messages? This cannot be undone."),
            confirm_choices(ctx), CHOICE,
        )
    return Prompt(
        ctx._("Erase all we keep about you (requests, messages, recordings, your number)? Open requests will be "
              "withdrawn. This cannot be undone."),
        confirm_choices(ctx),
        CHOICE,
    )


def confirm_choices(ctx: Ctx) -> tuple[Choice, Choice]:
    return Choice("yes", ctx._("Erase it all"), means=YES), Choice("no", ctx._("No, keep it all"), means=NO)


def answer_confirm(ctx: Ctx, choice: str) -> Next:
    if choice == "yes":
        # The channel erases once this message is handled: its own record goes with the rest.
        ctx.erase = True
        ctx.say(ctx._("Done: all the hotline kept about you is erased. If you write again, we start fresh."))
        return Goto("home")
    ctx.say(ctx._("OK, nothing was erased."))
    back = ctx.data.get("back")
    if back:
        return Goto(back["flow"], back["step"], back["data"])
    return Goto("home")


def my_data(ctx: Ctx) -> str:
    """What is held about them, counted (no words of theirs), and how to erase it."""
    session, contact = ctx.session, ctx.contact
    requests = session.scalar(select(func.count(Need.id)).where(Need.contact_id == contact.id)) or 0
    messages = session.scalar(select(func.count(InboundMessage.id)).where(
        InboundMessage.contact_id == contact.id)) or 0
    recordings = session.scalar(select(func.count(Recording.id)).where(Recording.contact_id == contact.id)) or 0
    codes = [contact.language, *session.scalars(select(Need.language).where(Need.contact_id == contact.id))]
    names = [languages.get(code).native_name for code in dict.fromkeys(codes) if code and languages.get(code)]
    since = times.format_for(contact.created_at, ctx.language, ctx.settings.hotline_timezone, style=times.DATE)
    # This message counts too: it is kept like the others.
    held = ctx._("Kept since %(since)s: your number; requests: %(requests)s; messages: %(messages)s; "
                 "recordings: %(recordings)s.", since=since, requests=requests, messages=messages + 1,
                 recordings=recordings)
    if names:
        held += " " + ctx.ngettext("Language: %(languages)s.", "Languages: %(languages)s.", len(names),
                                   languages=", ".join(names))
    # Translators: the end of MY DATA's answer; keep it short.
    end = ctx._("%(delete)s erases it all.", delete=ctx.word("delete"))
    plan = checkins.for_contact(session, contact)
    if plan is not None and plan.status != checkins.STOPPED:
        # Said where it fits: the check-ins kept for them.
        note = checkin.tidy(ctx._("Check-ins: %(schedule)s.",
                                  schedule=checkin.schedule_words(ctx, plan.days, plan.local_time)))
        if count_segments(f"{held} {note} {end}").segments <= 2:
            held += " " + note
    return held + " " + end


def retention_notice(ctx: Ctx) -> str:
    """How long things are kept and how to see or erase them, in one line."""
    return ctx._("We keep what you tell us until %(days)s days after your request is closed. Reply %(mydata)s "
                 "to see it, %(delete)s to erase it.", days=ctx.settings.retain_messages_days,
                 mydata=ctx.word("mydata"), delete=ctx.word("delete"))


FLOW = Flow("erase", "confirm", {"confirm": Step(ask_confirm, answer_confirm)})

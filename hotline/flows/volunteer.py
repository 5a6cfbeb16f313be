"""What volunteers text: task codes to claim, PASS/DONE/DROP/NOTE/CALL/TASKS/PAUSE/RESUME/REST, and relayed words."""
from __future__ import annotations

import re
import unicodedata

from .. import areas, bridges, broadcasts, dispatch, needs, offers, volunteers
from ..dispatch import care, copy
from ..dispatch.copy import translator
from ..i18n import keywords as kw
from ..models import Need, Volunteer
from ..outbound.notify import notify
from ..outbound.outbox import queue_sms
from .engine import QUIET, Ctx, Next

CODE = re.compile(r"#?(\d{3})")
CODE_PREFIX = re.compile(r"^\s*#?(\d{3})\b[\s:,.-]*(.*)$", re.S)
# The task code in a NOTE, and the words after it as they were written.
NOTE_WORDS = re.compile(r"#?(\d{3})(?!\d)[\s:,.-]*(.*)$", re.S)


def intercept(ctx: Ctx, text: str) -> Next | None:
    """Handle a volunteer's commands, claims and relays; None when the message is none of those."""
    if ctx.known.read and ctx.known.volunteer_status in (None, volunteers.REMOVED):
        return None  # read with the conversation: no volunteer here
    volunteer = volunteers.for_contact(ctx.session, ctx.contact)
    if volunteer is None or volunteer.status == volunteers.REMOVED:
        return None
    translators = [ctx.translator(), ctx.translator("en")]
    command = kw.split_command(text, translators)
    if command is not None and is_command(*command):
        name, argument = command
        reply = note(ctx, volunteer, text, argument) if name == "note" else run_command(ctx, volunteer, name, argument)
        if reply is not None:
            ctx.say(reply)
            return QUIET

    whole = CODE.fullmatch(kw.normalize(text).replace(" ", ""))
    if whole:
        ctx.say(dispatch.claim(ctx.session, ctx.settings, volunteer, whole.group(1), ctx.now))
        return QUIET

    if not text.strip() and ctx.idle:
        # A picture alone, or an empty text: nothing to claim, relay or keep, and never the resident menu.
        ctx.say(ctx._("We can only read words. Please write your message in a text."))
        return QUIET

    replied = reply_to_broadcast(ctx, volunteer, text)
    if replied is not None:
        return replied
    relayed = relay_from_volunteer(ctx, volunteer, text)
    if relayed is not None:
        return relayed
    return guide(ctx, volunteer)


def reply_to_broadcast(ctx: Ctx, volunteer: Volunteer, text: str) -> Next | None:
    """Keep a volunteer's answer to a recent broadcast for the coordinators: never a request, never
    words for a resident. Words that start with the code of one of their tasks still go to its resident,
    and after an offer, a claim or a resident's words newer than the broadcast, their words answer that."""
    if ctx.channel != "sms" or not ctx.idle or not text.strip():
        return None
    broadcast = broadcasts.replying_to(ctx.session, ctx.contact, ctx.now)
    if broadcast is None:
        return None
    tasks = offers.open_tasks(ctx.session, volunteer)
    if any(max(o.offered_at, o.claimed_at or o.offered_at) > broadcast.created_at for o in tasks):
        return None  # an offer or a claim came after the broadcast: that is what they are answering
    if broadcasts.superseded(ctx.session, ctx.contact, broadcast, {o.need_id for o in tasks}):
        return None  # their resident wrote to them after the broadcast: the answer is for the resident
    claimed = [o.code for o in tasks if o.status == offers.CLAIMED]
    prefixed = CODE_PREFIX.match(text)
    if prefixed and prefixed.group(1) in claimed:
        return None
    broadcasts.keep_reply(ctx.session, broadcast, ctx.contact, volunteer.first_name, text, ctx.now)
    if claimed:
        ctx.say(ctx._("Thank you, the coordinators have your reply. To write to the resident of task %(code)s, "
                      "start with the code, like: %(code)s I am outside.", code=claimed[0]))
    else:
        ctx.say(ctx._("Thank you, the coordinators have your reply."))
    return QUIET


def guide(ctx: Ctx, volunteer: Volunteer) -> Next | None:
    """A stray text from a volunteer holding offers or tasks ("yes", "I'll take it") is never a new
    request: say how to take a task, or how to write to a resident. MENU still asks for help."""
    if not ctx.idle:
        return None  # in the middle of something of their own (a request they started with MENU)
    tasks = offers.open_tasks(ctx.session, volunteer)
    claimed = [o.code for o in tasks if o.status == offers.CLAIMED]
    offered = [o.code for o in tasks if o.status == offers.OFFERED]
    if len(claimed) > 1:
        ctx.say(ctx._("To write to a resident, start with the task code, like: %(code)s I am outside.",
                      code=claimed[0]))
        return QUIET
    if len(offered) == 1:
        ctx.say(ctx._("Reply %(code)s to take task %(code)s. For help for yourself, reply %(menu)s.",
                      code=offered[0], menu=ctx.word("menu")))
        return QUIET
    if offered:
        ctx.say(ctx._("Reply with the code of the task you want: %(codes)s. For help for yourself, reply %(menu)s.",
                      codes=", ".join(offered[:5]), menu=ctx.word("menu")))
        return QUIET
    return None


def is_command(name: str, argument: str) -> bool:
    """Tell a command ("DONE 427", "PAUSE 3") from words that only start like one ("Done! I left...")."""
    compact = argument.replace(" ", "")
    if name in ("pass", "done", "drop", "call"):
        return not compact or CODE.fullmatch(compact) is not None
    if name == "pause":
        return not compact or compact.isdigit()
    if name == "note":
        # Whatever follows NOTE is for the coordinators only: never read as words for a resident.
        return True
    return not compact


def run_command(ctx: Ctx, volunteer: Volunteer, name: str, argument: str) -> str | None:
    s, settings, now = ctx.session, ctx.settings, ctx.now
    if name in ("pass", "done", "drop", "call"):
        match = CODE.fullmatch(argument.replace(" ", ""))
        if not match:
            example = ctx.word(name) + " " + _code_for_example(ctx, volunteer, offered=name == "pass")
            return ctx._("Please add the task code, like %(example)s.", example=example)
        code = match.group(1)
        if name == "call":
            return call_resident(ctx, volunteer, code)
        action = {"pass": dispatch.pass_offer, "done": dispatch.complete, "drop": dispatch.drop}[name]
        return action(s, settings, volunteer, code, now)
    if name == "tasks":
        return tasks_text(ctx, volunteer)
    if name in ("pause", "resume", "rest") and volunteer.status == volunteers.PENDING:
        # Only a coordinator's approval makes a volunteer active, never a pause that runs out.
        return ctx._("A coordinator has not confirmed you yet. We will text you when they do.")
    if name == "pause":
        days = int(argument) if argument.isdecimal() and 0 < int(argument) <= 365 else None
        volunteers.pause(volunteer, days, now)
        if days:
            return ctx.ngettext(
                "You are paused for %(n)s day. Reply %(resume)s to get offers sooner.",
                "You are paused for %(n)s days. Reply %(resume)s to get offers sooner.",
                days, resume=ctx.word("resume"))
        return ctx._("You are paused. Reply %(resume)s when you want offers again.", resume=ctx.word("resume"))
    if name == "rest":
        return copy.resting(ctx.translator(), care.rest(settings, volunteer, now))
    if name == "resume":
        volunteers.set_status(volunteer, volunteers.ACTIVE)
        return ctx._("Welcome back! You will get offers again.")
    return None


def _code_for_example(ctx: Ctx, volunteer: Volunteer, offered: bool = False) -> str:
    """The code of their one task (or one offer, for PASS), so "DONE 333" can be sent as shown;
    with none or several, a made-up one."""
    status = offers.OFFERED if offered else offers.CLAIMED
    codes = [o.code for o in offers.open_tasks(ctx.session, volunteer) if o.status == status]
    return codes[0] if len(codes) == 1 else "427"


def note(ctx: Ctx, volunteer: Volunteer, text: str, argument: str) -> str:
    """NOTE 427 and words: a note on the task for the coordinators, kept as it was written."""
    given = CODE_PREFIX.match(argument)
    if given is None:
        return ctx._("Please add the task code, like %(example)s.",
                     example=ctx.word("note") + " " + _code_for_example(ctx, volunteer))
    code = given.group(1)
    # The words as written (capitals, punctuation); the folded ones only if the code cannot be found again.
    written = NOTE_WORDS.search(unicodedata.normalize("NFKC", text))
    words = written.group(2) if written is not None and written.group(1) == code else given.group(2)
    return dispatch.notes.leave(ctx.session, ctx.settings, volunteer, code, words, ctx.now)


def call_resident(ctx: Ctx, volunteer: Volunteer, code: str) -> str:
    """CALL 427: the hotline rings the helper, then puts them through to the resident of their task."""
    found = offers.with_code(ctx.session, volunteer, code)
    if not found:
        return copy.no_such_task(ctx.translator(), code)
    offer = next((o for o in found if o.status == offers.CLAIMED), None)
    if offer is None and any(o.status in (offers.DONE, offers.CANCELLED) for o in found):
        return copy.task_closed(ctx.translator(), code)
    if offer is None:
        return ctx._("Task %(code)s is not yours now, so we cannot put you through. Reply %(tasks)s to see your "
                     "tasks.", code=code, tasks=ctx.word("tasks"))
    need = offer.need
    if need.status not in needs.ACTIVE:
        return copy.task_closed(ctx.translator(), code)
    try:
        bridges.ask(ctx.session, ctx.settings, need, phone=ctx.contact.phone, language=ctx.language,
                    who=volunteer.first_name, role=bridges.VOLUNTEER, now=ctx.now, volunteer_id=volunteer.id)
    except bridges.BridgeError as error:
        if error.code == "busy":
            return ctx._("A call to the resident of task %(code)s is already under way. Try again in a few minutes.",
                         code=code)
        if error.code in ("no_hotline_number", "no_twilio"):
            return ctx._("This hotline cannot place calls. Write to the resident of task %(code)s instead: %(code)s "
                         "and your words.", code=code)
        return ctx._("We cannot call the resident of task %(code)s. Write to them instead: %(code)s and your "
                     "words.", code=code)
    return ctx._("We are calling you now. Pick up and press 1 to be put through to the resident of task %(code)s. "
                 "They see the hotline's number, not yours.", code=code)


def tasks_text(ctx: Ctx, volunteer: Volunteer) -> str:
    tasks = offers.open_tasks(ctx.session, volunteer)
    if not tasks:
        return ctx._("You have no open tasks right now. Thank you for being ready!")
    lines = [ctx._("Your tasks:")]
    for offer in tasks[:4]:
        need = offer.need
        label = ctx._(needs.CATEGORIES.get(need.category, needs.CATEGORIES["other"]))
        area = areas.for_location(ctx.session, need.location).label
        if offer.status == offers.CLAIMED:
            lines.append(ctx._("%(code)s %(category)s %(area)s: yours", code=offer.code, category=label, area=area))
        else:
            lines.append(ctx._("%(code)s %(category)s %(area)s: offered", code=offer.code, category=label, area=area))
    return "\n".join(lines)


def relay_from_volunteer(ctx: Ctx, volunteer: Volunteer, text: str) -> Next | None:
    """Pass a volunteer's words to the resident of their task, never showing either number."""
    claimed = [o for o in offers.open_tasks(ctx.session, volunteer) if o.status == offers.CLAIMED]
    if not claimed:
        return None
    prefixed = CODE_PREFIX.match(text)
    offer = None
    body = text
    if prefixed:
        offer = next((o for o in claimed if o.code == prefixed.group(1)), None)
        body = prefixed.group(2).strip()
    if offer is None:
        # Without a code, only when they have exactly one task and are not in the middle of something.
        if len(claimed) != 1 or not ctx.idle:
            return None
        offer, body = claimed[0], text
    if not body:
        return None
    need = offer.need
    if need.contact.opted_out:
        # Nothing reaches a number that texted STOP: say so, rather than "sent".
        ctx.say(ctx._("The resident of task %(code)s texted STOP, so the hotline cannot text them and this was "
                      "not sent. A coordinator can reach them another way.", code=offer.code))
        return QUIET
    resident_t = translator(ctx.settings, need.contact)
    notify(ctx.session, need.contact, resident_t._(
        "%(name)s (volunteer): %(text)s", name=volunteer.first_name, text=body),
        spoken=resident_t.pgettext("voice", "A message from %(name)s, your volunteer: %(text)s",
                                   name=volunteer.first_name, text=body),
        kind="relay", need_id=need.id, reply=True)
    ctx.say(ctx._("Sent to the resident of task %(code)s.", code=offer.code))
    return QUIET


def relay_from_resident(ctx: Ctx, text: str) -> bool:
    """Pass a resident's words to the volunteer helping them, if exactly one request is claimed."""
    if ctx.known.no_open_needs:
        return False  # read with the lock: nothing of theirs is in play
    claimed = [n for n in needs.open_needs(ctx.session, ctx.contact) if n.status == needs.CLAIMED]
    if len(claimed) != 1 or not text.strip():
        return False
    need: Need = claimed[0]
    helpers = offers.claimed_for_need(ctx.session, need.id)
    if not helpers:
        return False
    for offer in helpers:
        t = translator(ctx.settings, offer.volunteer.contact)
        queue_sms(ctx.session, offer.volunteer.contact, t._(
            "%(code)s from the resident: %(text)s", code=offer.code, text=text),
            kind="relay", need_id=need.id, reply=True)
    names = ", ".join(o.volunteer.first_name for o in helpers)
    ctx.say(ctx._("Sent to %(name)s.", name=names))
    return True

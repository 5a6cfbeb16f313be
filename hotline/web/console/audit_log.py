"""The audit log (`/audit`): who did what, when, to what, and what it was before and after.

Newest first, a page at a time, filtered by action, by who did it and from a day on (all in the
URL, so the CSV export takes the same filters). The log can only be read here: nothing in the
console changes or removes an entry, and the database refuses to.

Viewers may read it too, as they read everything: with numbers and street addresses left out
of what was written, and without the network addresses actions came from.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, g, render_template, request

from ... import accounts, audit
from ...i18n import N_
from ...models import AuditEntry
from . import access, days, labels
from .i18n import gettext as _

bp = Blueprint("audit_log", __name__)

PAGE = 100

# What each action reads as; an action not named here shows its code.
ACTIONS = {
    "login": N_("Signed in"),
    "login_failed": N_("Sign-in failed"),
    "logout": N_("Signed out"),
    "reveal": N_("Showed a whole number"),
    "export": N_("Exported a CSV"),
    "export_refused": N_("Asked for a full export without the right"),
    "assign": N_("Gave a request to a volunteer"),
    "offer_again": N_("Offered a request again"),
    "close": N_("Changed a request's status"),
    "note": N_("Added a note"),
    "message": N_("Wrote to a resident"),
    "handled": N_("Marked handled"),
    "user_added": N_("Added an account"),
    "user_disabled": N_("Disabled an account"),
    "user_enabled": N_("Let an account sign in again"),
    "password_set": N_("Set a new password for an account"),
    "role_changed": N_("Changed an account's role"),
    "outbox_retry": N_("Sent a failed message again"),
    "outbox_retry_all": N_("Sent every failed message of a period again"),
    "volunteer_added": N_("Added a volunteer"),
    "volunteer_edited": N_("Changed a volunteer's details"),
    "volunteer_approved": N_("Approved a volunteer"),
    "volunteer_declined": N_("Declined a volunteer's sign-up"),
    "volunteer_paused": N_("Paused a volunteer"),
    "volunteer_resumed": N_("Resumed a volunteer"),
    "volunteer_removed": N_("Removed a volunteer"),
    "volunteer_imported": N_("Imported volunteers from a CSV file"),
    "erased": N_("Erased a person at their request"),
    "retention_purge": N_("Removed what was kept past its time"),
    "fund_in": N_("Recorded money into the fund"),
    "fund_out": N_("Recorded a payment from the fund"),
    "fund_approve": N_("Approved a payment from the fund"),
    "fund_reverse": N_("Reversed a fund entry"),
    "broadcast_sent": N_("Sent a broadcast to volunteers"),
    "news_sent": N_("Sent news texts to residents who asked for them"),
    "broadcast_held_sent": N_("Sent a broadcast's texts held by the budget"),
    "call": N_("Asked the hotline to put them through to a resident"),
    "phone_set": N_("Saved the phone the hotline rings"),
    "phone_forgotten": N_("Forgot the phone the hotline rings"),
    "language_set": N_("Chose the console's language"),
    "budget_raise": N_("Raised a spending budget for this period"),
    "block": N_("Blocked a number"),
    "unblock": N_("Unblocked a number"),
    "unmute": N_("Let a muted number be answered again"),
    "checkin_set": N_("Set up check-ins"),
    "checkin_changed": N_("Changed check-ins"),
    "checkin_pause": N_("Paused check-ins"),
    "checkin_resume": N_("Resumed check-ins"),
    "checkin_stop": N_("Stopped check-ins"),
    "recorder_approved": N_("Let a number record the hotline's sentences"),
    "recorder_removed": N_("Stopped a number recording the hotline's sentences"),
    "sentence_recording_uploaded": N_("Uploaded a recording of a sentence"),
    "sentence_recording_approved": N_("Approved a recording of a sentence"),
    "sentence_recording_rejected": N_("Turned down a recording of a sentence"),
}
# What the stored fields of before and after read as (whole phrases: a lone "to" or "by" is
# too little for a translator to go on).
FIELDS = {
    "status": N_("status"),
    "ride": N_("ride status"),
    "attention": N_("needs a person because"),
    "volunteer": N_("volunteer number"),
    "name": N_("volunteer's name"),
    "reason": N_("reason"),
    "number": N_("resident's number"),
    "asked": N_("volunteers asked"),
    "outbox": N_("message number"),
    "segments": N_("SMS segments"),
    "was": N_("was waiting because"),
    "role": N_("role"),
    "active": N_("may sign in"),
    "by": N_("done through"),
    "kind": N_("what was exported or sent"),
    "full": N_("whole numbers and addresses"),
    "filters": N_("filters"),
    "rows": N_("rows exported"),
    "to": N_("sent to"),
    "phone": N_("phone rung"),
    "redacted": N_("details erased with the person"),
    "requests": N_("requests"),
    "withdrawn": N_("requests withdrawn"),
    "messages": N_("messages"),
    "recordings": N_("recordings"),
    "tasks_handed_back": N_("tasks handed back"),
    "message_bodies": N_("message words removed"),
    "request_details": N_("requests' words removed"),
    "delivery_records": N_("delivery records removed"),
    "idle_numbers": N_("quiet numbers erased"),
    "audit_entries": N_("old audit entries removed"),
    "failed_since": N_("failed from"),
    "failed_until": N_("failed before"),
    "count": N_("messages"),
    "amount_cents": N_("amount in cents"),
    "currency": N_("currency"),
    "on_date": N_("date of the money"),
    "source": N_("where the money came from"),
    "note": N_("public note"),
    "donor_named": N_("donor named"),
    "method": N_("how the money was sent"),
    "request": N_("request"),
    "needs_approval": N_("needs a second approval"),
    "approved": N_("approved"),
    "recipients": N_("recipients"),
    "queued": N_("texts queued"),
    "held": N_("texts held by the budget"),
    "languages": N_("languages"),
    "entered_by": N_("entered by"),
    "reversal": N_("reversing entry"),
}
# Fields whose stored codes have names in the console (anything else shows as it is kept).
NAMED_VALUES = {
    "status": labels.NEED_STATUS,
    "ride": labels.RIDE_STATUS,
    "attention": labels.ATTENTION,
    "was": labels.ATTENTION,
    "role": labels.ROLE,
    "source": labels.FUND_SOURCE,
    "method": labels.FUND_METHOD,
}


def action_name(code: str) -> str:
    return _(ACTIONS[code]) if code in ACTIONS else code


@dataclass(frozen=True)
class Filters:
    """Which entries to show: one action, one actor, from a day on; `before` pages back."""

    action: str = ""
    actor: str = ""
    since: date | None = None
    before: int | None = None
    unreadable: bool = False  # the day asked for could not be read, so it is not applied

    @classmethod
    def from_request(cls) -> "Filters":
        args = request.args
        raw_since = args.get("since", "")
        since = days.read(raw_since) if raw_since else None
        before = args.get("before", "")
        return cls(
            action=" ".join(args.get("action", "").split())[:48],
            actor=args.get("actor", "").strip()[:254],
            since=since,
            before=int(before) if before.isascii() and before.isdigit() and len(before) <= 12 else None,
            unreadable=bool(raw_since) and since is None,
        )

    def args(self, **changes) -> dict[str, str]:
        """The filters as URL arguments (only those set), with some changed."""
        values = {"action": self.action, "actor": self.actor,
                  "since": self.since.isoformat() if self.since else "", "before": self.before, **changes}
        return {key: str(value) for key, value in values.items() if value}

    def query(self, *, paged: bool = True):
        return audit.query(action=self.action or None, actor=self.actor or None,
                           since=days.start(self.since) if self.since else None,
                           before_id=self.before if paged else None)

    def described(self) -> dict[str, str]:
        """The filters as an export's audit entry keeps them."""
        return self.args(before="")


def shown(value: Any, names: dict[str, str] | None = None) -> str:
    """A stored value as words a reader takes in at a glance (a code by its name in `names`)."""
    if names and isinstance(value, str) and value in names:
        return labels.name(names, value)
    if value is None or value == "":
        return "—"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, list):
        return ", ".join(shown(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {shown(item)}" for key, item in value.items())
    return str(value)


@dataclass(frozen=True)
class Change:
    field: str
    before: str | None  # None: the field was not there before
    after: str | None  # None: the field is not there after


def changes(entry: AuditEntry) -> list[Change]:
    """What an entry says was before and after, field by field, in words (redacted for viewers)."""
    before, after = entry.before or {}, entry.after or {}
    found = []
    for key in dict.fromkeys([*before, *after]):
        label = _(FIELDS[key]) if key in FIELDS else key.replace("_", " ")
        names = NAMED_VALUES.get(key)
        was = access.words(shown(before[key], names)) if key in before else None
        now = access.words(shown(after[key], names)) if key in after else None
        found.append(Change(label, was, now))
    return found


def as_json(values: dict[str, Any] | None) -> str:
    return json.dumps(values or {}, ensure_ascii=False, sort_keys=True, default=str)


@bp.get("/audit")
@access.requires(accounts.READ)
def index():
    session = g.db_session
    filters = Filters.from_request()
    found = list(session.scalars(filters.query().limit(PAGE + 1)))
    entries, older = found[:PAGE], len(found) > PAGE
    action_codes = audit.actions(session)
    actors = audit.actors(session)
    if filters.action and filters.action not in action_codes:
        action_codes.append(filters.action)
    if filters.actor and filters.actor not in actors:
        actors.append(filters.actor)
    return render_template(
        "console/audit.html", section="audit", filters=filters, entries=entries, older=older,
        actions=sorted(action_codes, key=action_name), actors=actors, action_name=action_name, changes=changes,
        show_address=access.can(accounts.ACT), words=access.words,
    )

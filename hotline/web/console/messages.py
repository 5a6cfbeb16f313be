"""Messages (`/messages`): what the hotline could not get to other numbers in a period, and
sending all of them again at once (coordinators and admins, audited) after an outage.

Numbers show their last four digits only; the words of the messages are not shown.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from ... import accounts
from ...i18n import N_
from ...outbound import outbox
from ...phones import mask
from . import access, days, labels
from .i18n import gettext as _

bp = Blueprint("messages", __name__)

PAGE = 200
MAX_KIND = 32

STATUS = {
    outbox.FAILED: N_("Failed"),
    outbox.UNDELIVERED: N_("Not delivered"),
    outbox.EXPIRED: N_("Expired"),
}


@dataclass(frozen=True)
class Period:
    """Messages that ended from the start of `since` to the end of `until` (local days), of one kind."""

    since: date
    until: date | None = None
    kind: str = ""

    @classmethod
    def from_request(cls) -> "Period":
        """Read the period from the query or form; a date that is not one is refused with 400."""
        values = request.values
        raw_since, raw_until = values.get("since", ""), values.get("until", "")
        since = days.read(raw_since) if raw_since else days.today()
        until = days.read(raw_until) if raw_until else None
        if since is None or (raw_until and until is None):
            abort(400, description=_("That date could not be read (write it as YYYY-MM-DD)."))
        if until is not None and until < since:
            abort(400, description=_("The last day comes before the first."))
        kind = " ".join(values.get("kind", "").split())[:MAX_KIND]
        return cls(since, until, kind)

    @property
    def start(self) -> datetime:
        return days.start(self.since)

    @property
    def end(self) -> datetime | None:
        return days.start(self.until + timedelta(days=1)) if self.until else None

    def args(self) -> dict[str, str]:
        values = {"since": self.since.isoformat(), "until": self.until.isoformat() if self.until else "",
                  "kind": self.kind}
        return {key: value for key, value in values.items() if value}


@bp.get("/messages")
@access.requires(accounts.READ)
def index():
    period = Period.from_request()
    found = outbox.failed_between(g.db_session, period.start, period.end, period.kind or None, limit=PAGE + 1)
    rows, more = found[:PAGE], len(found) > PAGE
    return render_template(
        "console/messages.html", section="messages", period=period, rows=rows, more=more, page=PAGE,
        kinds=sorted(outbox.kinds(g.db_session), key=lambda code: labels.message_kind(code).lower()), mask=mask,
        status_name=lambda code: labels.name(STATUS, code), kind_name=labels.message_kind,
    )


@bp.post("/messages/retry")
@access.requires(accounts.ACT)
def retry():
    period = Period.from_request()
    rows = outbox.retry_failed(g.db_session, period.start, period.end, period.kind or None)
    access.record("outbox_retry_all", f"{len(rows)} messages",
                  after=outbox.retry_summary(period.start, period.end, period.kind or None, len(rows)))
    if rows:
        flash(_("Queued again: %(count)s. They go out oldest first, at the pace the number allows.",
                count=len(rows)), "success")
    else:
        flash(_("No message failed in this period."), "error")
    return redirect(url_for("messages.index", **period.args()))

"""Broadcasts (`/broadcasts`): one text to many volunteers, chosen by skill, area, language and status,
or to the residents who asked for news about a kind of help (RESIDENT_UPDATES).

Choosing recipients shows how many there are in each language and who was left out and why; a box
per language takes the words, each with its segments and cost. Preview shows the whole cost and
what the budget lets through, and carries a signed token of what it showed: Send needs that token,
so changed words, filters or recipients need a new preview, and a second click sends nothing more.
Coordinators and admins send; viewers look. Every send is audited with its filters and counts.
"""
from __future__ import annotations

import secrets

from babel.numbers import format_currency
from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from ... import accounts, broadcasts, updates
from ... import areas as areas_mod
from ...clock import now as utcnow
from ...flows.engine import enabled_languages
from ...models import Broadcast, VolunteerArea
from ...sms import clean
from ..twilio import hotline
from . import access, labels
from .i18n import gettext as _
from .i18n import ngettext, translator

bp = Blueprint("broadcasts", __name__)

# A preview can be sent for this long; after that the recipients may have changed too much to trust it.
PREVIEW_SECONDS = 30 * 60
SALT = "broadcast-preview"

def left_out_label(reason: str) -> str:
    return {
        broadcasts.PAUSED: _("paused or resting"),
        broadcasts.NOT_ACTIVE: _("waiting for approval"),
        broadcasts.NO_CONSENT: _("no consent to texts recorded"),
        broadcasts.OPTED_OUT: _("texted STOP"),
        broadcasts.UNREACHABLE: _("number cannot get texts"),
        broadcasts.BLOCKED: _("number blocked or muted"),
    }.get(reason, reason)


def problem(error: broadcasts.BroadcastError) -> str:
    language = labels.language(error.values.get("language"))
    return {
        "skill": _("Choose a skill from the list."),
        "language": _("Choose a language from the list."),
        "area": _("Choose an area from the list."),
        "status": _("Choose who to include from the list."),
        "audience": _("Choose who the broadcast is for from the list."),
        "kind": _("Choose the kind of help the news is about."),
        "empty": _("Write the text in %(language)s.", language=language),
        "too_long": _("The text in %(language)s has %(chars)s characters: a broadcast holds at most %(max)s. "
                      "Shorten it; nothing was cut or sent.", language=language,
                      chars=error.values.get("chars", ""), max=broadcasts.MAX_CHARS),
        "nobody": _("Nobody fits these filters: change them to choose recipients."),
    }.get(error.code, error.code)


def money(amount: float) -> str:
    settings = hotline().settings
    text = format_currency(amount, settings.sms_price_currency, locale=translator().babel_locale)
    return text.replace("\u202f", " ").replace("\xa0", " ")


def serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def language_codes() -> list[str]:
    return [lang.code for lang in enabled_languages(hotline().settings)]


def areas() -> list[tuple[str, str]]:
    """Every area volunteers cover (but "anywhere"), as a person reads it, for the filter."""
    rows = g.db_session.execute(select(VolunteerArea.area, VolunteerArea.label).where(VolunteerArea.area != "*")
                                .distinct().order_by(VolunteerArea.area)).all()
    found: dict[str, str] = {}
    for area, label in rows:
        if label or area.lower() not in found:
            found[area.lower()] = labels.area(area, label)
    return sorted(found.items(), key=lambda item: (areas_mod.is_wide(item[0]), item[1].lower()))


def area_name(key: str) -> str:
    """A chosen area as a person reads it (a broadcast keeps its key)."""
    return dict(areas()).get(key.lower()) or labels.area(key)


def kinds() -> tuple[str, ...]:
    return updates.offered(hotline().settings)


def _filters(values) -> broadcasts.Filters:
    filters = broadcasts.read_filters(values, language_codes(), kinds())
    if filters.area and filters.area.lower() not in dict(areas()):
        raise broadcasts.BroadcastError("unknown area", "area")
    return filters


def page(*, status: int = 200, filters: broadcasts.Filters | None = None, texts: dict[str, str] | None = None,
         error: str | None = None, chosen: bool = False):
    settings = hotline().settings
    now = utcnow()
    filters = filters or broadcasts.Filters()
    audience = broadcasts.choose(g.db_session, settings, filters, now) if chosen else None
    past = broadcasts.recent(g.db_session)
    return render_template(
        "console/broadcasts.html", section="broadcasts", past=past,
        replies=broadcasts.reply_counts(g.db_session, [b.id for b in past]),
        progress={b.id: broadcasts.progress(g.db_session, b) for b in past},
        filters=filters, audience=audience, texts=texts or {}, error=error, labels=labels,
        skills=labels.SKILL, languages=language_codes(), areas=areas(), statuses=broadcasts.STATUSES, kinds=kinds(),
        left_out_label=left_out_label, can_send=access.can(accounts.ACT), max_chars=broadcasts.MAX_CHARS,
        measure=lambda code, text: broadcasts.measure_text(settings, filters, code, text), money=money,
        cost=lambda n: broadcasts.cost(settings, n),
    ), status


@bp.get("/broadcasts")
@access.requires(accounts.READ)
def index():
    chosen = "choose" in request.args
    try:
        filters = _filters(request.args) if chosen else broadcasts.Filters()
    except broadcasts.BroadcastError as error:
        return page(status=400, error=problem(error))
    return page(filters=filters, chosen=chosen)


@bp.post("/broadcasts/measure")
@access.requires(accounts.ACT)
def measure():
    """One text box's segments and cost, as it is being written (htmx swaps it in under the box)."""
    form = request.form
    code = form.get("language", "")
    raw = form.get(f"text_{code}", "")
    count = form.get("count", "")
    if code not in language_codes() or not (count.isascii() and count.isdigit() and len(count) <= 7):
        abort(400, description="language and count are needed")
    # Counted whole: a pasted text longer than a broadcast holds is said to be, not cut.
    text = clean(raw, limit=len(raw))
    # A resident's text is measured with the line on how to stop news texts that ends it.
    audience = broadcasts.Filters(audience=broadcasts.RESIDENTS if form.get("audience") == broadcasts.RESIDENTS
                                  else broadcasts.VOLUNTEERS)
    measured = broadcasts.measure_text(hotline().settings, audience, code, text)
    return render_template("console/broadcast_measure.html", code=code, text=text, count=int(count),
                           measured=measured, max_chars=broadcasts.MAX_CHARS, money=money,
                           cost=lambda n: broadcasts.cost(hotline().settings, n))


def _read(form) -> tuple[broadcasts.Filters, broadcasts.Audience, dict[str, str]]:
    """The filters, recipients (as they are now) and words a form carries; BroadcastError when wrong."""
    filters = _filters(form)
    audience = broadcasts.choose(g.db_session, hotline().settings, filters, utcnow())
    if not audience.recipients:
        raise broadcasts.BroadcastError("nobody", "nobody")
    return filters, audience, broadcasts.read_texts(form, audience.languages)


@bp.post("/broadcasts/preview")
@access.requires(accounts.ACT)
def preview():
    """Show exactly what would go, to whom and at what cost; nothing is sent."""
    try:
        filters, audience, texts = _read(request.form)
    except broadcasts.BroadcastError as error:
        texts = {k[5:]: v[: broadcasts.MAX_CHARS * 2] for k, v in request.form.items() if k.startswith("text_")}
        try:
            filters = _filters(request.form)
        except broadcasts.BroadcastError:
            return page(status=400, error=problem(error))
        return page(status=400, filters=filters, texts=texts, error=problem(error), chosen=True)
    settings = hotline().settings
    estimate = broadcasts.estimate(g.db_session, settings, audience, texts, utcnow(), filters)
    token = serializer().dumps({"d": broadcasts.digest(g.user.id, filters, texts, audience),
                                "n": secrets.token_urlsafe(24)})
    return render_template(
        "console/broadcast_preview.html", section="broadcasts", filters=filters, audience=audience, texts=texts,
        estimate=estimate, token=token, labels=labels, money=money, left_out_label=left_out_label,
        body=lambda code: broadcasts.body(settings, filters, code, texts[code]),
        cost=lambda n: broadcasts.cost(settings, n))


@bp.post("/broadcasts/edit")
@access.requires(accounts.ACT)
def edit():
    """Back from a preview to the form, with the same filters and words."""
    texts = {k[5:]: v[: broadcasts.MAX_CHARS * 2] for k, v in request.form.items() if k.startswith("text_")}
    try:
        filters = _filters(request.form)
    except broadcasts.BroadcastError as error:
        return page(status=400, error=problem(error))
    return page(filters=filters, texts=texts, chosen=True)


@bp.post("/broadcasts/send")
@access.requires(accounts.ACT)
def send():
    """Send what the preview showed, once; changed recipients or words need a new preview."""
    form = request.form
    try:
        shown = serializer().loads(form.get("token", ""), max_age=PREVIEW_SECONDS)
    except SignatureExpired:
        return page(status=400, error=_("This preview is more than 30 minutes old. Preview again before sending."))
    except BadSignature:
        abort(400, description="a broadcast is sent from its preview")
    if not isinstance(shown, dict) or not isinstance(shown.get("n"), str) or not isinstance(shown.get("d"), str):
        abort(400, description="a broadcast is sent from its preview")
    done = g.db_session.scalars(select(Broadcast).where(Broadcast.token == shown["n"])).one_or_none()
    if done is not None:
        flash(_("This broadcast was sent already; it was not sent again."), "error")
        return redirect(url_for("broadcasts.show", broadcast_id=done.id))
    try:
        filters, audience, texts = _read(form)
    except broadcasts.BroadcastError as error:
        return page(status=400, error=problem(error))
    if broadcasts.digest(g.user.id, filters, texts, audience) != shown["d"]:
        return page(status=409, filters=filters, texts=texts, chosen=True, error=_(
            "The recipients or the words changed since the preview. Nothing was sent: look again and preview again."))
    settings = hotline().settings
    sent = broadcasts.send(g.db_session, settings, filters=filters, texts=texts, audience=audience, token=shown["n"],
                           actor=g.user.email, user_id=g.user.id, now=utcnow())
    broadcast = sent.broadcast
    if not sent.created:
        flash(_("This broadcast was sent already; it was not sent again."), "error")
        return redirect(url_for("broadcasts.show", broadcast_id=broadcast.id))
    # Residents' news is logged as what it is: texts to residents, never "to volunteers".
    action = "news_sent" if filters.audience == broadcasts.RESIDENTS else "broadcast_sent"
    access.record(action, f"broadcast {broadcast.id}", after={
        "filters": {k: v for k, v in filters.as_dict().items() if v}, "recipients": broadcast.recipients,
        "queued": sent.queued, "held": sent.held, "segments": broadcast.segments, "languages": sorted(texts)})
    if sent.held:
        flash(_("Broadcast %(id)s: texts on their way: %(queued)s. Held because they would pass the text budget: "
                "%(held)s.", id=broadcast.id, queued=sent.queued, held=sent.held), "error")
    elif filters.audience == broadcasts.RESIDENTS:
        flash(ngettext("Broadcast %(id)s is on its way to %(n)s resident.",
                       "Broadcast %(id)s is on its way to %(n)s residents.", sent.queued, id=broadcast.id),
              "success")
    else:
        flash(ngettext("Broadcast %(id)s is on its way to %(n)s volunteer.",
                       "Broadcast %(id)s is on its way to %(n)s volunteers.", sent.queued, id=broadcast.id),
              "success")
    return redirect(url_for("broadcasts.show", broadcast_id=broadcast.id))


def _broadcast(broadcast_id: int) -> Broadcast:
    broadcast = g.db_session.get(Broadcast, broadcast_id)
    if broadcast is None:
        abort(404)
    return broadcast


@bp.get("/broadcasts/<int:broadcast_id>")
@access.requires(accounts.READ)
def show(broadcast_id: int):
    broadcast = _broadcast(broadcast_id)
    settings = hotline().settings
    filters = broadcast.filters or {}
    return render_template(
        "console/broadcast.html", section="broadcasts", broadcast=broadcast, filters=filters,
        progress=broadcasts.progress(g.db_session, broadcast), labels=labels, money=money, area_name=area_name,
        cost=lambda n: broadcasts.cost(settings, n), measure=broadcasts.measure,
        can_send=access.can(accounts.ACT), words=access.words,
        live="live" in request.args)


@bp.post("/broadcasts/<int:broadcast_id>/send-held")
@access.requires(accounts.ACT)
def send_held(broadcast_id: int):
    """Send the texts the budget held back, as far as the budget allows now."""
    broadcast = g.db_session.get(Broadcast, broadcast_id, with_for_update=True)
    if broadcast is None:
        abort(404)
    queued, held = broadcasts.send_held(g.db_session, hotline().settings, broadcast, utcnow())
    access.record("broadcast_held_sent", f"broadcast {broadcast.id}", after={"queued": queued, "held": held})
    if held:
        flash(_("Texts on their way now: %(queued)s. Still held by the budget: %(held)s.", queued=queued, held=held),
              "error")
    else:
        flash(_("Texts on their way now: %(queued)s. None is held any more.", queued=queued), "success")
    return redirect(url_for("broadcasts.show", broadcast_id=broadcast.id))

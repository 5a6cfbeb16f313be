"""The practice phone (`/try`): text and call the hotline as a made-up resident or a demo volunteer.

Everything happens in the signed-in person's own sandbox (hotline/sandbox/practice.py): a throwaway
database, no Redis, no Twilio; nothing here reads or writes live data or reaches a phone. Plain
forms (POST, CSRF, then a redirect back to the page) that work without JavaScript.
"""
from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from werkzeug.exceptions import BadRequest

from ... import accounts
from ...flows.engine import enabled_languages
from ...i18n import languages
from ...sandbox import practice
from ...sms import MAX_BODY_CHARS
from ..twilio import hotline
from . import access
from .i18n import gettext as _

bp = Blueprint("practice", __name__)

# The session's key for the token that names the person's sandbox.
TOKEN = "practice"


def init_app(app, settings) -> None:
    app.extensions["practice"] = practice.Practice(settings)


def sandboxes() -> practice.Practice:
    return current_app.extensions["practice"]


def one(name: str, limit: int, *, required: bool = True) -> str:
    """One form field, at most `limit` characters: missing (when required), doubled or longer is refused."""
    values = request.form.getlist(name)
    if len(values) > 1:
        raise BadRequest(f"{name} was sent more than once")
    if not values:
        if required:
            raise BadRequest(f"{name} is required")
        return ""
    if len(values[0]) > limit:
        raise BadRequest(f"{name} is longer than {limit} characters")
    return values[0]


def chosen_phone(raw: str | None) -> practice.Phone:
    phone = practice.PHONES.get(raw or "resident")
    if phone is None:
        raise BadRequest("no such practice phone")
    return phone


def sandbox(make: bool) -> practice.Sandbox | None:
    """The signed-in person's sandbox; made when `make` and there is none (or it expired)."""
    token = session.get(TOKEN)
    found = sandboxes().find(token, g.user.id)
    if found is not None or not make:
        return found
    if not token or not isinstance(token, str):
        token = session[TOKEN] = practice.new_token()
    return sandboxes().open(token, g.user.id)


def throw_away() -> None:
    """Remove the signed-in person's sandbox (they start again, or sign out)."""
    sandboxes().remove(session.pop(TOKEN, None))


def busy():
    return render_template("console/error.html", status=503, message=_(
        "Too many practice phones are in use right now. Try again in a few minutes.")), 503


def back(phone: practice.Phone):
    return redirect(url_for("practice.index", phone=phone.key, _anchor="handset"), code=303)


def page(phone: practice.Phone, box: practice.Sandbox, status: int = 200, error: str | None = None, text: str = ""):
    settings = hotline().settings
    offered = enabled_languages(settings)
    return render_template(
        "console/try.html", section="try", phone=phone, phones=list(practice.PHONES.values()),
        entries=box.entries(phone), call=box.call_of(phone), language=box.language_of(phone),
        offered=offered, names={lang.code: lang.native_name for lang in languages.REGISTRY.values()},
        error=error, text=text, max_text=MAX_BODY_CHARS, max_words=practice.MAX_WORDS,
        max_keys=practice.MAX_KEYS, idle_minutes=practice.IDLE_MINUTES,
    ), status


@bp.get("/try")
@access.requires(accounts.READ)
def index():
    phone = chosen_phone(request.args.get("phone"))
    # Whoever opens the page clears away the sandboxes nobody used for a while.
    sandboxes().sweep()
    try:
        box = sandbox(make=True)
    except practice.Busy:
        return busy()
    box.touch()
    return page(phone, box)


def acting() -> tuple[practice.Phone, practice.Sandbox]:
    phone = chosen_phone(one("phone", 16))
    box = sandbox(make=True)
    return phone, box


@bp.post("/try/text")
@access.requires(accounts.READ)
def text():
    body = one("body", MAX_BODY_CHARS)
    try:
        phone, box = acting()
    except practice.Busy:
        return busy()
    if not body.strip():
        return page(phone, box, 400, error=_("Write a text to send."))
    box.text(phone, body)
    return back(phone)


@bp.post("/try/language")
@access.requires(accounts.READ)
def language():
    code = one("language", 16)
    try:
        phone, box = acting()
    except practice.Busy:
        return busy()
    if phone.volunteer or code not in {lang.code for lang in enabled_languages(hotline().settings)}:
        raise BadRequest("not a language the made-up resident can choose")
    box.choose_language(phone, code)
    return back(phone)


@bp.post("/try/call")
@access.requires(accounts.READ)
def call():
    action = one("action", 16)
    key, keys, words = one("key", 1, required=False), one("keys", practice.MAX_KEYS, required=False), \
        one("words", practice.MAX_WORDS, required=False)
    try:
        phone, box = acting()
    except practice.Busy:
        return busy()
    if action == "call":
        box.call(phone)
    elif action == "hangup":
        box.hang_up(phone)
    elif action == "key":
        pressed = practice.clean_keys(key)
        if not pressed:
            raise BadRequest("a key is one of 0-9, * and #")
        box.answer(phone, keys=pressed)
    elif action == "keys":
        pressed = practice.clean_keys(keys)
        if pressed is None:
            return page(phone, box, 400, error=_("Keys are the digits 0 to 9, * and #."))
        box.answer(phone, keys=pressed)
    elif action == "words":
        box.answer(phone, words=" ".join(words.split()))
    else:
        raise BadRequest("action is one of call, key, keys, words, hangup")
    return back(phone)


@bp.post("/try/reset")
@access.requires(accounts.READ)
def reset():
    phone = chosen_phone(one("phone", 16))
    throw_away()
    return back(phone)

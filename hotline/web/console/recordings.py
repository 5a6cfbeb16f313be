"""Recordings (`/recordings/<language>`): every sentence a call says in a language Twilio cannot
speak, what callers hear for it, the recordings waiting for approval, the recorders.

Anyone signed in may listen. Coordinators and admins upload a file for a sentence (WAV or MP3,
told by its content), approve or reject what waits, and approve or remove recorders; every change
is audited. Numbers are only ever shown masked.
"""
from __future__ import annotations

from flask import (
    Blueprint, abort, flash, g, get_flashed_messages, make_response, redirect, render_template, request, url_for,
)
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from ... import accounts
from ...clock import now as utcnow
from ...flows.engine import enabled_languages
from ...i18n import languages
from ...models import Recorder, SentenceRecording, Volunteer
from ...phones import mask, normalize
from ...voice import audio, media, sentence_recordings
from ...voice.recording_line import listed
from ...voice.sentence_recordings import RecordingError
from ..twilio import hotline
from . import access, i18n
from .i18n import gettext as _
from .i18n import ngettext

bp = Blueprint("recordings", __name__)

# The form around a file: room enough for the CSRF token and the fields, never a second file.
UPLOAD_REQUEST_LIMIT = sentence_recordings.MAX_BYTES + 64 * 1024
SHOW = ("all", "waiting", "todo")
MAX_NAME = 64
# A confirmation flashed with this category prefix and a sentence's key is shown next to that
# sentence, where the reader is after the page returns to it.
NEAR = "near:"


def voiceless() -> list[languages.Language]:
    """The offered languages Twilio has no voice for: those whose sentences people record."""
    return [lang for lang in enabled_languages(hotline().settings) if not lang.say_language]


def language_or_404(code: str) -> languages.Language:
    lang = languages.get(code)
    if lang is None or lang.code != code or lang not in voiceless():
        abort(404)
    return lang


def state_names() -> dict[str, str]:
    return {
        sentence_recordings.APPROVED: _("approved recording"),
        sentence_recordings.WAITING: _("waiting for approval"),
        sentence_recordings.SYNTHESIZED: _("synthesized: replace with a human recording"),
        sentence_recordings.FILE: _("recorded file"),
        sentence_recordings.NONE: _("no recording: said in the fallback voice"),
    }


def counted(state: str, n: int) -> str:
    """How many sentences are in a state, in words ("1 approved recording", "3 approved recordings")."""
    return {
        sentence_recordings.APPROVED: lambda: ngettext("%(num)s approved recording", "%(num)s approved recordings", n, num=n),
        sentence_recordings.WAITING: lambda: ngettext("%(num)s waiting for approval", "%(num)s waiting for approval",
                                                      n, num=n),
        sentence_recordings.SYNTHESIZED: lambda: ngettext(
            "%(num)s synthesized: replace with a human recording",
            "%(num)s synthesized: replace with human recordings", n, num=n),
        sentence_recordings.FILE: lambda: ngettext("%(num)s recorded file", "%(num)s recorded files", n, num=n),
        sentence_recordings.NONE: lambda: ngettext("%(num)s without a recording: said in the fallback voice",
                                                   "%(num)s without a recording: said in the fallback voice", n, num=n),
    }[state]()


def problem(code: str) -> str:
    return {
        "too_large": _("The file is larger than %(mb)s MB.", mb=sentence_recordings.MAX_BYTES // 1024 // 1024),
        "not_audio": _("That file is not a WAV or MP3 recording."),
        "not_waiting": _("That recording is not waiting for approval."),
        "no_audio": _("The sound of that recording has not arrived from Twilio yet. Try again in a minute."),
        "no_file": _("Choose a WAV or MP3 file to upload."),
        "phone": _("That is not a phone number one can text."),
    }[code]


@bp.get("/recordings")
@access.requires(accounts.READ)
def index():
    found = voiceless()
    if found:
        return redirect(url_for("recordings.language", code=found[0].code))
    return render_template("console/recordings.html", section="recordings", shown=None, languages=found, rows=[],
                           show="all", counts={}, recorders=[], names=state_names(), mask=mask, error=None)


@bp.get("/recordings/<code>")
@access.requires(accounts.READ)
def language(code: str):
    return page(code)


def page(code: str, error: str | None = None, status: int = 200, at: str | None = None, show: str | None = None):
    """The language's page; with `error`, the reason a form was refused (nothing was saved).

    The error, and a confirmation flashed for a sentence, are shown next to that sentence (`at`)
    when it is on the page, at the top when not.
    """
    lang = language_or_404(code)
    settings = hotline().settings
    show = show or request.values.get("show", "all")
    show = show if show in SHOW else "all"
    rows = sentence_recordings.states(g.db_session, settings, code, list(listed(settings, code)))
    counts = {state: sum(1 for row in rows if row.state == state) for state in state_names()}
    if show == "waiting":
        rows = [row for row in rows if row.waiting]
    elif show == "todo":
        rows = [row for row in rows if row.state in (sentence_recordings.NONE, sentence_recordings.SYNTHESIZED)]
    shown_keys = {row.key for row in rows}
    near: dict[str, list[str]] = {}
    notices: list[str] = []
    for category, message in get_flashed_messages(with_categories=True, category_filter=()):
        if category.startswith(NEAR):
            key = category[len(NEAR):]
            (near.setdefault(key, []) if key in shown_keys else notices).append(message)
    error_at = at if error and at in shown_keys else None
    return render_template(
        "console/recordings.html", section="recordings", shown=lang, languages=voiceless(), rows=rows, show=show,
        counts=counts, total=sum(counts.values()), recorders=sentence_recordings.recorders(g.db_session, code),
        names=state_names(), counted=counted, mask=mask, served_name=sentence_recordings.served_name,
        max_mb=sentence_recordings.MAX_BYTES // 1024 // 1024, max_name=MAX_NAME, error=error, error_at=error_at,
        near=near, notices=notices,
    ), status


def back(code: str, message: str | None = None, key: str | None = None):
    """Return to the sentence the form was about, its confirmation (`message`) next to it."""
    show = request.form.get("show", "all")
    anchor = key or request.form.get("key", "")
    known = audio.KEY.match(anchor) is not None
    if message:
        flash(message, f"{NEAR}{anchor}" if known else "success")
    return redirect(url_for("recordings.language", code=code, show=show if show in SHOW and show != "all" else None)
                    + (f"#s-{anchor}" if known else ""))


@bp.get("/recordings/take/<int:recording_id>.<kind>")
@access.requires(accounts.READ)
def take_audio(recording_id: int, kind: str):
    """Play a recording waiting for approval (or approved) to someone signed in."""
    recording = g.db_session.get(SentenceRecording, recording_id)
    if recording is None or recording.audio is None or recording.audio_type != kind:
        abort(404)
    response = make_response(recording.audio)
    response.mimetype = media.MEDIA_TYPES[kind]
    return response


# -- a file for a sentence ------------------------------------------------------------------------

@bp.url_value_preprocessor
def room_for_uploads(endpoint: str | None, _values) -> None:
    # Runs before the CSRF check, which reads the whole form under this request's own limit.
    if endpoint == "recordings.upload":
        request.max_content_length = UPLOAD_REQUEST_LIMIT


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(_error):
    """Say the file is too large on the Recordings page, next to its sentence (nothing was read)."""
    # The form's CSRF check refused the request before the console opened its session.
    if g.get("db_session") is None:
        g.db_session = hotline().db.open(read_only=True)
        access.load_user()
        i18n.choose_language()
    args = request.view_args or {}
    code, key = args.get("code"), args.get("key")
    if request.endpoint != "recordings.upload" or not access.can(accounts.ACT) or not isinstance(code, str):
        return render_template("console/error.html", status=413, message=problem("too_large")), 413
    # The form was never read (it is too large to): the page shows every sentence.
    return page(code, problem("too_large"), 413, at=key if isinstance(key, str) else None, show="all")


@bp.post("/recordings/<code>/<key>/upload")
@access.requires(accounts.ACT)
def upload(code: str, key: str):
    language_or_404(code)
    settings = hotline().settings
    sentence = dict(listed(settings, code)).get(key) if audio.KEY.match(key) else None
    if sentence is None:
        abort(404)  # a sentence the hotline no longer says (its words changed), or none at all
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return page(code, problem("no_file"), 400, at=key)
    data = sent.stream.read(sentence_recordings.MAX_BYTES + 1)
    try:
        recording = sentence_recordings.upload(g.db_session, language=code, key=key, sentence=sentence, data=data,
                                               by=g.user.email, now=utcnow())
    except RecordingError as error:
        return page(code, problem(error.code), 413 if error.code == "too_large" else 400, at=key)
    access.record("sentence_recording_uploaded", f"sentence recording {recording.id}",
                  after={"language": code, "key": key, "type": recording.audio_type, "bytes": recording.size})
    return back(code, _("Uploaded. It waits for a coordinator to approve it."), key)


# -- approve or reject ----------------------------------------------------------------------------

def find(recording_id: int) -> SentenceRecording:
    recording = g.db_session.scalars(select(SentenceRecording).where(SentenceRecording.id == recording_id)
                                     .with_for_update()).one_or_none()
    if recording is None or recording.status == sentence_recordings.DRAFT:
        abort(404)
    return recording


@bp.post("/recordings/take/<int:recording_id>/approve")
@access.requires(accounts.ACT)
def approve(recording_id: int):
    recording = find(recording_id)
    try:
        replaced = sentence_recordings.approve(g.db_session, recording, g.user.email, utcnow())
    except RecordingError as error:
        return page(recording.language, problem(error.code), 409, at=recording.key)
    access.record("sentence_recording_approved", f"sentence recording {recording.id}",
                  before={"status": sentence_recordings.WAITING},
                  after={"status": recording.status, "language": recording.language, "key": recording.key,
                         "replaced": replaced})
    return back(recording.language, _("Approved: callers hear this recording from now on."), recording.key)


@bp.post("/recordings/take/<int:recording_id>/reject")
@access.requires(accounts.ACT)
def reject(recording_id: int):
    recording = find(recording_id)
    was = recording.status
    try:
        sentence_recordings.reject(g.db_session, recording, g.user.email, utcnow())
    except RecordingError as error:
        return page(recording.language, problem(error.code), 409, at=recording.key)
    access.record("sentence_recording_rejected", f"sentence recording {recording.id}", before={"status": was},
                  after={"status": recording.status, "language": recording.language, "key": recording.key})
    return back(recording.language, _("Rejected: callers will not hear it."), recording.key)


# -- recorders ------------------------------------------------------------------------------------

@bp.post("/recordings/<code>/recorders")
@access.requires(accounts.ACT)
def add_recorder(code: str):
    language_or_404(code)
    phone = normalize((request.form.get("phone") or "")[:64], hotline().settings.default_region)
    name = " ".join((request.form.get("name") or "").split())[:MAX_NAME]
    if phone is None:
        return page(code, problem("phone"), 400)
    recorder = sentence_recordings.approve_recorder(g.db_session, phone, code, name, g.user.email, utcnow())
    access.record("recorder_approved", f"recorder {recorder.id}",
                  after={"phone": mask(phone), "language": code, "name": name})
    flash(_("%(number)s may record sentences now: when they call the hotline, they are offered the recording "
            "line.", number=mask(phone)), "success")
    return back(code)


@bp.post("/volunteers/<int:volunteer_id>/recorder")
@access.requires(accounts.ACT)
def volunteer_records(volunteer_id: int):
    """Approve a volunteer as a recorder for a language, from their page (their number is never typed)."""
    volunteer = g.db_session.get(Volunteer, volunteer_id)
    if volunteer is None:
        abort(404)
    code = request.form.get("language", "")
    language_or_404(code)
    recorder = sentence_recordings.approve_recorder(g.db_session, volunteer.contact.phone, code,
                                                    volunteer.first_name, g.user.email, utcnow())
    access.record("recorder_approved", f"recorder {recorder.id}",
                  after={"phone": mask(volunteer.contact.phone), "language": code, "volunteer": volunteer.id})
    flash(_("%(name)s may record sentences now: when they call the hotline, they are offered the recording "
            "line.", name=volunteer.first_name), "success")
    return redirect(url_for("volunteers.show", volunteer_id=volunteer.id))


@bp.post("/recordings/recorders/<int:recorder_id>/remove")
@access.requires(accounts.ACT)
def remove_recorder(recorder_id: int):
    recorder = g.db_session.get(Recorder, recorder_id)
    if recorder is None:
        abort(404)
    code, number = recorder.language, mask(recorder.contact.phone)
    g.db_session.delete(recorder)
    access.record("recorder_removed", f"recorder {recorder_id}", before={"phone": number, "language": code})
    flash(_("%(number)s no longer records sentences.", number=number), "success")
    return back(code)

"""The coordinators' console: server-rendered pages in the same app, safe to put on the internet.

Every console request gets its own database transaction (committed before the answer leaves),
the signed-in account, and the console's words in that account's language. Every answer, the
webhooks' included, carries security headers whose Content-Security-Policy allows no inline
script. Forms and every state-changing request carry a CSRF token; the Twilio webhooks are
exempt from that (their signature is their proof) and never read a session.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Flask, g, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from ... import urls
from ...services import Hotline
from . import (access, account, audit_log, auth, blocks, broadcasts, checkins, exports, forget, fund, i18n, messages,
               metrics, needs, practice, queue, recordings, rides, spend, users, volunteers)

csrf = CSRFProtect()

BLUEPRINTS = (auth.bp, queue.bp, needs.bp, volunteers.bp, broadcasts.bp, rides.bp, checkins.bp, messages.bp, spend.bp,
              fund.bp, blocks.bp, recordings.bp, audit_log.bp, exports.bp, users.bp, forget.bp, metrics.bp, practice.bp,
              account.bp)
CONSOLE = frozenset(bp.name for bp in BLUEPRINTS)

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "media-src 'self' https://api.twilio.com; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")


# Paths that never read or write the console's session (the session opens before routing).
SESSIONLESS = (urls.TWILIO + "/", urls.AUDIO + "/", urls.HEALTH, "/static/", urls.OPEN)


class ConsoleSessions(SecureCookieSessionInterface):
    """The session cookie is read and written for console pages only: a webhook never sees or sets it."""

    def open_session(self, app, request):
        if request.path.startswith(SESSIONLESS):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if not request.path.startswith(SESSIONLESS):
            super().save_session(app, session, response)


def init_app(app: Flask, services: Hotline, exempt: tuple) -> None:
    """Register the console on the app; `exempt` are the webhook blueprints (no CSRF, no session)."""
    settings = services.settings
    secure = settings.public_url.startswith("https://")
    app.config.update(
        SESSION_COOKIE_NAME="hotline_console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.console_session_hours),
        # The token lives as long as the session: a form left open over lunch still works.
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=secure,
    )
    if settings.proxy_hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_hops, x_proto=settings.proxy_hops,
                                x_host=settings.proxy_hops)
    app.session_interface = ConsoleSessions()
    csrf.init_app(app)
    for blueprint in exempt:
        csrf.exempt(blueprint)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    i18n.init_app(app)
    practice.init_app(app, settings)

    @app.before_request
    def begin() -> None:
        if request.blueprint not in CONSOLE and request.endpoint != "static":
            return
        g.db_session = services.db.open(read_only=request.method in ("GET", "HEAD"))
        access.load_user()
        i18n.choose_language()

    @app.after_request
    def finish(response):
        db_session = g.pop("db_session", None)
        if db_session is not None:
            try:
                if response.status_code < 400 or response.status_code in (401, 403):
                    # Failed sign-ins and refusals are counted and audited: they commit too.
                    db_session.commit()
                else:
                    db_session.rollback()
            finally:
                db_session.close()
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.blueprint in CONSOLE:
            # What a console page shows is private: no copy kept by the browser or a proxy.
            headers.setdefault("Cache-Control", "no-store")
        return response

    @app.teardown_request
    def close(_error=None) -> None:
        db_session = g.pop("db_session", None)
        if db_session is not None:
            db_session.rollback()
            db_session.close()

    @app.errorhandler(CSRFError)
    def csrf_refused(error: CSRFError):
        return error_page(400, i18n.gettext("This form has expired or did not come from the console. "
                                            "Go back, reload the page and try again."))


def error_page(status: int, message: str):
    return render_template("console/error.html", status=status, message=message), status


def is_console_request() -> bool:
    """A console page, or an address that matched nothing outside the webhooks."""
    return request.blueprint in CONSOLE or (request.blueprint is None and not request.path.startswith(SESSIONLESS))


def http_error_page(error: HTTPException):
    """An HTML answer for a console page; None lets the JSON answer stand."""
    if not is_console_request():
        return None
    messages = {
        403: i18n.gettext("Your role does not allow this."),
        404: i18n.gettext("There is nothing here."),
        405: i18n.gettext("That cannot be done this way."),
        413: i18n.gettext("That is too large."),
    }
    return error_page(error.code or 500, messages.get(error.code, error.description or error.name))

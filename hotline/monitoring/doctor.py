"""`hotline doctor`: what a group gets wrong before going live, each found ok or with what fixes it.

Each check returns findings; none changes anything (no migration, no file, no message sent).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests
from redis import Redis
from sqlalchemy import text
from sqlalchemy.engine import make_url

from .. import accounts, urls
from ..background.liveness import workers
from ..clock import now as utcnow
from ..config import LOCAL_HOSTS, Settings
from ..db import READ_ONLY, Database
from ..migrate import schema_problem
from ..outbound.transports import SetupError, TwilioSetup
from ..phones import mask
from ..services import redis_from_url
from .health import CHECK_HEADER, PROOF_HEADER, proof

OK = "ok"
WARN = "warn"  # worth knowing; nothing has to change
FIX = "fix"  # must be fixed before going live

# Seconds to wait for PUBLIC_URL and Redis to answer.
TIMEOUT = 10


@dataclass(frozen=True)
class Finding:
    state: str
    what: str
    fix: str = ""  # the command or setting that fixes it


def ok(what: str) -> Finding:
    return Finding(OK, what)


def warn(what: str, fix: str = "") -> Finding:
    return Finding(WARN, what, fix)


def fix(what: str, fix: str) -> Finding:
    return Finding(FIX, what, fix)


def http_session() -> requests.Session:
    return requests.Session()


def public(settings: Settings, path: str) -> str:
    return urls.public(settings, path)


# Twilio -------------------------------------------------------------------------------------------

def twilio(settings: Settings) -> list[Finding]:
    """The account is set, Twilio takes its credentials, and the number or Messaging Service points here."""
    if not settings.twilio_account_sid:
        return [fix("no Twilio account: messages are printed on this machine, never sent",
                    "set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_PHONE_NUMBER (Twilio console, Account info)")]
    found = []
    if not settings.twilio_auth_token:
        # Only with ALLOW_UNSIGNED_WEBHOOKS does the hotline start this way (the settings check refuses it otherwise).
        return [fix("TWILIO_AUTH_TOKEN is not set: webhooks are taken unsigned, so anyone can text as anyone",
                    "set TWILIO_AUTH_TOKEN (Twilio console, Account info) and remove ALLOW_UNSIGNED_WEBHOOKS")]
    found.append(ok("TWILIO_AUTH_TOKEN is set: webhooks must carry Twilio's signature"))
    if not (settings.twilio_phone_number or settings.twilio_messaging_service_sid):
        found.append(fix("no number to send from", "set TWILIO_PHONE_NUMBER (or TWILIO_MESSAGING_SERVICE_SID)"))
    setup = TwilioSetup(settings)
    try:
        account = setup.account()
    except SetupError as error:
        if error.status == 401:
            return found + [fix(f"Twilio refused the credentials ({error})",
                                "set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN to the account's (Twilio console, Account info)")]
        return found + [fix(f"Twilio's API at {settings.twilio_api_base_url} did not answer: {error}",
                            "check this machine's connection, or TWILIO_API_BASE_URL")]
    if account.status != "active":
        found.append(fix(f"the Twilio account is {account.status}", "reactivate it in the Twilio console"))
    elif account.type.lower() == "trial":
        found.append(fix("the Twilio account is a trial: it texts only verified numbers, with a trial notice",
                         "upgrade the account in the Twilio console"))
    else:
        found.append(ok("Twilio accepts the credentials; the account is active"))
    service = None
    if settings.twilio_messaging_service_sid:
        found_service, service = messaging_service(setup, settings)
        found += found_service
    if settings.twilio_phone_number:
        found += number(setup, settings, texts_here=service is None or service.use_inbound_webhook_on_number)
    return found


def number(setup: TwilioSetup, settings: Settings, *, texts_here: bool) -> list[Finding]:
    """The number's "A message comes in", "A call comes in" and "Call status changes"."""
    phone = settings.twilio_phone_number
    try:
        hooks = setup.number(phone)
    except SetupError as error:
        return [fix(f"could not read TWILIO_PHONE_NUMBER's settings from Twilio: {error}", "run `hotline doctor` again")]
    if hooks is None:
        return [fix(f"TWILIO_PHONE_NUMBER ({mask(phone)}) is not a number of this Twilio account",
                    "set TWILIO_PHONE_NUMBER to one of the account's numbers (Twilio console, Phone Numbers)")]
    found = []
    sms, voice, calls = public(settings, urls.SMS), public(settings, urls.VOICE), public(settings, urls.CALL_STATUS)
    if texts_here:
        if hooks.sms_application_sid:
            found.append(warn(f"texts to the number go to a TwiML App ({hooks.sms_application_sid}): it must send "
                              f"them to {sms}"))
        elif hooks.sms_url != sms or hooks.sms_method != "POST":
            found.append(fix(f"texts to the number go to {hooks.sms_method} {hooks.sms_url or '(nowhere)'}",
                             f"in the Twilio console, the number's \"A message comes in\": Webhook, POST, {sms}"))
        else:
            found.append(ok(f"texts to the number come here ({sms})"))
    if hooks.voice_application_sid:
        found.append(warn(f"calls to the number go to a TwiML App ({hooks.voice_application_sid}): it must send them "
                          f"to {voice}"))
    elif hooks.voice_url != voice or hooks.voice_method != "POST":
        found.append(fix(f"calls to the number go to {hooks.voice_method} {hooks.voice_url or '(nowhere)'}",
                         f"in the Twilio console, the number's \"A call comes in\": Webhook, POST, {voice}"))
    else:
        found.append(ok(f"calls to the number come here ({voice})"))
    if not hooks.status_callback:
        missed = (" and missed calls are not called back" if settings.missed_call_back else "")
        found.append(warn(f"the minutes of calls that come in are not counted toward the call budget{missed}",
                          f"in the Twilio console, the number's \"Call status changes\": POST, {calls}"))
    elif hooks.status_callback != calls:
        found.append(fix(f"call status reports go to {hooks.status_callback}",
                         f"in the Twilio console, the number's \"Call status changes\": POST, {calls}"))
    else:
        found.append(ok(f"call status reports come here ({calls})"))
    return found


def messaging_service(setup: TwilioSetup, settings: Settings):
    """The Messaging Service's inbound request URL (or the number's, when it defers to it) and status callback."""
    sid = settings.twilio_messaging_service_sid
    try:
        service = setup.service(sid)
    except SetupError as error:
        return [fix(f"could not read the Messaging Service from Twilio: {error}", "run `hotline doctor` again")], None
    if service is None:
        return [fix(f"TWILIO_MESSAGING_SERVICE_SID ({sid}) is not a Messaging Service of this account",
                    "set it to one of the account's (Twilio console, Messaging, Services)")], None
    sms, status = public(settings, urls.SMS), public(settings, urls.STATUS)
    found = []
    if service.use_inbound_webhook_on_number:
        if not settings.twilio_phone_number:
            found.append(warn("the Messaging Service hands texts to its numbers' own webhooks",
                              f"each number's \"A message comes in\": Webhook, POST, {sms}"))
    elif service.inbound_request_url != sms or service.inbound_method != "POST":
        found.append(fix(f"texts to the Messaging Service go to {service.inbound_method} "
                         f"{service.inbound_request_url or '(nowhere)'}",
                         f"in the Twilio console, the service's Integration, \"Send a webhook\": POST, {sms}"))
    else:
        found.append(ok(f"texts to the Messaging Service come here ({sms})"))
    if service.status_callback and service.status_callback != status:
        found.append(warn(f"the Messaging Service's delivery reports go to {service.status_callback} (each message "
                          "still asks for its own here)", f"set the service's status callback to {status}"))
    return found, service


# PUBLIC_URL ---------------------------------------------------------------------------------------

def secret_key(settings: Settings) -> str | None:
    """The key this install's web processes sign with: SECRET_KEY, or the one kept in the instance folder."""
    if settings.secret_key:
        return settings.secret_key
    try:
        # Where hotline.instance_secret keeps it; read only, never made here.
        return (Path(settings.instance_path) / "secret_key").read_text().strip() or None
    except OSError:
        return None


def public_url(settings: Settings, http: requests.Session) -> list[Finding]:
    """PUBLIC_URL answers /healthz from the outside, without a redirect, and it is this install that answers."""
    base = settings.public_url.rstrip("/")
    found = []
    if settings.twilio_account_sid and urlsplit(base).hostname in LOCAL_HOSTS:
        found.append(fix(f"PUBLIC_URL is {base}: Twilio cannot reach this machine's own address",
                         "set PUBLIC_URL to the https:// address the hotline is served at (a domain, or a tunnel)"))
    word = secrets.token_hex(16)
    try:
        response = http.get(base + urls.HEALTH, headers={CHECK_HEADER: word}, timeout=TIMEOUT, allow_redirects=False)
    except requests.RequestException as error:
        return found + [fix(f"nothing answers at PUBLIC_URL ({base}): {type(error).__name__}",
                            "start the web side (`hotline run`, or gunicorn wsgi:app), or set PUBLIC_URL to where it is served")]
    if response.is_redirect:
        target = response.headers.get("Location", "")
        return found + [fix(f"PUBLIC_URL redirects to {target}: Twilio's signature would be for another address",
                            f"set PUBLIC_URL to the address it redirects to (without {urls.HEALTH})")]
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or "database" not in answer:
        return found + [fix(f"something other than the hotline answers at PUBLIC_URL ({base}, HTTP {response.status_code})",
                            "set PUBLIC_URL to the address the hotline is served at, path prefix included")]
    key = secret_key(settings)
    given = response.headers.get(PROOF_HEADER, "")
    if key is None:
        found.append(warn(f"a hotline answers at PUBLIC_URL ({base}); this machine cannot tell whether it is this one",
                          "set the same SECRET_KEY for the web processes and here"))
    elif not given or given != proof(key, word):
        found.append(fix(f"a hotline answers at PUBLIC_URL ({base}), but not this one (or with another SECRET_KEY)",
                         "set PUBLIC_URL to this install's address, and the same SECRET_KEY for every process"))
    else:
        found.append(ok(f"PUBLIC_URL ({base}) reaches this hotline"))
    if response.status_code != 200:
        problems = ", ".join(answer.get("problems") or []) or f"HTTP {response.status_code}"
        found.append(fix(f"the hotline at PUBLIC_URL says it is failing: {problems}", "see the checks below"))
    return found


# Database, Redis, workers -------------------------------------------------------------------------

def where(url: str) -> str:
    """A database URL without its password."""
    return url.split("@")[-1]


def database(settings: Settings) -> tuple[list[Finding], Database | None]:
    """The database answers and its schema is current; a fresh SQLite file is never made here."""
    url = settings.database_url
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).exists():
        return [fix(f"no database yet ({parsed.database})", "hotline db upgrade")], None
    db = None
    try:
        db = Database(url)
        # Reading only: on SQLite it takes no write lock from the running hotline.
        with db.engine.connect().execution_options(**{READ_ONLY: True}) as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure to connect is the finding
        if db is not None:
            db.dispose()
        return [fix(f"the database does not answer ({where(url)}): {type(error).__name__}",
                    "check DATABASE_URL, and that the database server runs and lets this machine in")], None
    found = [ok(f"the database answers ({where(url)})")]
    problem = schema_problem(db.engine)
    if problem is not None:
        db.dispose()
        found.append(fix(problem, "hotline db upgrade"))
        return found, None
    found.append(ok("the database schema is up to date"))
    return found, db


def admin(db: Database) -> list[Finding]:
    with db.session() as session:
        admins = accounts.active_admins(session)
    if not admins:
        return [fix("no console account can manage the others", "hotline users add EMAIL --role admin")]
    return [ok(f"{admins} admin account{'s' if admins > 1 else ''} for the console")]


def redis(settings: Settings, connection: Redis | None) -> list[Finding]:
    """Redis answers, and at least one `hotline worker` is alive."""
    if not settings.redis_url:
        return [ok("no REDIS_URL: the web process sends messages and runs scheduled work itself")]
    connection = connection or redis_from_url(settings.redis_url, timeout=TIMEOUT)
    try:
        connection.ping()
        alive = workers(connection, utcnow())
    except Exception as error:  # noqa: BLE001 - any failure to reach Redis is the finding
        return [fix(f"Redis does not answer at REDIS_URL: {type(error).__name__}",
                    "check REDIS_URL, and that Redis runs and lets this machine in")]
    found = [ok("Redis answers")]
    if not alive:
        found.append(fix("no worker is alive: nothing is sent and no scheduled work runs",
                         "start `hotline worker` (or `python worker.py`), and keep it running"))
    else:
        found.append(ok(f"{len(alive)} worker{'s' if len(alive) > 1 else ''} alive"))
    return found


# People and money ---------------------------------------------------------------------------------

def coordinators(settings: Settings) -> list[Finding]:
    if not settings.coordinator_phones:
        return [fix("COORDINATOR_PHONES is not set: nobody is texted when a request finds no volunteer",
                    "set COORDINATOR_PHONES to coordinators' numbers, comma-separated (+16175550100,+16175550101)")]
    count = len(settings.coordinator_phones)
    return [ok(f"{count} coordinator phone{'s' if count > 1 else ''} to alert")]


def budget(settings: Settings) -> list[Finding]:
    found = []
    if settings.sms_monthly_segment_budget <= 0:
        found.append(fix("no monthly SMS budget: nothing stops a flood or a loop from running up the bill",
                         "set SMS_MONTHLY_SEGMENT_BUDGET (segments a month; see README, The budget)"))
    else:
        found.append(ok(f"monthly SMS budget: {settings.sms_monthly_segment_budget} segments"))
    if settings.call_monthly_minute_budget <= 0 and settings.twilio_phone_number:
        found.append(warn("no monthly call budget", "set CALL_MONTHLY_MINUTE_BUDGET (minutes a month)"))
    return found


def examine(settings: Settings, *, http: requests.Session | None = None, redis_connection: Redis | None = None
            ) -> list[tuple[str, list[Finding]]]:
    """Every check, by topic, in the order an operator fixes them."""
    found, db = database(settings)
    topics = [
        ("Twilio", twilio(settings)),
        ("PUBLIC_URL", public_url(settings, http or http_session())),
        ("Database", found + (admin(db) if db is not None else [])),
        ("Queue", redis(settings, redis_connection)),
        ("People and budget", coordinators(settings) + budget(settings)),
    ]
    if db is not None:
        db.dispose()
    return topics

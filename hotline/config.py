"""Settings read from the environment, with documented defaults."""
from __future__ import annotations

import logging
import math
import os
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import phonenumbers
from babel.numbers import is_currency

from .phones import mask, normalize

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
# A checkout (an editable install too) reads the translators' .po files under locales/ and keeps its
# data beside them; an installed wheel carries its catalogs compiled inside the package (the build
# puts them there) and keeps its data in the working directory, never in site-packages.
FROM_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "locales").is_dir()
LOCALES_DIR = PROJECT_ROOT / "locales" if FROM_CHECKOUT else PACKAGE_DIR / "locales"
INSTANCE_DIR = PROJECT_ROOT / "instance" if FROM_CHECKOUT else Path.cwd() / "instance"


def _list(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


_KIND_WORDS = {int: "not a whole number", float: "not a number", bool: "not yes or no (1/0, true/false, yes/no, on/off)"}


def _read(kind: type, raw: str) -> Any:
    """One environment value as its field's kind; ValueError when it cannot be read."""
    if kind is bool:
        word = raw.strip().lower()
        if word in {"1", "true", "yes", "on"}:
            return True
        if word in {"0", "false", "no", "off"}:
            return False
        raise ValueError(raw)
    if kind is int:
        return int(raw.strip().replace("_", ""))
    if kind is float:
        value = float(raw)
        if not math.isfinite(value):
            raise ValueError(raw)
        return value
    if kind is tuple:
        return _list(raw)
    return raw


def _phones(raw: tuple, region: str, name: str) -> tuple[tuple[str, ...], list[str]]:
    """Read phone numbers as E.164 once, at start; a mistyped one is a problem to fix, never dropped."""
    found: list[str] = []
    wrong: list[str] = []
    for position, entry in enumerate(raw, start=1):
        number = normalize(entry, region)
        if number is None:
            which = f"entry {position} ({mask(entry)})" if len(raw) > 1 else f"{mask(entry)}"
            wrong.append(f"{name}: {which} is not a phone number one can text; write it in E.164 form, "
                         f"such as +16175550100")
        elif number not in found:
            found.append(number)
    return tuple(found), wrong


@dataclass(frozen=True)
class Settings:
    """Every setting the hotline reads; each field's env var is its upper-case name."""

    database_url: str = ""
    redis_url: str = ""
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_phone_number: str = ""
    twilio_messaging_service_sid: str = ""
    twilio_api_base_url: str = "https://api.twilio.com"
    public_url: str = "http://localhost:5000"
    # Serve /twilio/* without signatures while a Twilio account is set and TWILIO_AUTH_TOKEN is
    # not: for testing only; anyone who finds the address can then text as anyone.
    allow_unsigned_webhooks: bool = False
    hotline_timezone: str = "UTC"
    secret_key: str = ""
    instance_path: str = str(INSTANCE_DIR)
    locales_dir: str = str(LOCALES_DIR)
    default_language: str = "en"
    # Region used to read numbers written without a country code.
    default_region: str = "US"
    # A conversation quiet for this long starts over instead of resuming.
    idle_reset_hours: float = 24.0
    emergency_number: str = "911"
    # How far ahead a ride may be booked; a later time gets a kind question instead.
    ride_horizon_days: int = 60
    max_request_bytes: int = 64 * 1024
    # Spell accented Latin letters plainly in SMS ("número" -> "numero") so texts stay GSM-7, for
    # groups that pay per segment; scripts other than Latin are never changed.
    sms_ascii_fallback: bool = False
    # Volunteers: new sign-ups wait for a coordinator unless this is on.
    volunteer_auto_approve: bool = False
    default_weekly_cap: int = 3
    # Volunteer care: a week with this many tasks done (or this many done at night, from
    # care_night_hour to 6 local) brings a thank-you and an offer of care_rest_days off (0: never).
    care_heavy_week_tasks: int = 6
    care_heavy_week_nights: int = 3
    care_night_hour: int = 21
    care_rest_days: int = 3
    # The monthly thank-you goes out on the month's last day from this local hour (until 21:00).
    care_note_hour: int = 17
    care_sweep_seconds: int = 3600
    # Dispatch: offers go to this many volunteers at once, a new wave after this many minutes.
    wave_size: int = 3
    wave_minutes: float = 15.0
    max_waves: int = 3
    # Coordinators get an SMS when nobody can be found (comma-separated E.164 numbers).
    coordinator_phones: tuple = ()
    # Outbound calls (to people who cannot or do not text): calls placed a second, and how often
    # an unanswered call is tried again, how long apart.
    calls_per_second: float = 1.0
    call_max_attempts: int = 3
    call_retry_minutes: float = 10.0
    # Masked calls (a coordinator's "Call the resident", a volunteer's CALL 427): how long the
    # hotline lets the caller's own phone ring, then the resident's, in seconds.
    bridge_ring_seconds: int = 30
    # A resident who rings and hangs up before the menu is called back once, this many minutes
    # later, unless they called or texted meanwhile; never twice within missed_call_window_hours,
    # and only from missed_call_earliest_hour to missed_call_latest_hour, local time (later instead).
    missed_call_back: bool = True
    missed_call_delay_minutes: float = 3.0
    missed_call_window_hours: float = 24.0
    missed_call_earliest_hour: int = 8
    missed_call_latest_hour: int = 21
    # Ride reminders: the evening before at this local hour, and this many minutes before pickup.
    reminder_evening_hour: int = 18
    reminder_before_minutes: int = 60
    # A reminder more than this late (an outage) is not sent at all.
    reminder_grace_minutes: int = 30
    # Check-ins: how long an answer is waited for before one more try (a call), and again before
    # someone is asked to look in; local hours a check-in may be set between (never at night).
    checkin_answer_minutes: int = 30
    checkin_earliest_hour: int = 7
    checkin_latest_hour: int = 21
    # A driver who has not confirmed this long before pickup brings a backup dispatch.
    driver_confirm_minutes: int = 45
    # A ride this soon may wake drivers in their quiet hours.
    ride_urgent_hours: float = 12.0
    # Safety after a late visit or ride: a helper who says DONE after dark is asked to reply OK once
    # home, and the coordinators are told, discreetly, when no answer comes within this many minutes
    # (0: never asked).
    safety_answer_minutes: int = 60
    # Where the group is, as "latitude,longitude" (such as "42.36,-71.06"): after dark then means
    # after the local sunset and before sunrise there. Without it, from SAFETY_AFTER_HOUR until
    # SAFETY_UNTIL_HOUR, local time in HOTLINE_TIMEZONE.
    hotline_location: str = ""
    safety_after_hour: int = 19
    safety_until_hour: int = 6

    # Voice calls (see hotline/voice/).
    # Language a call is spoken in when the caller's language has no Twilio voice and no
    # recording of a sentence; it must be a registered language with a voice.
    voice_fallback_language: str = "en"
    # Seconds of silence after a question before it counts as unanswered.
    voice_gather_timeout: int = 6
    # Seconds the first-call language menu waits before going on in DEFAULT_LANGUAGE.
    voice_language_menu_timeout: int = 4
    # Unanswered questions in a row before the call ends kindly.
    voice_max_silences: int = 2
    # Longest recorded answer, and longest voicemail for coordinators, in seconds.
    voice_answer_max_seconds: int = 60
    voice_voicemail_max_seconds: int = 120
    # Languages whose voicemail Twilio is asked to transcribe (its recording transcription
    # is meant for English; other languages keep the recording only).
    voice_transcribe_languages: tuple = ("en",)

    # Outbound delivery (see hotline/outbox.py and hotline/delivery.py).
    # Message segments per second one sender number may send (Twilio: about 1 for a long code).
    sms_rate_per_second: float = 1.0
    # Messages one number may get within recipient_window_seconds before the rest wait (replies exempt).
    recipient_burst: int = 3
    recipient_window_seconds: float = 60.0
    # A worker waits this long for its sending slot; a later slot is scheduled instead.
    pacing_max_wait_seconds: float = 2.0
    # How often the sweep looks for rows left behind (Redis down, a worker died).
    outbox_sweep_seconds: int = 60
    # A row due this long ago and still waiting is enqueued again by the sweep.
    outbox_stale_seconds: int = 120
    # A message not sent within this many hours expires unsent (0: only its own ttl applies).
    outbox_default_ttl_hours: float = 24.0
    # While Twilio refuses (429, 5xx, no connection) a message waits until its time to live runs
    # out; this caps the tries of one message all the same (a safety net for messages without one).
    send_max_attempts: int = 200
    # First wait after Twilio refuses; each refusal in a row waits twice as long, up to the most.
    send_retry_seconds: float = 15.0
    send_retry_max_seconds: float = 300.0
    # After an ambiguous timeout, wait this long before asking Twilio whether the message exists.
    reconcile_delay_seconds: int = 30
    # Times Twilio's message list is asked about an ambiguous send before the row is failed.
    reconcile_max_attempts: int = 5
    # Seconds to wait for Twilio's REST API to answer.
    twilio_timeout_seconds: float = 10.0
    # A web process waits at most this long for Redis (connect, then each answer) before the
    # sweep is left to enqueue; after a timeout it leaves Redis alone for redis_pause_seconds.
    redis_web_timeout_seconds: float = 0.1
    redis_pause_seconds: float = 30.0
    # The budget (0: no limit): SMS segments and call minutes a local day and a calendar month
    # in HOTLINE_TIMEZONE, counted as Twilio bills them. At 80 % coordinators are told; at 100 %
    # only replies, claims and ride reminders go out and the rest waits (see hotline/outbound/budget.py).
    sms_daily_segment_budget: int = 0
    sms_monthly_segment_budget: int = 0
    call_daily_minute_budget: int = 0
    call_monthly_minute_budget: int = 0
    # What one SMS segment costs, for the estimate shown before a broadcast goes (Twilio's US price),
    # in SMS_PRICE_CURRENCY; and how long a volunteer's texts after a broadcast count as replies to it.
    sms_segment_price: float = 0.0083
    sms_price_currency: str = "USD"
    broadcast_reply_hours: float = 48.0
    # Kinds of need (food, ride, housing, childcare, health, money, other) residents are asked, once
    # their request is filed, whether they want broadcast updates about; empty: never asked, and the
    # UPDATES word does nothing. Updates to residents wait out these local quiet hours.
    resident_updates: tuple = ()
    resident_quiet_start: int = 21
    resident_quiet_end: int = 8
    # Background threads running queued work in-process when REDIS_URL is not set.
    queue_threads: int = 2

    # The coordinators' console.
    # A console session ends after this many minutes without a request, and after this many hours in all.
    console_idle_minutes: int = 30
    console_session_hours: float = 12.0
    # Failed logins: this many for one account locks it for login_lock_minutes; this many from
    # one address within that time locks the address. Each failure after the third waits longer.
    login_max_failures: int = 5
    login_address_max_failures: int = 20
    login_lock_minutes: int = 15
    # Proxies in front of the hotline that set X-Forwarded-For/-Proto (0: none, as with `hotline run`).
    proxy_hops: int = 0
    # How often an open queue page asks for what changed, in seconds.
    console_refresh_seconds: int = 10

    # Guards on the way in (see hotline/guard/); 0 turns each off.
    # Texts one number may send in a minute and in an hour before the rest are kept unanswered
    # (the sender is told once per window that they are going too fast).
    inbound_per_minute: int = 10
    inbound_per_hour: int = 60
    # Replies one number may get in an hour; past it their texts are kept, unanswered, until the hour is over.
    replies_per_hour: int = 30
    # Texts that look automatic (an auto-reply phrase, or the same words again faster than anyone
    # types) within loop_window_minutes before a number is muted for mute_hours.
    loop_rounds: int = 3
    loop_window_minutes: float = 30.0
    mute_hours: float = 24.0
    # Other numbers of this or a neighbouring hotline (comma-separated): never answered, like
    # TWILIO_PHONE_NUMBER itself, so two hotlines never talk to each other for ever.
    other_hotline_numbers: tuple = ()
    # New numbers a minute (all together) beyond which a first text gets a short "you are in
    # line" note instead of the menu, until the rate falls.
    surge_first_texts_per_minute: int = 30

    # Operators.
    # How much the processes log: DEBUG, INFO, WARNING or ERROR (numbers are masked at every level).
    log_level: str = "INFO"
    # /healthz answers 503 once a message that is due has waited this long unsent (no worker, a stuck one).
    health_backlog_seconds: int = 300
    # The Bearer token that lets a scraper (Prometheus) read /metrics; without it, only a console login can.
    metrics_token: str = ""

    # Privacy: how long things are kept, in days, before the retention job removes them.
    # Message bodies, replies and recordings: this long after the request they belong to closes
    # (or after they were sent, for messages tied to no open request).
    retain_messages_days: int = 30
    # Closed requests' words, addresses, ride places and history notes (their counts stay).
    retain_request_details_days: int = 90
    # Delivery records: outbox rows and Twilio's delivery reports.
    retain_delivery_days: int = 90
    # Audit entries (never fewer than 30 days: the database refuses younger deletions).
    retain_audit_days: int = 365
    # Numbers that never asked for anything and have not written in this long (not volunteers).
    retain_idle_contacts_days: int = 180
    # How often the retention job runs, in seconds.
    retention_sweep_seconds: int = 3600

    # Open records (/open, /open.json, /open.csv, STATS): no figure about fewer than this many people.
    open_min_count: int = 5
    # How many whole weeks back the open records go (the week under way is left for STATS).
    open_weeks: int = 12
    # How long each process, browsers and proxies keep the open records before reading them again.
    open_cache_seconds: int = 300

    # The emergency fund's currency (ISO 4217): amounts are kept in its minor units (cents).
    fund_currency: str = "USD"
    # Disbursements above this amount, in the currency's units, count only once a second coordinator approves.
    fund_second_approval_above: float = 200.0

    @classmethod
    def from_env(cls, overrides: dict[str, Any] | None = None, environ=None) -> "Settings":
        """Build settings from the environment, then apply explicit overrides, and check them:
        UnsafeSettings lists every problem found, one line each, naming its variable."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        unreadable: list[str] = []
        for f in fields(cls):
            raw = environ.get(f.name.upper())
            if raw is None or raw == "":
                continue
            try:
                values[f.name] = _read(type(f.default), raw)
            except ValueError:
                unreadable.append(f"{f.name.upper()}={raw.strip()!r}: {_KIND_WORDS[type(f.default)]}")
        for key, value in (overrides or {}).items():
            values[key.lower()] = value
        settings = cls(**values)
        found = list(unreadable)
        phones = {}
        for name in ("twilio_phone_number", "coordinator_phones", "other_hotline_numbers"):
            entries = getattr(settings, name)
            if not entries:
                continue
            numbers, wrong = _phones((entries,) if isinstance(entries, str) else entries, settings.default_region, name.upper())
            found += wrong
            phones[name] = numbers[0] if isinstance(entries, str) and numbers else numbers
        settings = replace(settings, **phones)
        if not settings.database_url:
            path = Path(settings.instance_path) / "hotline.db"
            settings = replace(settings, database_url=f"sqlite:///{path}")
        else:
            settings = replace(settings, database_url=database_url(settings.database_url))
        found += problems(settings)
        if found:
            raise UnsafeSettings(refusal(found))
        return settings

    @property
    def twilio_configured(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token)

    @property
    def unsigned_webhooks(self) -> str:
        """Why /twilio/* takes requests without a signature: "console" (no Twilio account, messages
        stay on this machine), "allowed" (ALLOW_UNSIGNED_WEBHOOKS), or "" when it takes none."""
        if self.twilio_auth_token:
            return ""
        if self.allow_unsigned_webhooks:
            return "allowed"
        if not self.twilio_account_sid:
            return "console"
        return ""

    @property
    def unsafe_webhooks(self) -> bool:
        """A Twilio account without a token, and nobody said unsigned webhooks are wanted: every
        /twilio/* request would be refused, so the hotline does not start."""
        return bool(self.twilio_account_sid and not self.twilio_auth_token and not self.allow_unsigned_webhooks)


UNSAFE_WEBHOOKS_MESSAGE = (
    "TWILIO_ACCOUNT_SID is set but TWILIO_AUTH_TOKEN is not: webhook signatures cannot be checked, "
    "so the hotline will not start. Set TWILIO_AUTH_TOKEN (Twilio console, Account info), or, for "
    "testing only, ALLOW_UNSIGNED_WEBHOOKS=1."
)
UNSIGNED_WEBHOOKS_WARNING = (
    "ALLOW_UNSIGNED_WEBHOOKS is on and TWILIO_AUTH_TOKEN is not set: /twilio/* takes requests "
    "nobody signed, so anyone who finds the address can text or call as any number. For testing only."
)


class UnsafeSettings(RuntimeError):
    """Settings the hotline refuses to start with; the message says what to set."""


# Lowest and highest sensible value of each number (None: no bound on that side). Where 0 turns a
# thing off, 0 is allowed; a count of things to do, a rate or a wait that something divides by is not.
BOUNDS: dict[str, tuple[float | None, float | None]] = {
    "idle_reset_hours": (0.1, None),
    "ride_horizon_days": (1, 3650),
    "max_request_bytes": (1024, None),
    "default_weekly_cap": (0, None),
    "care_heavy_week_tasks": (0, None),
    "care_heavy_week_nights": (0, None),
    "care_night_hour": (12, 23),
    "care_rest_days": (1, 30),
    "care_note_hour": (8, 20),
    "care_sweep_seconds": (60, None),
    "wave_size": (1, None),
    "wave_minutes": (0.1, None),
    "max_waves": (1, None),
    "calls_per_second": (0.01, None),
    "call_max_attempts": (1, None),
    "call_retry_minutes": (0.1, None),
    # Twilio's <Dial> rings 5 to 600 seconds.
    "bridge_ring_seconds": (5, 600),
    "missed_call_delay_minutes": (0, 24 * 60),
    "missed_call_window_hours": (0, None),
    "missed_call_earliest_hour": (0, 23),
    "missed_call_latest_hour": (1, 24),
    "reminder_evening_hour": (0, 23),
    "reminder_before_minutes": (0, None),
    "reminder_grace_minutes": (0, None),
    "driver_confirm_minutes": (0, None),
    "checkin_answer_minutes": (1, 1440),
    "checkin_earliest_hour": (0, 23),
    "checkin_latest_hour": (1, 24),
    "ride_urgent_hours": (0, None),
    "safety_answer_minutes": (0, 24 * 60),
    "safety_after_hour": (0, 23),
    "safety_until_hour": (0, 23),
    # Twilio's <Gather> waits 1 to 60 seconds; <Record> takes up to 4 hours.
    "voice_gather_timeout": (1, 60),
    "voice_language_menu_timeout": (1, 60),
    "voice_max_silences": (1, None),
    "voice_answer_max_seconds": (1, 14400),
    "voice_voicemail_max_seconds": (1, 14400),
    "sms_rate_per_second": (0.01, None),
    "recipient_burst": (1, None),
    "recipient_window_seconds": (1, None),
    "pacing_max_wait_seconds": (0, None),
    "outbox_sweep_seconds": (1, None),
    "outbox_stale_seconds": (1, None),
    "outbox_default_ttl_hours": (0, None),
    "send_max_attempts": (1, None),
    "send_retry_seconds": (0.1, None),
    "send_retry_max_seconds": (0.1, None),
    "reconcile_delay_seconds": (0, None),
    "reconcile_max_attempts": (1, None),
    "twilio_timeout_seconds": (0.1, None),
    "redis_web_timeout_seconds": (0.01, None),
    "redis_pause_seconds": (0, None),
    "sms_daily_segment_budget": (0, None),
    "sms_monthly_segment_budget": (0, None),
    "call_daily_minute_budget": (0, None),
    "call_monthly_minute_budget": (0, None),
    "queue_threads": (0, 64),
    "sms_segment_price": (0, 10),
    "broadcast_reply_hours": (0, 24 * 30),
    "resident_quiet_start": (0, 23),
    "resident_quiet_end": (0, 23),
    "console_idle_minutes": (1, None),
    "console_session_hours": (0.1, None),
    "login_max_failures": (1, None),
    "login_address_max_failures": (1, None),
    "login_lock_minutes": (1, None),
    "proxy_hops": (0, 10),
    "console_refresh_seconds": (1, None),
    "inbound_per_minute": (0, None),
    "inbound_per_hour": (0, None),
    "replies_per_hour": (0, None),
    "loop_rounds": (0, None),
    "loop_window_minutes": (0.1, None),
    "mute_hours": (0.1, None),
    "surge_first_texts_per_minute": (0, None),
    "retain_messages_days": (1, None),
    "retain_request_details_days": (1, None),
    "retain_delivery_days": (1, None),
    # The database refuses to delete audit entries younger than 30 days.
    "retain_audit_days": (30, None),
    "retain_idle_contacts_days": (1, None),
    "retention_sweep_seconds": (60, None),
    "health_backlog_seconds": (1, None),
    # Below 3, a published count could point at one or two people.
    "open_min_count": (3, None),
    "open_weeks": (1, 520),
    "open_cache_seconds": (0, None),
    "fund_second_approval_above": (0, 10_000_000),
}
# The kinds of need a resident may want updates about (hotline.needs.CATEGORIES, but a check-in's look-in).
UPDATE_KINDS = ("food", "ride", "housing", "childcare", "health", "money", "other")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
POSTGRES_DRIVER_MISSING = (
    "DATABASE_URL is a PostgreSQL database but its driver, psycopg 3, is not installed: "
    "pip install 'hotline[postgres]'"
)


def database_url(url: str) -> str:
    """postgres:// and postgresql:// (as hosts hand them out) mean the psycopg 3 driver the hotline uses."""
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme):]
    return url


def postgres_driver_missing() -> bool:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return True
    return False


def _bound_problem(name: str, value: Any) -> str | None:
    low, high = BOUNDS[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"{name.upper()}={value!r}: not a number"
    if low is not None and value < low:
        if low == 0:
            return f"{name.upper()}={value}: must not be negative"
        return f"{name.upper()}={value}: must be at least {low:g}"
    if high is not None and value > high:
        return f"{name.upper()}={value}: must be at most {high:g}"
    return None


def _url_problem(name: str, url: str, *, https: bool) -> str | None:
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError:
        return f"{name}={url!r}: not a web address"
    if parts.scheme not in ("http", "https") or not host:
        return f"{name}={url!r}: must be an http:// or https:// address with a host, such as https://hotline.example.org"
    if https and parts.scheme != "https" and host not in LOCAL_HOSTS:
        return (f"{name}={url!r}: must be https:// when a Twilio account is set (Twilio signs the https address; "
                "http:// only for localhost or 127.0.0.1, when testing)")
    return None


def problems(settings: Settings) -> list[str]:
    """Every problem with these settings, one line each naming its environment variable."""
    found: list[str] = []
    if settings.unsafe_webhooks:
        found.append(UNSAFE_WEBHOOKS_MESSAGE)
    try:
        ZoneInfo(settings.hotline_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        found.append(f"HOTLINE_TIMEZONE={settings.hotline_timezone!r}: not a time zone name, such as America/New_York or Europe/Paris")
    if settings.hotline_location and location(settings.hotline_location) is None:
        found.append(f"HOTLINE_LOCATION={settings.hotline_location!r}: not a place; write its latitude and "
                     "longitude in degrees, such as 42.36,-71.06")
    for name in ("public_url", "twilio_api_base_url"):
        problem = _url_problem(name.upper(), getattr(settings, name), https=bool(settings.twilio_account_sid))
        if problem:
            found.append(problem)
    shipped = shipped_languages(settings.locales_dir)
    for name in ("default_language", "voice_fallback_language"):
        if getattr(settings, name) not in shipped:
            found.append(f"{name.upper()}={getattr(settings, name)!r}: not a shipped language; one of {' '.join(sorted(shipped))}")
    if settings.default_region not in phonenumbers.SUPPORTED_REGIONS:
        found.append(f"DEFAULT_REGION={settings.default_region!r}: not a region code; a two-letter country code "
                     "in capitals, such as US or CA")
    for name in BOUNDS:
        problem = _bound_problem(name, getattr(settings, name))
        if problem:
            found.append(problem)
    if settings.send_retry_max_seconds < settings.send_retry_seconds:
        found.append(f"SEND_RETRY_MAX_SECONDS={settings.send_retry_max_seconds:g}: must not be less than "
                     f"SEND_RETRY_SECONDS={settings.send_retry_seconds:g}")
    if settings.missed_call_latest_hour <= settings.missed_call_earliest_hour:
        found.append(f"MISSED_CALL_LATEST_HOUR={settings.missed_call_latest_hour}: must be later than "
                     f"MISSED_CALL_EARLIEST_HOUR={settings.missed_call_earliest_hour}")
    if settings.checkin_latest_hour <= settings.checkin_earliest_hour:
        found.append(f"CHECKIN_LATEST_HOUR={settings.checkin_latest_hour}: must be later than "
                     f"CHECKIN_EARLIEST_HOUR={settings.checkin_earliest_hour}")
    problem = fund_currency_problem(settings.fund_currency)
    if problem:
        found.append(problem)
    unknown = [kind for kind in settings.resident_updates if kind not in UPDATE_KINDS]
    if unknown:
        found.append(f"RESIDENT_UPDATES: {', '.join(unknown)} is no kind of need; "
                     f"use some of {', '.join(UPDATE_KINDS)}")
    problem = fund_currency_problem(settings.sms_price_currency)
    if problem:
        found.append(problem.replace("FUND_CURRENCY", "SMS_PRICE_CURRENCY"))
    if settings.log_level.upper() not in LOG_LEVELS:
        found.append(f"LOG_LEVEL={settings.log_level!r}: one of {', '.join(LOG_LEVELS)}")
    if settings.database_url.startswith("postgresql+psycopg:") and postgres_driver_missing():
        found.append(POSTGRES_DRIVER_MISSING)
    return found


def location(text: str) -> tuple[float, float] | None:
    """Read "latitude,longitude" in degrees; None when it is not a place on Earth."""
    parts = text.split(",")
    if len(parts) != 2:
        return None
    try:
        latitude, longitude = (float(part) for part in parts)
    except ValueError:
        return None
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return latitude, longitude


def fund_currency_problem(code: str) -> str | None:
    if not (isinstance(code, str) and len(code) == 3 and code.isalpha() and code.isupper() and is_currency(code)):
        return f"FUND_CURRENCY={code!r}: not an ISO 4217 currency code in capitals, such as USD, EUR or CAD"
    return None


def shipped_languages(locales_dir: str) -> set[str]:
    """The languages whose texts ship in the locales folder (English is the texts themselves)."""
    folder = Path(locales_dir)
    # Compiled (.mo) in an installed wheel, the translators' .po in a checkout.
    return {"en"} | {path.parent.parent.name for path in folder.glob("*/LC_MESSAGES/messages.[mp]o")}


def refusal(found: list[str]) -> str:
    lines = "\n".join(f"  - {problem}" for problem in found)
    return f"The hotline will not start until these settings are fixed:\n{lines}"


def check_safe(settings: Settings) -> None:
    """Refuse settings the hotline cannot run with, listing every problem at once, and warn
    loudly when webhooks are opened on purpose."""
    found = problems(settings)
    if found:
        raise UnsafeSettings(refusal(found))
    if settings.unsigned_webhooks == "allowed":
        logging.getLogger("hotline").warning(UNSIGNED_WEBHOOKS_WARNING)

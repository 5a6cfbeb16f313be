"""Settings read from the environment, with documented defaults."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from .phones import mask, normalize

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


def _phones(raw: tuple, region: str, name: str = "COORDINATOR_PHONES") -> tuple[str, ...]:
    """Read phone numbers as E.164 once, at start; one mistyped number must not break a send."""
    found = []
    for entry in raw:
        number = normalize(entry, region)
        if number is None:
            logging.getLogger(__name__).warning("%s: %s is not a phone number; left out", name, mask(entry))
        elif number not in found:
            found.append(number)
    return tuple(found)


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
    instance_path: str = str(PROJECT_ROOT / "instance")
    locales_dir: str = str(PROJECT_ROOT / "locales")
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
    # Ride reminders: the evening before at this local hour, and this many minutes before pickup.
    reminder_evening_hour: int = 18
    reminder_before_minutes: int = 60
    # A reminder more than this late (an outage) is not sent at all.
    reminder_grace_minutes: int = 30
    # A driver who has not confirmed this long before pickup brings a backup dispatch.
    driver_confirm_minutes: int = 45
    # A ride this soon may wake drivers in their quiet hours.
    ride_urgent_hours: float = 12.0

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

    @classmethod
    def from_env(cls, overrides: dict[str, Any] | None = None, environ=None) -> "Settings":
        """Build settings from the environment, then apply explicit overrides."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(f.name.upper())
            if raw is None or raw == "":
                continue
            kind = type(f.default)
            if kind is bool:
                values[f.name] = _bool(raw)
            elif kind is int:
                values[f.name] = int(raw)
            elif kind is float:
                values[f.name] = float(raw)
            elif kind is tuple:
                values[f.name] = _list(raw)
            else:
                values[f.name] = raw
        for key, value in (overrides or {}).items():
            values[key.lower()] = value
        settings = cls(**values)
        if settings.coordinator_phones:
            settings = replace(settings, coordinator_phones=_phones(settings.coordinator_phones, settings.default_region))
        if settings.other_hotline_numbers:
            settings = replace(settings, other_hotline_numbers=_phones(
                settings.other_hotline_numbers, settings.default_region, "OTHER_HOTLINE_NUMBERS"))
        if not settings.database_url:
            path = Path(settings.instance_path) / "hotline.db"
            settings = replace(settings, database_url=f"sqlite:///{path}")
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


def check_safe(settings: Settings) -> None:
    """Refuse settings that would leave webhooks open, and warn loudly when they are opened on purpose."""
    if settings.unsafe_webhooks:
        raise UnsafeSettings(UNSAFE_WEBHOOKS_MESSAGE)
    if settings.unsigned_webhooks == "allowed":
        logging.getLogger("hotline").warning(UNSIGNED_WEBHOOKS_WARNING)

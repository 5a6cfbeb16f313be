"""Transports: Twilio's REST API (the only module that talks to Twilio) and a console stand-in.

twilio's REST client and requests (about 5 MB with urllib3) are imported when a process first
talks to Twilio: a web process whose texts a worker sends never loads them.
"""
from __future__ import annotations

import logging
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Protocol

from ..clock import now as utcnow
from ..config import Settings
from ..phones import mask
from ..sms import count_segments

log = logging.getLogger(__name__)

TWILIO_API = "https://api.twilio.com"
# How many of the recipient's most recent messages reconciliation looks through.
RECONCILE_PAGE = 50


@dataclass
class Sent:
    """What Twilio (or the console) says about a message it has."""

    sid: str
    status: str
    segments: int | None = None
    from_number: str | None = None
    created_at: datetime | None = None


class SendError(Exception):
    """A send that did not go through, classified by what may be done about it."""

    RETRY = "retry"  # nothing was sent (429, 5xx, refused connection): try again later
    PERMANENT = "permanent"  # Twilio refused this message for good (21610, 21211, 21614, ...)
    AMBIGUOUS = "ambiguous"  # the request left and no answer came: the message may exist

    def __init__(self, kind: str, message: str, *, code: int | None = None, status: int | None = None):
        super().__init__(message)
        self.kind = kind
        self.code = code
        self.status = status


class Transport(Protocol):
    name: str
    # What pacing counts sends against: the sending number or Messaging Service.
    sender: str
    # Whether sends are paced (a carrier is on the other end).
    paced: bool

    def send_sms(self, to: str, body: str, *, status_callback: str | None) -> Sent: ...

    def find_sms(self, to: str, body: str, *, since: datetime, exclude: set[str]) -> Sent | None: ...

    def create_call(self, to: str, url: str, *, status_callback: str | None, spoken: str) -> Sent: ...

    def find_call(self, to: str, *, since: datetime, exclude: set[str]) -> Sent | None: ...

    def delete_recording(self, sid: str) -> None: ...

    def fetch_recording(self, sid: str, limit: int) -> bytes: ...


def scrub_numbers(text: str) -> str:
    """Mask every run of digits long enough to be a phone number, keeping its last four."""
    return re.sub(r"\+?\d[\d\s().-]{6,}\d", lambda m: mask(m.group(0)), text)


def rest_errors() -> tuple[type[Exception], type[Exception]]:
    """What a REST call raises: Twilio's refusal, and any failure of the network."""
    from requests import RequestException
    from twilio.base.exceptions import TwilioRestException

    return TwilioRestException, RequestException


def classify_rest_error(error) -> SendError:
    """Sort a Twilio error answer: 429 and 5xx are worth retrying, any other refusal is final."""
    status, code = int(error.status or 0), error.code
    # Twilio's message often quotes the number ("The 'To' number +1... is not valid"): never kept whole.
    detail = scrub_numbers(error.msg) if error.msg else ""
    text = f"Twilio {status}" + (f" error {code}" if code else "") + (f": {detail}" if detail else "")
    if status == 429 or code == 20429 or status >= 500:
        return SendError(SendError.RETRY, text, code=code, status=status)
    return SendError(SendError.PERMANENT, text, code=code, status=status)


def classify_network_error(error) -> SendError:
    """Sort a network failure: before the request left it can be retried; after, it is ambiguous."""
    import requests
    from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

    if isinstance(error, requests.exceptions.ConnectTimeout):
        return SendError(SendError.RETRY, f"could not connect to Twilio: {error}")
    if isinstance(error, requests.exceptions.ConnectionError) and not isinstance(error, requests.exceptions.Timeout):
        reason = error.args[0] if error.args else None
        reason = getattr(reason, "reason", reason)
        if isinstance(reason, (NewConnectionError, ConnectTimeoutError)):
            return SendError(SendError.RETRY, f"could not connect to Twilio: {reason}")
    # A read timeout or a connection dropped mid-answer: Twilio may have created the message.
    return SendError(SendError.AMBIGUOUS, f"no answer from Twilio after sending: {type(error).__name__}")


def _twilio_http_client(base_url: str, timeout: float):
    """Twilio's own HTTP client, sending what it would send to api.twilio.com to `base_url`."""
    from requests.adapters import HTTPAdapter
    from twilio.http.http_client import TwilioHttpClient

    class BaseUrlHttpClient(TwilioHttpClient):
        def request(self, method, url, *args, **kwargs):
            if url.startswith(TWILIO_API):
                url = base_url.rstrip("/") + url[len(TWILIO_API):]
            return super().request(method, url, *args, **kwargs)

    client = BaseUrlHttpClient(timeout=timeout)
    # No silent retries below us: whether to send again is decided with the outbox row.
    client.session.mount("http://", HTTPAdapter(max_retries=0))
    client.session.mount("https://", HTTPAdapter(max_retries=0))
    return client


class TwilioTransport:
    """Send through Twilio's REST API with the twilio `Client`."""

    name = "twilio"
    paced = True

    def __init__(self, settings: Settings, *, sends: bool = True):
        self.settings = settings
        self.from_number = settings.twilio_phone_number or None
        self.messaging_service_sid = settings.twilio_messaging_service_sid or None
        self.sender = self.messaging_service_sid or self.from_number or "twilio"
        if sends:
            # The client imports its Messages API on first use: done now, so a worker's first send
            # leaves as soon after its pacing slot as any other (a slow first one could crowd a second).
            self.client.messages

    @cached_property
    def client(self):
        from twilio.rest import Client

        settings = self.settings
        return Client(
            settings.twilio_account_sid,
            settings.twilio_auth_token,
            http_client=_twilio_http_client(settings.twilio_api_base_url, settings.twilio_timeout_seconds),
        )

    def _sent(self, message) -> Sent:
        segments = int(message.num_segments) if (message.num_segments or "0").isdigit() else 0
        return Sent(
            sid=message.sid,
            status=message.status,
            segments=segments or None,
            from_number=message.from_ or message.messaging_service_sid,
            created_at=message.date_created,
        )

    def send_sms(self, to: str, body: str, *, status_callback: str | None) -> Sent:
        """Create the message at Twilio, or raise SendError saying what kind of failure it was."""
        params = {"to": to, "body": body, "status_callback": status_callback}
        if self.messaging_service_sid:
            params["messaging_service_sid"] = self.messaging_service_sid
        else:
            params["from_"] = self.from_number
        refused, failed = rest_errors()
        try:
            return self._sent(self.client.messages.create(**params))
        except refused as error:
            raise classify_rest_error(error) from error
        except failed as error:
            raise classify_network_error(error) from error

    def find_sms(self, to: str, body: str, *, since: datetime, exclude: set[str]) -> Sent | None:
        """Look for our message in Twilio's list of the recipient's messages (newest first)."""
        query = {"to": to, "limit": RECONCILE_PAGE, "page_size": RECONCILE_PAGE}
        if not self.messaging_service_sid and self.from_number:
            query["from_"] = self.from_number
        refused, failed = rest_errors()
        try:
            messages = self.client.messages.list(**query)
        except refused as error:
            raise classify_rest_error(error) from error
        except failed as error:
            raise SendError(SendError.RETRY, f"could not list messages: {type(error).__name__}") from error
        for message in messages:
            if message.sid in exclude or not (message.direction or "").startswith("outbound"):
                continue
            if (message.body or "").strip() != body.strip():
                continue
            if message.date_created is not None and message.date_created < since:
                continue
            return self._sent(message)
        return None

    @staticmethod
    def _call_sent(call) -> Sent:
        return Sent(sid=call.sid, status=call.status, segments=None, from_number=call._from,
                    created_at=call.date_created)

    def create_call(self, to: str, url: str, *, status_callback: str | None, spoken: str) -> Sent:
        """Place a call that fetches its words from `url`, or raise SendError saying why not."""
        if not self.from_number:
            raise SendError(SendError.PERMANENT, "calls need TWILIO_PHONE_NUMBER (a Messaging Service cannot call)")
        params = {"to": to, "from_": self.from_number, "url": url, "method": "POST"}
        if status_callback:
            params.update(status_callback=status_callback, status_callback_method="POST",
                          status_callback_event=["completed"])
        refused, failed = rest_errors()
        try:
            return self._call_sent(self.client.calls.create(**params))
        except refused as error:
            raise classify_rest_error(error) from error
        except failed as error:
            raise classify_network_error(error) from error

    def find_call(self, to: str, *, since: datetime, exclude: set[str]) -> Sent | None:
        """Look for a call we placed to `to` since a moment, among Twilio's recent calls to it."""
        refused, failed = rest_errors()
        try:
            calls = self.client.calls.list(to=to, limit=RECONCILE_PAGE, page_size=RECONCILE_PAGE)
        except refused as error:
            raise classify_rest_error(error) from error
        except failed as error:
            raise SendError(SendError.RETRY, f"could not list calls: {type(error).__name__}") from error
        for call in calls:
            if call.sid in exclude or not (call.direction or "").startswith("outbound"):
                continue
            if call.date_created is not None and call.date_created < since:
                continue
            return self._call_sent(call)
        return None


    def delete_recording(self, sid: str) -> None:
        """Delete a recording at Twilio; one already gone counts as deleted."""
        refused, failed = rest_errors()
        try:
            self.client.recordings(sid).delete()
        except refused as error:
            if int(error.status or 0) == 404:
                return
            raise classify_rest_error(error) from error
        except failed as error:
            # Deleting twice does no harm: any failure is worth another try.
            raise SendError(SendError.RETRY, f"could not reach Twilio: {type(error).__name__}") from error


    def fetch_recording(self, sid: str, limit: int) -> bytes:
        """Download a recording's MP3 with the account's credentials (at most `limit` + 1 bytes)."""
        import requests

        settings = self.settings
        url = (f"{settings.twilio_api_base_url.rstrip('/')}/2010-04-01/Accounts/{settings.twilio_account_sid}"
               f"/Recordings/{sid}.mp3")
        try:
            # Twilio answers with a redirect to where the media is kept; requests drops the
            # credentials when the redirect leaves Twilio's host.
            with requests.get(url, auth=(settings.twilio_account_sid, settings.twilio_auth_token),
                              timeout=max(settings.twilio_timeout_seconds, 10), stream=True) as answer:
                if answer.status_code == 404:
                    raise SendError(SendError.PERMANENT, f"recording {sid} is not at Twilio", status=404)
                if answer.status_code != 200:
                    raise SendError(SendError.RETRY, f"Twilio answered {answer.status_code} for recording {sid}",
                                    status=answer.status_code)
                data = b""
                for chunk in answer.iter_content(64 * 1024):
                    data += chunk
                    if len(data) > limit:
                        break
                return data[: limit + 1]
        except requests.RequestException as error:
            raise SendError(SendError.RETRY, f"could not reach Twilio: {type(error).__name__}") from error


@dataclass
class ConsoleMessage:
    to: str
    body: str
    sid: str
    at: datetime


@dataclass
class ConsoleTransport:
    """Print messages instead of sending them (no Twilio credentials), and keep them to show."""

    name: str = "console"
    sender: str = "console"
    # Nothing reaches a carrier, so nothing needs pacing (and `hotline chat` shows it at once).
    paced: bool = False
    # A practice sandbox inside a live web process keeps its made-up messages out of the live log.
    quiet: bool = False
    sent: list[ConsoleMessage] = field(default_factory=list)
    _shown: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def send_sms(self, to: str, body: str, *, status_callback: str | None) -> Sent:
        message = ConsoleMessage(to=to, body=body, sid="SM" + uuid.uuid4().hex, at=utcnow())
        with self._lock:
            self.sent.append(message)
        if not self.quiet:
            log.info("sms to %s: %s", mask(to), body)
        return Sent(message.sid, "sent", count_segments(body).segments, self.sender, message.at)

    def find_sms(self, to: str, body: str, *, since: datetime, exclude: set[str]) -> Sent | None:
        with self._lock:
            for message in reversed(self.sent):
                if message.to == to and message.body == body and message.sid not in exclude and message.at >= since:
                    return Sent(message.sid, "sent", count_segments(body).segments, self.sender, message.at)
        return None

    def create_call(self, to: str, url: str, *, status_callback: str | None, spoken: str) -> Sent:
        message = ConsoleMessage(to=to, body=f"(call) {spoken}", sid="CA" + uuid.uuid4().hex, at=utcnow())
        with self._lock:
            self.sent.append(message)
        if not self.quiet:
            log.info("call to %s: %s", mask(to), spoken)
        return Sent(message.sid, "completed", None, self.sender, message.at)

    def find_call(self, to: str, *, since: datetime, exclude: set[str]) -> Sent | None:
        with self._lock:
            for message in reversed(self.sent):
                if message.to == to and message.sid.startswith("CA") and message.sid not in exclude:
                    return Sent(message.sid, "completed", None, self.sender, message.at)
        return None

    def delete_recording(self, sid: str) -> None:
        log.info("recording %s deleted", sid)

    def fetch_recording(self, sid: str, limit: int) -> bytes:
        raise SendError(SendError.PERMANENT, "no Twilio account here: recordings cannot be fetched")

    def take_new(self) -> list[ConsoleMessage]:
        """Return the messages sent since the last call."""
        with self._lock:
            new = self.sent[self._shown:]
            self._shown = len(self.sent)
        return new


def make_transport(settings: Settings, *, sends: bool = True) -> Transport:
    """Twilio when credentials are set, the console otherwise.

    A process that leaves sending to workers (not `sends`) connects to Twilio only if it ever must.
    """
    if settings.twilio_configured:
        if not (settings.twilio_phone_number or settings.twilio_messaging_service_sid):
            log.warning("TWILIO_PHONE_NUMBER or TWILIO_MESSAGING_SERVICE_SID is needed to send messages")
        return TwilioTransport(settings, sends=sends)
    return ConsoleTransport()


# What `hotline doctor` asks Twilio: the account, and where the number or Messaging Service sends texts and calls.

# Twilio's other domains (the Messaging Service lives on messaging.twilio.com).
TWILIO_DOMAINS = re.compile(r"^https://[a-z0-9-]+\.twilio\.com")


class SetupError(Exception):
    """Twilio refused a question about the setup, or could not be reached; the message says which."""

    def __init__(self, message: str, *, status: int | None = None, code: int | None = None):
        super().__init__(message)
        self.status = status
        self.code = code


@dataclass(frozen=True)
class TwilioAccount:
    status: str  # active, suspended, closed
    type: str  # Trial, Full


@dataclass(frozen=True)
class NumberHooks:
    """Where a number of the account sends what comes in."""

    sms_url: str
    sms_method: str
    voice_url: str
    voice_method: str
    status_callback: str
    sms_application_sid: str
    voice_application_sid: str


@dataclass(frozen=True)
class ServiceHooks:
    """Where a Messaging Service sends what comes in, and its delivery reports."""

    inbound_request_url: str
    inbound_method: str
    status_callback: str
    use_inbound_webhook_on_number: bool


class TwilioSetup:
    """Read the account and its webhooks from Twilio's REST API (at TWILIO_API_BASE_URL)."""

    def __init__(self, settings: Settings):
        from twilio.rest import Client

        base = settings.twilio_api_base_url.rstrip("/")
        http_client = _twilio_http_client(base, settings.twilio_timeout_seconds)
        if base != TWILIO_API:
            # A stand-in for Twilio serves every domain: send them all where api.twilio.com goes.
            inner = http_client.request

            def request(method, url, *args, **kwargs):
                return inner(method, TWILIO_DOMAINS.sub(TWILIO_API, url, count=1), *args, **kwargs)

            http_client.request = request
        self.account_sid = settings.twilio_account_sid
        self.client = Client(settings.twilio_account_sid, settings.twilio_auth_token, http_client=http_client)

    @staticmethod
    def _ask(question):
        refused, failed = rest_errors()
        try:
            return question()
        except refused as error:
            detail = scrub_numbers(error.msg) if error.msg else ""
            raise SetupError(f"Twilio answered {error.status}" + (f" (error {error.code})" if error.code else "")
                             + (f": {detail}" if detail else ""), status=int(error.status or 0), code=error.code) from error
        except failed as error:
            raise SetupError(f"could not reach Twilio: {type(error).__name__}") from error

    def account(self) -> TwilioAccount:
        found = self._ask(lambda: self.client.api.v2010.accounts(self.account_sid).fetch())
        return TwilioAccount(status=found.status or "", type=found.type or "")

    def number(self, phone: str) -> NumberHooks | None:
        """The number's webhooks, or None when the account has no such number."""
        found = self._ask(lambda: self.client.incoming_phone_numbers.list(phone_number=phone, limit=1))
        if not found:
            return None
        number = found[0]
        return NumberHooks(
            sms_url=number.sms_url or "", sms_method=(number.sms_method or "").upper(),
            voice_url=number.voice_url or "", voice_method=(number.voice_method or "").upper(),
            status_callback=number.status_callback or "", sms_application_sid=number.sms_application_sid or "",
            voice_application_sid=number.voice_application_sid or "",
        )

    def service(self, sid: str) -> ServiceHooks | None:
        """The Messaging Service's webhooks, or None when the account has no such service."""
        try:
            found = self._ask(lambda: self.client.messaging.v1.services(sid).fetch())
        except SetupError as error:
            if error.status == 404:
                return None
            raise
        return ServiceHooks(
            inbound_request_url=found.inbound_request_url or "", inbound_method=(found.inbound_method or "").upper(),
            status_callback=found.status_callback or "",
            use_inbound_webhook_on_number=bool(found.use_inbound_webhook_on_number),
        )

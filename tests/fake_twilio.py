"""A fake Twilio REST API on 127.0.0.1 for the real twilio Client to talk to over HTTP.

It accepts what the real Messages endpoint accepts and answers with the fields it answers with,
both read from Twilio's OpenAPI description in ../shared/twilio/ when it is there. Each create
request takes the next scripted behaviour (201 by default): an error answer, a slow answer, a
timeout after the message was created, a timeout or a dropped connection before it was.
It can also sign status callbacks the way Twilio does, for the test to post in any order.
"""
from __future__ import annotations

import base64
import json
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from email.utils import format_datetime
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from twilio.request_validator import RequestValidator

# Twilio's own OpenAPI description of the Messages and Calls endpoints (MIT, see tests/twilio/LICENSE),
# kept beside the tests so a clean clone checks the fake against it too.
SPEC = Path(__file__).resolve().parent / "twilio" / "api_v2010_messages_calls.json"
MESSAGES_PATH = "/2010-04-01/Accounts/{AccountSid}/Messages.json"

# Used only when the OpenAPI description is not beside the repository.
_FALLBACK_FIELDS = {
    "body", "num_segments", "direction", "from", "to", "date_updated", "price", "error_message", "uri",
    "account_sid", "num_media", "status", "messaging_service_sid", "sid", "date_sent", "date_created",
    "error_code", "price_unit", "api_version", "subresource_uris",
}
_FALLBACK_PARAMS = {"To", "From", "MessagingServiceSid", "Body", "StatusCallback", "MediaUrl", "ContentSid"}
_FALLBACK_STATUSES = {"queued", "sending", "sent", "failed", "delivered", "undelivered", "accepted"}


def load_spec() -> tuple[set[str], set[str], set[str]]:
    """Return (message fields, create parameters, message statuses) from Twilio's description."""
    if not SPEC.exists():
        return _FALLBACK_FIELDS, _FALLBACK_PARAMS, _FALLBACK_STATUSES
    spec = json.loads(SPEC.read_text())
    schemas = spec["components"]["schemas"]
    fields = set(schemas["api.v2010.account.message"]["properties"])
    create = spec["paths"][MESSAGES_PATH]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]
    params = set(create["schema"]["properties"])
    statuses = set(schemas["message_enum_status"]["enum"])
    return fields, params, statuses


MESSAGE_FIELDS, CREATE_PARAMS, MESSAGE_STATUSES = load_spec()
CALLS_PATH = "/2010-04-01/Accounts/{AccountSid}/Calls.json"


def load_call_spec() -> tuple[set[str], set[str], set[str]]:
    """Return (call fields, create parameters, call statuses) from Twilio's description."""
    spec = json.loads(SPEC.read_text())
    schemas = spec["components"]["schemas"]
    create = spec["paths"][CALLS_PATH]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]
    return (set(schemas["api.v2010.account.call"]["properties"]), set(create["schema"]["properties"]),
            set(schemas["call_enum_status"]["enum"]))


CALL_FIELDS, CALL_PARAMS, CALL_STATUSES = load_call_spec()


@dataclass
class Reply:
    """Answer a create request: 201 with the message, or an error `{code, message, ...}`."""

    status: int = 201
    code: int | None = None
    delay: float = 0.0  # seconds to wait before answering
    create: bool = True  # whether the message exists at "Twilio" afterwards
    drop: bool = False  # close the connection instead of answering


OK = Reply()


def error(status: int, code: int) -> Reply:
    return Reply(status=status, code=code, create=False)


def slow(seconds: float) -> Reply:
    return Reply(delay=seconds)


def timeout_after_create(seconds: float) -> Reply:
    """The message is created, but the answer comes after the client gave up."""
    return Reply(delay=seconds)


def timeout_before_create(seconds: float) -> Reply:
    """No answer in time and no message: Twilio never took it."""
    return Reply(delay=seconds, create=False, status=500, code=20500)


def dropped() -> Reply:
    """The connection closes after the request arrived, before any answer; no message."""
    return Reply(create=False, drop=True)


def segments(body: str) -> int:
    gsm = all(ord(ch) < 128 for ch in body)
    single, multi = (160, 153) if gsm else (70, 67)
    return 1 if len(body) <= single else -(-len(body) // multi)


@dataclass
class FakeTwilio:
    account_sid: str
    auth_token: str
    messages: list[dict] = field(default_factory=list)
    # Every create request: (time received, form parameters).
    requests: list[tuple[float, dict]] = field(default_factory=list)
    status_callbacks: dict[str, str] = field(default_factory=dict)
    script: list[Reply] = field(default_factory=list)
    calls: list[dict] = field(default_factory=list)
    # Every call's create parameters (Url, StatusCallback...), by sid.
    call_params: dict[str, dict] = field(default_factory=dict)
    # Recordings Twilio holds (sids); a DELETE removes one, and deleted ones are listed here.
    recordings: set[str] = field(default_factory=set)
    deleted_recordings: list[str] = field(default_factory=list)
    # The sound of recordings (sid -> MP3 bytes), as GET .../Recordings/{sid}.mp3 answers with the account's credentials.
    recording_media: dict[str, bytes] = field(default_factory=dict)
    # While set, every create request gets this answer (an outage), before any scripted one.
    down: Reply | None = None
    # The account as GET /Accounts/{sid}.json tells it.
    account_status: str = "active"
    account_type: str = "Full"
    # The account's numbers (E.164 -> the fields set on it) and Messaging Services (sid -> fields).
    numbers: dict[str, dict] = field(default_factory=dict)
    services: dict[str, dict] = field(default_factory=dict)

    def __post_init__(self):
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeTwilio":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def then(self, *replies: Reply) -> None:
        """Answer the next create requests with these, in order; 201 after they run out."""
        with self._lock:
            self.script.extend(replies)

    def _next_reply(self) -> Reply:
        with self._lock:
            if self.down is not None:
                return self.down
            return self.script.pop(0) if self.script else OK

    def sent_to(self, number: str) -> list[dict]:
        """Messages Twilio has for this recipient, oldest first."""
        with self._lock:
            return [m for m in self.messages if m["to"] == number]

    # Messages ---------------------------------------------------------------------------

    def _message(self, params: dict) -> dict:
        now = format_datetime(datetime.now(timezone.utc), usegmt=True)
        sid = "SM" + uuid.uuid4().hex
        service = params.get("MessagingServiceSid")
        message = {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": params.get("Body", ""),
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": params.get("From") if not service else None,
            "messaging_service_sid": service,
            "num_media": "0",
            "num_segments": str(segments(params.get("Body", ""))) if not service else "0",
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "accepted" if service else "queued",
            "subresource_uris": {"media": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}/Media.json"},
            "to": params["To"],
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
        }
        assert set(message) == MESSAGE_FIELDS, set(message) ^ MESSAGE_FIELDS
        return message

    def _list_page(self, query: dict, path: str) -> dict:
        to, sender = query.get("To"), query.get("From")
        size = min(int(query.get("PageSize", 50)), 1000)
        with self._lock:
            found = [
                m for m in reversed(self.messages)
                if (to is None or m["to"] == to) and (sender is None or m["from"] == sender)
            ]
        page = found[:size]
        return {
            "end": max(0, len(page) - 1),
            "first_page_uri": path,
            "next_page_uri": None,
            "page": 0,
            "page_size": size,
            "previous_page_uri": None,
            "start": 0,
            "uri": path,
            "messages": page,
        }

    # The account, its numbers and Messaging Services (what `hotline doctor` reads) ---------

    def _account(self) -> dict:
        now = format_datetime(datetime.now(timezone.utc), usegmt=True)
        return {
            "auth_token": self.auth_token, "date_created": now, "date_updated": now, "friendly_name": "Hotline",
            "owner_account_sid": self.account_sid, "sid": self.account_sid, "status": self.account_status,
            "subresource_uris": {}, "type": self.account_type,
            "uri": f"/2010-04-01/Accounts/{self.account_sid}.json",
        }

    def _number(self, phone: str, fields: dict) -> dict:
        now = format_datetime(datetime.now(timezone.utc), usegmt=True)
        sid = "PN" + uuid.uuid5(uuid.NAMESPACE_URL, phone).hex
        number = {
            "account_sid": self.account_sid, "address_requirements": "none", "address_sid": None,
            "api_version": "2010-04-01", "beta": False, "bundle_sid": None,
            "capabilities": {"fax": False, "mms": True, "sms": True, "voice": True}, "date_created": now,
            "date_updated": now, "emergency_address_sid": None, "emergency_address_status": "unregistered",
            "emergency_status": "Inactive", "friendly_name": phone, "identity_sid": None, "origin": "twilio",
            "phone_number": phone, "sid": sid, "sms_application_sid": "", "sms_fallback_method": "POST",
            "sms_fallback_url": "", "sms_method": "POST", "sms_url": "", "status": "in-use",
            "status_callback": "", "status_callback_method": "POST", "subresource_uris": {}, "trunk_sid": None,
            "type": "local", "uri": f"/2010-04-01/Accounts/{self.account_sid}/IncomingPhoneNumbers/{sid}.json",
            "voice_application_sid": "", "voice_caller_id_lookup": False, "voice_fallback_method": "POST",
            "voice_fallback_url": "", "voice_method": "POST", "voice_receive_mode": "voice", "voice_url": "",
        }
        unknown = set(fields) - set(number)
        assert not unknown, unknown
        return {**number, **fields}

    def _service(self, sid: str, fields: dict) -> dict:
        now = format_datetime(datetime.now(timezone.utc), usegmt=True)
        service = {
            "account_sid": self.account_sid, "area_code_geomatch": True, "date_created": now, "date_updated": now,
            "fallback_method": "POST", "fallback_to_long_code": True, "fallback_url": None,
            "friendly_name": "Hotline", "inbound_method": "POST", "inbound_request_url": None, "links": {},
            "mms_converter": True, "scan_message_content": "inherit", "sid": sid, "smart_encoding": True,
            "status_callback": None, "sticky_sender": True, "synchronous_validation": False,
            "url": f"https://messaging.twilio.com/v1/Services/{sid}", "us_app_to_person_registered": False,
            "use_inbound_webhook_on_number": False, "usecase": "notifications", "validity_period": 14400,
        }
        unknown = set(fields) - set(service)
        assert not unknown, unknown
        return {**service, **fields}

    # Calls ------------------------------------------------------------------------------

    def calls_to(self, number: str) -> list[dict]:
        """Calls Twilio made to this number, oldest first."""
        with self._lock:
            return [c for c in self.calls if c["to"] == number]

    def _call(self, params: dict) -> dict:
        now = format_datetime(datetime.now(timezone.utc), usegmt=True)
        sid = "CA" + uuid.uuid4().hex
        call = {
            "account_sid": self.account_sid, "answered_by": None, "api_version": "2010-04-01",
            "caller_name": None, "date_created": now, "date_updated": now, "direction": "outbound-api",
            "duration": None, "end_time": None, "forwarded_from": None, "from": params["From"],
            "from_formatted": params["From"], "group_sid": None, "parent_call_sid": None,
            "phone_number_sid": "PN" + "0" * 32, "price": None, "price_unit": "USD", "queue_time": "0",
            "sid": sid, "start_time": None, "status": "queued",
            "subresource_uris": {"recordings": f"/2010-04-01/Accounts/{self.account_sid}/Calls/{sid}/Recordings.json"},
            "to": params["To"], "to_formatted": params["To"], "trunk_sid": None,
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Calls/{sid}.json",
        }
        assert set(call) == CALL_FIELDS, set(call) ^ CALL_FIELDS
        return call

    def call_callback(self, sid: str, status: str, duration: int | None = None) -> tuple[str, dict, dict]:
        """Build a call status callback for `sid` as Twilio signs it: (path, form, headers).

        A completed call carries its length in seconds (CallDuration), as Twilio sends it."""
        assert status in CALL_STATUSES, status
        params = self.call_params[sid]
        url = params["StatusCallback"]
        form = {"CallSid": sid, "AccountSid": self.account_sid, "CallStatus": status, "To": params["To"],
                "From": params["From"], "Direction": "outbound-api", "ApiVersion": "2010-04-01"}
        if duration is not None:
            form["CallDuration"] = str(duration)
        signature = RequestValidator(self.auth_token).compute_signature(url, form)
        return urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else ""), form, \
            {"X-Twilio-Signature": signature}

    # Status callbacks -------------------------------------------------------------------

    def callback(self, sid: str, status: str, error_code: int | None = None) -> tuple[str, dict, dict]:
        """Build a status callback for `sid` as Twilio signs it: (path, form, headers)."""
        assert status in MESSAGE_STATUSES, status
        url = self.status_callbacks[sid]
        message = next(m for m in self.messages if m["sid"] == sid)
        form = {
            "MessageSid": sid, "SmsSid": sid, "AccountSid": self.account_sid, "MessageStatus": status,
            "SmsStatus": status, "To": message["to"], "From": message["from"] or "+15550001111",
            "ApiVersion": "2010-04-01",
        }
        if error_code is not None:
            form["ErrorCode"] = str(error_code)
        signature = RequestValidator(self.auth_token).compute_signature(url, form)
        return urlsplit(url).path, form, {"X-Twilio-Signature": signature}

    # HTTP -------------------------------------------------------------------------------

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                pass

            def setup(self):
                super().setup()
                # Headers and body leave as separate writes; without this each answer waits on Nagle.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def _send(self, status: int, payload: dict | None) -> None:
                data = json.dumps(payload).encode() if payload is not None else b""
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting

            def _error(self, status: int, code: int, message: str) -> None:
                self._send(status, {"code": code, "message": message,
                                    "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status})

            def _authorized(self) -> bool:
                expected = base64.b64encode(f"{fake.account_sid}:{fake.auth_token}".encode()).decode()
                if self.headers.get("Authorization") != f"Basic {expected}":
                    self._error(401, 20003, "Authenticate")
                    return False
                return True

            def _messages_path(self, path: str) -> str | None:
                prefix = f"/2010-04-01/Accounts/{fake.account_sid}/Messages"
                return path[len(prefix):] if path.startswith(prefix) else None

            def _calls_path(self, path: str) -> str | None:
                prefix = f"/2010-04-01/Accounts/{fake.account_sid}/Calls"
                return path[len(prefix):] if path.startswith(prefix) else None

            def _create_call(self, params: dict):
                with fake._lock:
                    fake.requests.append((time.time(), params))
                unknown = set(params) - CALL_PARAMS
                if unknown:
                    return self._error(400, 21600, f"unknown parameters {sorted(unknown)}")
                if not params.get("To") or not params.get("From"):
                    return self._error(400, 21201, "To and From are required.")
                if not (params.get("Url") or params.get("Twiml") or params.get("ApplicationSid")):
                    return self._error(400, 21205, "Url, Twiml or ApplicationSid is required.")
                reply = fake._next_reply()
                if reply.drop:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                call = None
                if reply.create:
                    call = fake._call(params)
                    with fake._lock:
                        fake.calls.append(call)
                        fake.call_params[call["sid"]] = params
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.status == 201 and call is not None:
                    return self._send(201, call)
                return self._error(reply.status, reply.code or 20500, "scripted error")

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length).decode()
                if not self._authorized():
                    return
                if self._calls_path(urlsplit(self.path).path) == ".json":
                    return self._create_call({k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()})
                if self._messages_path(urlsplit(self.path).path) != ".json":
                    return self._error(404, 20404, "The requested resource was not found")
                params = {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}
                with fake._lock:
                    fake.requests.append((time.time(), params))
                unknown = set(params) - CREATE_PARAMS
                if unknown:
                    return self._error(400, 21600, f"unknown parameters {sorted(unknown)}")
                if "To" not in params:
                    return self._error(400, 21604, "A 'To' phone number is required.")
                if not (params.get("From") or params.get("MessagingServiceSid")):
                    return self._error(400, 21603, "A 'From' phone number is required.")
                if not (params.get("Body") or params.get("MediaUrl") or params.get("ContentSid")):
                    return self._error(400, 21602, "Message body is required.")
                reply = fake._next_reply()
                if reply.drop:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                message = None
                if reply.create:
                    message = fake._message(params)
                    with fake._lock:
                        fake.messages.append(message)
                        if params.get("StatusCallback"):
                            fake.status_callbacks[message["sid"]] = params["StatusCallback"]
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.status == 201 and message is not None:
                    return self._send(201, message)
                return self._error(reply.status, reply.code or 20500, "scripted error")

            def do_DELETE(self):
                if not self._authorized():
                    return
                prefix = f"/2010-04-01/Accounts/{fake.account_sid}/Recordings/"
                path = urlsplit(self.path).path
                if not (path.startswith(prefix) and path.endswith(".json")):
                    return self._error(404, 20404, "The requested resource was not found")
                sid = path[len(prefix):-len(".json")]
                reply = fake._next_reply()
                if reply.drop:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if reply.status != 201:
                    return self._error(reply.status, reply.code or 20500, "scripted error")
                with fake._lock:
                    if sid not in fake.recordings:
                        return self._error(404, 20404, f"The requested resource {path} was not found")
                    fake.recordings.discard(sid)
                    fake.deleted_recordings.append(sid)
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self):
                if not self._authorized():
                    return
                parts = urlsplit(self.path)
                rest = self._messages_path(parts.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                if parts.path == f"/2010-04-01/Accounts/{fake.account_sid}.json":
                    return self._send(200, fake._account())
                if parts.path == f"/2010-04-01/Accounts/{fake.account_sid}/IncomingPhoneNumbers.json":
                    found = [fake._number(phone, fields) for phone, fields in fake.numbers.items()
                             if query.get("PhoneNumber") in (None, phone)]
                    return self._send(200, {"end": 0, "first_page_uri": self.path, "next_page_uri": None, "page": 0,
                                            "page_size": 50, "previous_page_uri": None, "start": 0,
                                            "uri": self.path, "incoming_phone_numbers": found})
                media = f"/2010-04-01/Accounts/{fake.account_sid}/Recordings/"
                if parts.path.startswith(media) and parts.path.endswith(".mp3"):
                    data = fake.recording_media.get(parts.path[len(media):-len(".mp3")])
                    if data is None:
                        return self._error(404, 20404, "The requested resource was not found")
                    self.send_response(200)
                    self.send_header("Content-Type", "audio/mpeg")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return None
                if parts.path.startswith("/v1/Services/"):
                    sid = parts.path[len("/v1/Services/"):]
                    if sid in fake.services:
                        return self._send(200, fake._service(sid, fake.services[sid]))
                    return self._error(404, 20404, "The requested resource was not found")
                if self._calls_path(parts.path) == ".json":
                    with fake._lock:
                        found = [c for c in reversed(fake.calls) if query.get("To") in (None, c["to"])]
                    size = min(int(query.get("PageSize", 50)), 1000)
                    return self._send(200, {"end": 0, "first_page_uri": self.path, "next_page_uri": None, "page": 0,
                                            "page_size": size, "previous_page_uri": None, "start": 0,
                                            "uri": self.path, "calls": found[:size]})
                if rest == ".json":
                    return self._send(200, fake._list_page(query, self.path))
                if rest and rest.startswith("/") and rest.endswith(".json"):
                    sid = rest[1:-len(".json")]
                    with fake._lock:
                        found = [m for m in fake.messages if m["sid"] == sid]
                    if found:
                        return self._send(200, found[0])
                return self._error(404, 20404, "The requested resource was not found")

        return Handler



def closed_port() -> int:
    """A local port nothing listens on: connecting to it is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

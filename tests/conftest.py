"""Shared fixtures: a migrated database per test (SQLite, or PostgreSQL via TEST_DATABASE_URL)."""
from __future__ import annotations

import hashlib
import itertools
import os
import shutil
import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from twilio.request_validator import RequestValidator

from hotline import create_app
from hotline.config import PROJECT_ROOT, Settings
from hotline.migrate import upgrade

AUTH_TOKEN = "test-auth-token"
PUBLIC_URL = "https://hotline.example.org"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


# Two checkouts testing against the same servers at once must not share databases.
_CHECKOUT = hashlib.sha1(str(PROJECT_ROOT).encode()).hexdigest()[:6]


@pytest.fixture(scope="session")
def database_template(tmp_path_factory, testrun_uid):
    """A migrated database to start every test from."""
    if TEST_DATABASE_URL:
        url = make_url(TEST_DATABASE_URL)
        # Unique per run and worker, so two runs on one server never share a database.
        name = f"hotline_test_{testrun_uid[:8]}_{_worker()}"
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        test_url = url.set(database=name).render_as_string(hide_password=False)
        upgrade(test_url)
        yield test_url
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        upgrade(f"sqlite:///{path}")
        yield path


_EMPTYING: dict[str, object] = {}
# Tables whose triggers refuse DELETE (migrations 0008/0009 and 0017).
APPEND_ONLY = ("audit_log", "fund_entries")


def _empty_all(url: str) -> None:
    """Empty every table and start every id at 1 again, as TRUNCATE ... RESTART IDENTITY would.

    TRUNCATE makes new files for each of the tables and took about a quarter of a second a test;
    deleting the few rows a test leaves takes a few milliseconds. Children go before their parents;
    the append-only tables, which refuse DELETE, are truncated, and only when a test wrote to them.
    """
    from hotline.models import Base

    # (pinged: some tests end every connection to the server, as an outage would)
    engine = _EMPTYING.get(url) or _EMPTYING.setdefault(url, create_engine(url, pool_size=1, pool_pre_ping=True))
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as connection:
        written = [name for name in APPEND_ONLY
                   if connection.execute(text(f'SELECT EXISTS (SELECT 1 FROM "{name}")')).scalar()]
        if written:
            connection.execute(text("TRUNCATE " + ", ".join(f'"{name}"' for name in written) + " CASCADE"))
        connection.exec_driver_sql("; ".join(f'DELETE FROM "{name}"' for name in tables if name not in APPEND_ONLY))
        connection.execute(text(
            "SELECT setval(s.oid, 1, false) FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace "
            "WHERE s.relkind = 'S' AND n.nspname = current_schema()"))


@pytest.fixture
def database_url(database_template, tmp_path) -> str:
    if TEST_DATABASE_URL:
        _empty_all(database_template)
        return database_template
    path = tmp_path / "hotline.db"
    shutil.copy(database_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def settings(database_url, tmp_path) -> Settings:
    return Settings.from_env(
        {
            "database_url": database_url,
            "instance_path": str(tmp_path / "instance"),
            "twilio_auth_token": AUTH_TOKEN,
            "public_url": PUBLIC_URL,
            "locales_dir": str(PROJECT_ROOT / "locales"),
            "hotline_timezone": "America/New_York",
            # Queued work runs when a test drains the queue, never behind its back.
            "queue_threads": 0,
            # Conversations here run in frozen time, dozens of texts and new numbers in one instant:
            # the per-number limits and the surge note have tests of their own (test_guards.py).
            "inbound_per_minute": 0, "inbound_per_hour": 0, "replies_per_hour": 0,
            "surge_first_texts_per_minute": 0,
        },
        environ={},
    )


class TurnClient(FlaskClient):
    """A test client after whose every request a confirmed request's first wave of offers goes out,
    as the embedded queue's threads send it once the webhook has answered (tests run with
    queue_threads=0, so nothing else runs behind their back)."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        run_first_waves(self.application)
        return response


def run_first_waves(app) -> None:
    """Run the `dispatch_start` jobs the last request queued in this process."""
    from hotline.background.queue import InProcessQueue

    hotline = app.extensions.get("hotline")
    if hotline is not None and isinstance(hotline.queue, InProcessQueue):
        hotline.queue.drain(only={"dispatch_start"})


@pytest.fixture(autouse=True)
def first_waves_after_each_request(monkeypatch):
    monkeypatch.setattr(Flask, "test_client_class", TurnClient)


@pytest.fixture
def app(settings):
    app = create_app(settings)
    app.config["TESTING"] = True
    yield app
    app.extensions["hotline"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db(app):
    return app.extensions["hotline"].db


_sids = itertools.count(1)


def sign(url: str, params: dict, token: str = AUTH_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params)


class Phone:
    """A resident's phone texting the hotline through the signed webhook, the way Twilio does."""

    def __init__(self, client, number: str):
        self.client = client
        self.number = number
        self.last_sid: str | None = None
        self.notices: list[str] = []

    def post(self, body: str, sid: str | None = None, **extra):
        sid = sid or f"SM{uuid.uuid4().hex}"
        self.last_sid = sid
        params = {"From": self.number, "To": "+15550001111", "Body": body, "MessageSid": sid,
                  "AccountSid": "AC" + "0" * 32, "NumMedia": "0", **extra}
        signature = sign(f"{PUBLIC_URL}/twilio/sms", params)
        return self.client.post("/twilio/sms", data=params, headers={"X-Twilio-Signature": signature})

    def text(self, body: str, **extra) -> str:
        """Send a text and return the reply's words ('' when the hotline says nothing).

        A second text in the same answer (how long things are kept, once per number) is kept in
        `notices`, so each text's cost is checked on its own.
        """
        response = self.post(body, **extra)
        assert response.status_code == 200, response.data
        assert response.mimetype == "text/xml"
        first, *rest = reply_messages(response.data) or [""]
        self.notices.extend(rest)
        return first


def reply_messages(xml: bytes) -> list[str]:
    import xml.etree.ElementTree as ET

    root = ET.fromstring(xml)
    assert root.tag == "Response"
    return [(m.text or "") for m in root.iter("Message")]


def reply_text(xml: bytes) -> str:
    return "\n".join(reply_messages(xml))


@pytest.fixture
def phone(client):
    return Phone(client, "+15551234567")


@pytest.fixture
def make_phone(client):
    def make(number: str) -> Phone:
        return Phone(client, number)

    return make


# Outbound delivery: Redis (in-memory, or real with TEST_REDIS_URL), a fake Twilio, a harness.

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
ACCOUNT_SID = "AC" + "a1" * 16
HOTLINE_NUMBER = "+15550001111"


def redis_url_for_worker(url: str) -> str:
    """A Redis database of its own for each xdist worker, so tests running at once never meet."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    base = int(parts.path.lstrip("/") or 0)
    index = int(_worker().removeprefix("gw")) if _worker().startswith("gw") else 0
    offset = int(_CHECKOUT, 16) % 7 * 2
    return urlunsplit(parts._replace(path=f"/{(base + 1 + (offset + index) % 15) % 16}"))


@pytest.fixture
def redis_conn():
    if TEST_REDIS_URL:
        import redis

        connection = redis.Redis.from_url(redis_url_for_worker(TEST_REDIS_URL))
        connection.flushdb()
        yield connection
        connection.flushdb()
        connection.close()
    else:
        import fakeredis

        yield fakeredis.FakeStrictRedis(server=fakeredis.FakeServer())


@pytest.fixture
def fake_twilio():
    from .fake_twilio import FakeTwilio

    fake = FakeTwilio(ACCOUNT_SID, AUTH_TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture
def twilio_settings(settings, fake_twilio):
    from dataclasses import replace

    return replace(
        settings,
        twilio_account_sid=ACCOUNT_SID,
        twilio_phone_number=HOTLINE_NUMBER,
        twilio_api_base_url=fake_twilio.base_url,
        twilio_timeout_seconds=0.5,
    )


@pytest.fixture(params=["rq", "inprocess"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def harness(request, backend, twilio_settings, fake_twilio):
    from .harness import Harness

    redis = request.getfixturevalue("redis_conn") if backend == "rq" else None
    with Harness(twilio_settings, fake_twilio, redis=redis) as harness:
        yield harness


@pytest.fixture
def call(client):
    """Start a call from a number: `call("+15551234567")` dials and returns the Call."""
    from .voice_caller import Call

    def dial(number: str = "+15551234567", **options) -> "Call":
        return Call(client, number, **options).dial()

    return dial

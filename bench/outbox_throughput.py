"""Messages per second through the outbox and an RQ worker, beside the raw twilio Client, in one run.

Both talk over HTTP to the fake Twilio REST API from the tests, on 127.0.0.1. Pacing is set far
above any real sender's rate so the numbers measure the pipeline (database, Redis, Twilio
client), not the 1-segment-a-second limit a real long code has.

    .venv/bin/python bench/outbox_throughput.py [--messages 300] [--redis-url redis://127.0.0.1:6379/15]

Without --redis-url it uses an in-memory Redis (fakeredis); DATABASE_URL picks the database
(a temporary SQLite file by default).
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fake_twilio import FakeTwilio  # noqa: E402

from hotline import create_app  # noqa: E402
from hotline.config import Settings  # noqa: E402
from hotline.migrate import upgrade  # noqa: E402
from hotline.outbound.outbox import queue_sms  # noqa: E402
from hotline.background.worker import make_worker  # noqa: E402

ACCOUNT = "AC" + "b2" * 16
TOKEN = "bench-token"
SENDER = "+15550001111"


def recipients(count: int) -> list[str]:
    return [f"+1555{n:07d}" for n in range(count)]


def raw_client(fake: FakeTwilio, count: int) -> float:
    """Messages a second the twilio Client alone sends to the fake."""
    from twilio.rest import Client

    from hotline.outbound.transports import _twilio_http_client

    client = Client(ACCOUNT, TOKEN, http_client=_twilio_http_client(fake.base_url, 10))
    started = time.perf_counter()
    for to in recipients(count):
        client.messages.create(to=to, from_=SENDER, body="Food run near Elm St? Reply 4821 to take it.",
                               status_callback="https://hotline.example.org/twilio/status")
    return count / (time.perf_counter() - started)


def through_worker(settings: Settings, redis, count: int) -> tuple[float, float]:
    """Messages a second queued by queue_sms, and sent by an RQ worker draining them."""
    app = create_app(settings)
    hotline = app.extensions["hotline"]
    hotline.use_redis(redis)
    started = time.perf_counter()
    for to in recipients(count):
        with hotline.db.session() as session:
            queue_sms(session, to, "Food run near Elm St? Reply 4821 to take it.", kind="offer")
    queued = count / (time.perf_counter() - started)
    started = time.perf_counter()
    make_worker(hotline).work(burst=True, with_scheduler=True, logging_level="WARNING")
    sent = count / (time.perf_counter() - started)
    hotline.close()
    return queued, sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--redis-url", default="")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    workdir = tempfile.mkdtemp(prefix="hotline-bench-")
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir}/bench.db"
    upgrade(database_url)
    if args.redis_url:
        import redis

        connection = redis.Redis.from_url(args.redis_url)
        connection.flushdb()
    else:
        import fakeredis

        connection = fakeredis.FakeStrictRedis()

    fake = FakeTwilio(ACCOUNT, TOKEN).start()
    try:
        settings = Settings.from_env({
            "database_url": database_url, "instance_path": workdir, "queue_threads": 0,
            "twilio_account_sid": ACCOUNT, "twilio_auth_token": TOKEN, "twilio_phone_number": SENDER,
            "twilio_api_base_url": fake.base_url, "public_url": "https://hotline.example.org",
        }, environ={})
        settings = replace(settings, sms_rate_per_second=1_000_000.0)
        raw = raw_client(fake, args.messages)
        queued, sent = through_worker(settings, connection, args.messages)
    finally:
        fake.stop()
    backend = "Redis at " + args.redis_url if args.redis_url else "in-memory Redis"
    print(f"{args.messages} messages, {database_url.split(':')[0]} database, {backend}, fake Twilio on 127.0.0.1")
    print(f"raw twilio Client:            {raw:8.1f} messages/s")
    print(f"outbox + RQ worker (sending): {sent:8.1f} messages/s ({sent / raw:.0%} of raw)")
    print(f"queue_sms (one commit each):  {queued:8.1f} messages/s")
    print("a real long code sends about 1 segment/s: SMS_RATE_PER_SECOND, not the pipeline, is the limit")


if __name__ == "__main__":
    main()

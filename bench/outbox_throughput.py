"""Texts per second through the outbox and `hotline worker` processes, beside the raw twilio Client, in one run.

A fake Twilio REST API (the tests' one) runs in a process of its own on 127.0.0.1. The run
measures, in order:

1. raw: the twilio Client alone, `messages.create` in a loop, one after another;
2. 1 worker, then 2 workers: `hotline worker` processes (RQ with its scheduler, as in production)
   sending N texts committed at once, from the commit until every row is recorded as queued;
   with the Redis commands (the commit's kick included) and SQL statements (the workers') per text;
3. pacing: 2 workers at SMS_RATE_PER_SECOND=5, and the busiest sliding second of the times the
   fake Twilio received the texts, against that rate.

Throughput runs set the sending rate far above any real sender's, so they measure the pipeline
(database, Redis, Twilio client), not the 1-segment-a-second limit a real long code has.

    .venv/bin/python bench/outbox_throughput.py --redis-url redis://127.0.0.1:6379/2 \\
        [--messages 1000] [--pacing-messages 60]

DATABASE_URL picks the database (a temporary SQLite file by default); it should be an empty
one: the schema is migrated, and the outbox rows stay. The Redis database is emptied first.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

ACCOUNT = "AC" + "b2" * 16
TOKEN = "bench-token"
SENDER = "+15550001111"
BODY = "Food run near Elm St? Reply 4821 to take it."
PUBLIC_URL = "https://hotline.example.org"
PACING_RATE = 5
# Transaction control is not a statement of the work (PostgreSQL's BEGIN is not even sent alone).
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


# Counting -----------------------------------------------------------------------------------

def count_redis(counts) -> None:
    """Count every Redis command this process sends from now on, pipelined ones one by one."""
    import redis

    for packer in (redis.connection.PythonRespSerializer, redis.connection.HiredisRespSerializer):
        def packed(self, *args, _pack=packer.pack):
            counts["redis"] += 1
            return _pack(self, *args)

        packer.pack = packed


def count_sql(counts) -> None:
    """Count every SQL statement any engine of this process sends from now on (an executemany: each row)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "before_cursor_execute")
    def counted(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split(None, 1)[0].upper() not in CONTROL:
            counts["sql"] += len(parameters) if executemany else 1


class SharedCounts:
    """Counts in shared memory, so that the worker's forked scheduler process adds to them too."""

    NAMES = ("redis", "sql")

    def __init__(self):
        self.values = multiprocessing.RawArray("q", len(self.NAMES))

    def __getitem__(self, name: str) -> int:
        return self.values[self.NAMES.index(name)]

    def __setitem__(self, name: str, value: int) -> None:
        self.values[self.NAMES.index(name)] = value

    def clear(self) -> None:
        for name in self.NAMES:
            self[name] = 0

    def as_dict(self) -> dict[str, int]:
        return {name: self[name] for name in self.NAMES}


# The fake Twilio, in its own process ---------------------------------------------------------

def serve_fake(pipe) -> None:
    """Run the fake Twilio until told to stop; hand over (and forget) what it received when asked."""
    from fake_twilio import FakeTwilio

    fake = FakeTwilio(ACCOUNT, TOKEN).start()
    pipe.send(fake.base_url)
    while True:
        command = pipe.recv()
        if command == "stop":
            fake.stop()
            return
        received = [moment for moment, _ in fake.requests]
        fake.requests.clear()
        pipe.send(received)


class FakeProcess:
    def __init__(self):
        context = multiprocessing.get_context("spawn")
        self.pipe, child = context.Pipe()
        self.process = context.Process(target=serve_fake, args=(child,), daemon=True)
        self.process.start()
        self.base_url = self.pipe.recv()

    def received(self) -> list[float]:
        """When each request since the last call arrived (epoch seconds)."""
        self.pipe.send("received")
        return self.pipe.recv()

    def stop(self) -> None:
        self.pipe.send("stop")
        self.process.join(10)


# The runs -------------------------------------------------------------------------------------

def raw_client(base_url: str, count: int) -> float:
    """Texts a second the twilio Client alone sends to the fake, one after another."""
    from twilio.rest import Client

    from hotline.outbound.transports import _twilio_http_client

    client = Client(ACCOUNT, TOKEN, http_client=_twilio_http_client(base_url, 10))
    client.messages.create(to="+15559999999", from_=SENDER, body=BODY)  # connect once before timing
    started = time.perf_counter()
    for n in range(count):
        client.messages.create(to=f"+1555{n:07d}", from_=SENDER, body=BODY,
                               status_callback=f"{PUBLIC_URL}/twilio/status")
    return count / (time.perf_counter() - started)


def worker_env(database_url: str, redis_url: str, base_url: str, rate: float, stats: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url, "REDIS_URL": redis_url, "TWILIO_ACCOUNT_SID": ACCOUNT,
        "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_PHONE_NUMBER": SENDER, "TWILIO_API_BASE_URL": base_url,
        "PUBLIC_URL": PUBLIC_URL, "SECRET_KEY": "bench-secret-key-bench-secret-key", "SMS_RATE_PER_SECOND": str(rate),
        "BENCH_STATS": stats,
    }


def child_worker() -> None:
    """`hotline worker`, counting its Redis commands and SQL statements between SIGUSR1 and SIGUSR2."""
    counts = SharedCounts()
    count_redis(counts)
    count_sql(counts)
    signal.signal(signal.SIGUSR1, lambda *_: counts.clear())
    signal.signal(signal.SIGUSR2, lambda *_: Path(os.environ["BENCH_STATS"]).write_text(json.dumps(counts.as_dict())))
    from hotline.cli.server import run_worker

    run_worker()


def start_workers(n: int, env: dict[str, str], logdir: str, connection) -> list[subprocess.Popen]:
    from rq import Worker

    workers = []
    for number in range(n):
        log = open(Path(logdir) / f"worker-{len(list(Path(logdir).iterdir()))}.log", "w")
        workers.append(subprocess.Popen(
            [sys.executable, __file__, "--child-worker"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            env={**env, "BENCH_STATS": f"{env['BENCH_STATS']}.{number}"},
        ))
    deadline = time.monotonic() + 60
    while Worker.count(connection=connection) < n:
        if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
            raise SystemExit(f"workers did not start: see {logdir}")
        time.sleep(0.05)
    time.sleep(1.0)  # let each scheduler take its first look
    return workers


def stop_workers(workers: list[subprocess.Popen], connection) -> None:
    from rq import Worker

    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    for stale in Worker.all(connection=connection):
        stale.register_death()


def queue_and_wait(hotline, count: int, prefix: str) -> tuple[float, list[int]]:
    """Commit `count` texts at once; return the seconds until every one is recorded, and their ids."""
    from sqlalchemy import func, select

    from hotline.models import OutboxMessage
    from hotline.outbound.outbox import queue_sms

    session = hotline.db.sessionmaker()
    with session.begin():
        ids = [queue_sms(session, f"+1555{prefix}{n:06d}", BODY, kind="offer").id for n in range(count)]
        first = ids[0]
        # Timed from the commit on: the kick (or the enqueues) after it are part of the pipeline.
        started = time.perf_counter()
    session.close()
    deadline = started + max(120, count)
    while True:
        with hotline.db.session() as session:
            done = session.scalar(select(func.count()).where(
                OutboxMessage.id >= first, OutboxMessage.id <= ids[-1], OutboxMessage.status == "queued"))
        if done == count:
            return time.perf_counter() - started, ids
        if time.perf_counter() > deadline:
            raise SystemExit(f"only {done} of {count} texts were sent")
        time.sleep(0.01)


def through_workers(n: int, hotline, env, logdir, connection, count: int, prefix: str, counts: Counter):
    workers = start_workers(n, env, logdir, connection)
    try:
        for worker in workers:
            worker.send_signal(signal.SIGUSR1)
        time.sleep(0.2)
        counts.clear()
        seconds, ids = queue_and_wait(hotline, count, prefix)
        kicks = counts["redis"]
        for worker in workers:
            worker.send_signal(signal.SIGUSR2)
        time.sleep(0.5)
        redis_commands, sql = kicks, 0
        for number in range(n):
            stats = json.loads(Path(f"{env['BENCH_STATS']}.{number}").read_text())
            redis_commands += stats.get("redis", 0)
            sql += stats.get("sql", 0)
    finally:
        stop_workers(workers, connection)
    return count / seconds, redis_commands / count, sql / count


def busiest_second(moments: list[float]) -> int:
    """The most moments in any one-second window [t, t + 1)."""
    moments = sorted(moments)
    return max((sum(1 for later in moments[i:] if later < start + 1) for i, start in enumerate(moments)), default=0)


def main() -> None:
    if "--child-worker" in sys.argv:
        child_worker()
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--pacing-messages", type=int, default=60)
    parser.add_argument("--redis-url", required=True, help="a real Redis the worker processes can reach")
    args = parser.parse_args()

    import redis

    from hotline import create_app
    from hotline.config import Settings
    from hotline.migrate import upgrade

    workdir = tempfile.mkdtemp(prefix="hotline-bench-")
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir}/bench.db"
    upgrade(database_url)
    connection = redis.Redis.from_url(args.redis_url)
    connection.flushdb()
    counts: Counter = Counter()
    count_redis(counts)

    fake = FakeProcess()
    try:
        raw = raw_client(fake.base_url, args.messages)
        fake.received()
        settings = Settings.from_env({
            "database_url": database_url, "instance_path": workdir, "redis_url": args.redis_url,
            "twilio_account_sid": ACCOUNT, "twilio_auth_token": TOKEN, "twilio_phone_number": SENDER,
            "twilio_api_base_url": fake.base_url, "public_url": PUBLIC_URL,
        }, environ={})
        hotline = create_app(settings).extensions["hotline"]
        stats = f"{workdir}/stats"
        fast = worker_env(database_url, args.redis_url, fake.base_url, 1_000_000, stats)
        results = {}
        for n, prefix in ((1, "2"), (2, "3")):
            results[n] = through_workers(n, hotline, fast, workdir, connection, args.messages, prefix, counts)
            fake.received()
        paced = worker_env(database_url, args.redis_url, fake.base_url, PACING_RATE, stats)
        through_workers(2, hotline, paced, workdir, connection, args.pacing_messages, "4", counts)
        busiest = busiest_second(fake.received())
        hotline.close()
    finally:
        fake.stop()

    print(f"{args.messages} texts, {database_url.split(':')[0]} database, Redis at {args.redis_url}, "
          f"fake Twilio in its own process on 127.0.0.1, {os.cpu_count()} CPUs")
    print(f"raw twilio Client, one after another: {raw:8.1f} texts/s")
    for n, (rate, redis_per, sql_per) in results.items():
        print(f"hotline worker x{n}:                   {rate:8.1f} texts/s ({rate / raw:.2f} of raw); "
              f"per text {redis_per:.1f} Redis commands, {sql_per:.1f} SQL statements")
    print(f"pacing at {PACING_RATE}/s, 2 workers, {args.pacing_messages} texts: busiest sliding second at the "
          f"fake Twilio held {busiest} (configured {PACING_RATE})")


if __name__ == "__main__":
    main()

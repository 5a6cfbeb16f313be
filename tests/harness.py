"""A test harness for outbound delivery: the app, its queue and a clock the test moves."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import time_machine
from sqlalchemy import select

from hotline import create_app
from hotline.models import Contact, OutboxMessage
from hotline.outbound.outbox import queue_sms


class Harness:
    """Run the app on RQ (fakeredis or real Redis) or in-process, with time under the test's control."""

    def __init__(self, settings, fake, *, redis=None, tick: bool = True):
        self.settings = settings
        self.fake = fake
        self.redis = redis
        self.backend = "rq" if redis is not None else "inprocess"
        # Without ticking, time moves only when the test (or a pacing wait) moves it.
        self.tick = tick

    def __enter__(self) -> "Harness":
        self.traveller = time_machine.travel(datetime.now(timezone.utc), tick=self.tick)
        self.clock = self.traveller.start()
        self.app = create_app(self.settings)
        self.app.config["TESTING"] = True
        self.hotline = self.app.extensions["hotline"]
        if self.redis is not None:
            self.hotline.use_redis(self.redis)
        # Pacing waits move the test's clock instead of sleeping.
        self.hotline.sleep = self.clock.shift
        self.db = self.hotline.db
        self.client = self.app.test_client()
        return self

    def __exit__(self, *exc) -> None:
        self.hotline.close()
        self.traveller.stop()

    # Time and jobs ----------------------------------------------------------------------

    def later(self, seconds: float) -> int:
        """Move the clock on and run whatever fell due."""
        self.clock.shift(seconds)
        return self.run_jobs()

    def run_jobs(self, rounds: int = 200) -> int:
        """Run due jobs (and the jobs they enqueue that are due) until none are left."""
        if self.redis is None:
            return self.hotline.queue.drain()
        from hotline.background.worker import make_worker

        ran = 0
        for _ in range(rounds):
            worker = make_worker(self.hotline)
            if not worker.work(burst=True, with_scheduler=True, logging_level="WARNING"):
                break
            ran += worker.successful_job_count + worker.failed_job_count
        return ran

    def next_due(self) -> float | None:
        """When the next scheduled job falls due (epoch seconds), if any is waiting."""
        if self.redis is None:
            pending = self.hotline.queue.pending()
            return pending[0][0].timestamp() if pending else None
        registry = self.hotline.queue.rq.scheduled_job_registry
        first = self.redis.zrange(registry.key, 0, 0, withscores=True)
        return first[0][1] if first else None

    def settle(self, seconds: float = 3600) -> None:
        """Let up to `seconds` pass, jumping from one due job to the next and running it."""
        import time

        end = time.time() + seconds
        self.run_jobs()
        while (due := self.next_due()) is not None and due <= end:
            if due > time.time():
                self.clock.shift(due - time.time() + 0.01)
            self.run_jobs()
        if time.time() < end:
            self.clock.shift(end - time.time())
            self.run_jobs()

    def sweep(self) -> None:
        from hotline.background.queue import enqueue

        enqueue("sweep_outbox")
        self.run_jobs()

    # Data -------------------------------------------------------------------------------

    def queue(self, to, body: str = "Can you take a food run near Elm St?", **options) -> int:
        """Queue an SMS in a transaction of its own; return the row id."""
        options.setdefault("kind", "offer")
        with self.db.session() as session:
            return queue_sms(session, to, body, **options).id

    def row(self, outbox_id: int) -> OutboxMessage:
        with self.db.session() as session:
            return session.get(OutboxMessage, outbox_id)

    def rows(self) -> list[OutboxMessage]:
        with self.db.session() as session:
            return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))

    def contact(self, phone: str) -> Contact | None:
        with self.db.session() as session:
            return session.scalars(select(Contact).where(Contact.phone == phone)).first()

    def make_contact(self, phone: str, **values) -> None:
        with self.db.session() as session:
            session.add(Contact(phone=phone, **values))

    def callback(self, sid: str, status: str, error_code: int | None = None):
        """Post a status callback for `sid` as Twilio signs it."""
        path, form, headers = self.fake.callback(sid, status, error_code)
        return self.client.post(path, data=form, headers=headers)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)

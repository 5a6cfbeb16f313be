"""`hotline chat`: a terminal conversation with the hotline, as if texting from a phone.

By default it talks to a sandbox: a throwaway SQLite database with the configured settings
(languages, area, time zone...) and a few demo volunteers, no Redis, nothing sent to anyone.
Only with `--live-database` does it talk to the configured database, and then it never sends:
what the hotline queues for other numbers is shown here and left for the hotline's own sending.
"""
from __future__ import annotations

import re
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable, TextIO
from zoneinfo import ZoneInfo

import click
from sqlalchemy import select

from .. import clock, wiring
from ..config import Settings
from ..db import Database
from ..inbound import handle_message
from ..jobs import periodic, run
from ..models import OutboxMessage
from ..phones import mask, normalize
from ..sandbox import demo
from ..sandbox.demo import DEMO_VOLUNTEERS
from ..services import Hotline, install
from .common import database
from .common import settings as read_settings

LIVE_WARNING = ("WARNING: --live-database: this chat files real requests in {where} and real volunteers "
                "get its offers (the running hotline sends them; nothing is sent from here).")


@click.command()
@click.argument("phone")
@click.option("--live-database", is_flag=True,
              help="Talk to the configured DATABASE_URL instead of a throwaway sandbox (real requests, real offers).")
def chat(phone: str, live_database: bool) -> None:
    """Talk to the hotline in this terminal as PHONE, through the same engine, without Twilio.

    A sandbox by default: a throwaway database with demo volunteers, gone when you leave.
    """
    settings = read_settings()
    if live_database:
        click.echo(LIVE_WARNING.format(where=settings.database_url.split("@")[-1]), err=True)
    ChatSession(settings, phone, live=live_database).loop(sys.stdin, click.echo)


class Watching:
    """A job queue that notes the outbox rows given to it for sending, then passes every job on."""

    def __init__(self, queue: Any):
        self.queue = queue
        self.outbox_ids: list[int] = []

    def _note(self, job_name: str, args: tuple) -> None:
        if job_name == "deliver" and args and isinstance(args[0], int) and args[0] not in self.outbox_ids:
            self.outbox_ids.append(args[0])

    def enqueue(self, job_name: str, *args: Any, job_id: str | None = None) -> None:
        self._note(job_name, args)
        self.queue.enqueue(job_name, *args, job_id=job_id)

    def enqueue_at(self, when, job_name: str, *args: Any, job_id: str | None = None) -> None:
        self._note(job_name, args)
        self.queue.enqueue_at(when, job_name, *args, job_id=job_id)

    def enqueue_in(self, delay, job_name: str, *args: Any, job_id: str | None = None) -> None:
        self._note(job_name, args)
        self.queue.enqueue_in(delay, job_name, *args, job_id=job_id)

    def close(self) -> None:
        self.queue.close()


class ChatSession:
    """Send lines as SMS from one number; show the hotline's replies and what it sent to others."""

    def __init__(self, settings: Settings, phone: str, *, live: bool = False):
        self.live = live
        self.phone = normalize(phone, settings.default_region) or phone
        self._folder: tempfile.TemporaryDirectory | None = None
        if live:
            self.hotline = self._live(settings)
        else:
            self.hotline = self._sandbox(settings)
        self.settings = self.hotline.settings
        self.db = self.hotline.db
        wiring.connect(self.hotline)
        install(self.hotline)
        self._shown = 0

    def _sandbox(self, settings: Settings) -> Hotline:
        self._folder = tempfile.TemporaryDirectory(prefix="hotline-chat-")
        settings = demo.create(settings, Path(self._folder.name))
        # Messages to other numbers go to the console and are shown here; the database is thrown away.
        hotline = demo.services(settings, Database(settings.database_url))
        self.transport, self.queue = hotline.transport, hotline.queue
        return hotline

    def _live(self, settings: Settings) -> Hotline:
        # The configured database, refused unless its schema is current: only `hotline run` and
        # `hotline db upgrade` migrate. Jobs go where the hotline's own go (Redis, or nowhere until
        # the running `hotline run` sweeps), so what is queued for others is sent by the hotline, once.
        hotline = wiring.build(settings, database(settings), start=False)
        self.queue = Watching(hotline.queue)
        hotline.queue = self.queue
        self.transport = None
        return hotline

    def send(self, text: str) -> str | None:
        outcome = handle_message(self.db, self.settings, self.phone, text, channel="sms")
        if outcome.notice or outcome.question:
            # Two or three texts on the phone: the reply, the question apart, the note on what is kept.
            return "\n\n".join(part for part in (outcome.text, outcome.question, outcome.notice) if part) or None
        return outcome.text

    def others(self) -> list[str]:
        """What went to other numbers since last asked, as lines (in the sandbox, after running the due work)."""
        if self.live:
            return self._queued_for_others()
        self.queue.drain()
        lines = []
        for message in self.transport.take_new():
            lines.extend(_shown(f"to {mask(message.to)}: ", message.body))
        return lines

    def _queued_for_others(self) -> list[str]:
        ids = self.queue.outbox_ids[self._shown:]
        self._shown += len(ids)
        if not ids:
            return []
        with self.db.session() as session:
            rows = session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))
                                   .order_by(OutboxMessage.id)).all()
            return [line for row in rows if row.to
                    for line in _shown(f"queued for {mask(row.to)} ({row.status}): ", row.body)]

    def greeting(self) -> list[str]:
        lines = [f"Texting the hotline as {self.phone}. Type /help for more, /quit to leave."]
        if self.live:
            return lines
        demo = ", ".join(f"{name} {phone}" for name, phone in DEMO_VOLUNTEERS)
        return [*lines, "A sandbox: a throwaway database, gone when you leave; nothing reaches a phone.",
                f"Demo volunteers (answer as one with /as NUMBER): {demo}"]

    def loop(self, stream: TextIO, echo: Callable[..., None]) -> None:
        """Read lines from `stream` until it ends or says /quit; `echo` is click.echo-like."""
        for line in self.greeting():
            echo(line)
        interactive = stream.isatty()
        try:
            while True:
                if interactive:
                    echo("> ", nl=False)
                line = stream.readline()
                if not line or line.strip() == "/quit":
                    break
                text = line.rstrip("\n")
                if not interactive:
                    echo(f"> {text}")
                if text.startswith("/"):
                    for row in self.command(text):
                        echo(row)
                    continue
                reply = self.send(text)
                for row in (reply or "(no reply)").splitlines():
                    echo(f"< {row}")
                for row in self.others():
                    echo(row)
        finally:
            self.close()

    def command(self, text: str) -> list[str]:
        """Run a chat command: /as NUMBER, /wait DURATION, /help."""
        name, _, argument = text.strip().partition(" ")
        argument = argument.strip()
        if name == "/as":
            phone = normalize(argument, self.settings.default_region)
            if phone is None:
                return [f"! {argument!r} is not a phone number"]
            self.phone = phone
            return [f"(now texting as {mask(phone)})"]
        if name == "/wait":
            if self.live:
                # Moving the clock and running the sweeps would remind, expire and time out real people's requests.
                return ["! /wait lets time pass in the sandbox only (leave out --live-database)"]
            delta = parse_duration(argument)
            if delta is None:
                return ["! say how long, like /wait 30m, /wait 2h or /wait 1d"]
            self.travel(delta)
            local = clock.now().astimezone(ZoneInfo(self.settings.hotline_timezone))
            return [f"(it is now {local:%a %d %b %H:%M} in {self.settings.hotline_timezone})", *self.others()]
        return [
            "/as NUMBER     text as another number (a volunteer, a driver)",
            "/wait 2h       let time pass (30m, 2h, 1d): reminders and waves that fall due are sent",
            "/quit          leave",
        ]

    def travel(self, delta: timedelta) -> None:
        """Move the hotline's clock forward, then run the periodic sweeps as the worker would."""
        clock.advance(delta)
        for job_name in periodic(self.settings):
            run(job_name)

    def close(self) -> None:
        clock.reset()
        self.hotline.close()
        if self._folder is not None:
            self._folder.cleanup()


def _shown(prefix: str, body: str) -> list[str]:
    first, *rest = body.splitlines() or [""]
    return [f"{prefix}{first}", *(f"    {row}" for row in rest)]


def parse_duration(text: str) -> timedelta | None:
    """Read "30m", "2h", "1d" or "1d 2h" as a duration."""
    units = {"m": "minutes", "h": "hours", "d": "days"}
    parts = re.findall(r"(\d+)\s*([mhd])", text.lower())
    if not parts or re.sub(r"[\d\smhd]", "", text.lower()):
        return None
    return timedelta(**{units[u]: sum(int(n) for n, unit in parts if unit == u) for u in {u for _, u in parts}})

"""`hotline chat`: a terminal conversation with the hotline, as if texting from a phone."""
from __future__ import annotations

import re
import sys
from datetime import timedelta
from typing import Callable, TextIO
from zoneinfo import ZoneInfo

import click

from .. import clock, wiring
from ..background.queue import InProcessQueue
from ..config import Settings
from ..db import Database
from ..inbound import handle_message
from ..jobs import periodic, run
from ..migrate import upgrade
from ..outbound.pacing import MemoryPacer
from ..outbound.transports import ConsoleTransport
from ..phones import mask, normalize
from ..services import Hotline, install
from .common import settings as read_settings


@click.command()
@click.argument("phone")
def chat(phone: str) -> None:
    """Talk to the hotline in this terminal as PHONE, through the same engine, without Twilio."""
    ChatSession(read_settings(), phone).loop(sys.stdin, click.echo)


class ChatSession:
    """Send lines as SMS from one number; show the hotline's replies and what it sent to others."""

    def __init__(self, settings: Settings, phone: str):
        self.settings = settings
        self.phone = normalize(phone, settings.default_region) or phone
        upgrade(settings.database_url)
        self.db = Database(settings.database_url)
        # Messages to other numbers go to the console and are shown here, never sent.
        self.transport = ConsoleTransport()
        self.queue = InProcessQueue(threads=0)
        self.hotline = Hotline(settings=settings, db=self.db, queue=self.queue,
                               transport=self.transport, pacer=MemoryPacer())
        wiring.connect(self.hotline)
        install(self.hotline)

    def send(self, text: str) -> str | None:
        outcome = handle_message(self.db, self.settings, self.phone, text, channel="sms")
        if outcome.notice:
            # Two texts on the phone: the reply, then the note on what is kept.
            return f"{outcome.text or ''}\n\n{outcome.notice}".strip()
        return outcome.text

    def others(self) -> list[str]:
        """Run the queued work that is due and return what went to other numbers, as lines."""
        self.queue.drain()
        lines = []
        for message in self.transport.take_new():
            first, *rest = message.body.splitlines() or [""]
            lines.append(f"to {mask(message.to)}: {first}")
            lines.extend(f"    {row}" for row in rest)
        return lines

    def loop(self, stream: TextIO, echo: Callable[..., None]) -> None:
        """Read lines from `stream` until it ends or says /quit; `echo` is click.echo-like."""
        echo(f"Texting the hotline as {self.phone}. Type /help for more, /quit to leave.")
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


def parse_duration(text: str) -> timedelta | None:
    """Read "30m", "2h", "1d" or "1d 2h" as a duration."""
    units = {"m": "minutes", "h": "hours", "d": "days"}
    parts = re.findall(r"(\d+)\s*([mhd])", text.lower())
    if not parts or re.sub(r"[\d\smhd]", "", text.lower()):
        return None
    return timedelta(**{units[u]: sum(int(n) for n, unit in parts if unit == u) for u in {u for _, u in parts}})

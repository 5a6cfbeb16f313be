"""A terminal conversation with the hotline, as if texting from a phone."""
from __future__ import annotations

from typing import Callable, TextIO

from .config import Settings
from .db import Database
from .inbound import handle_message
from .migrate import upgrade
from .pacing import MemoryPacer
from .phones import mask, normalize
from .queue import InProcessQueue
from .services import Hotline, install
from .transports import ConsoleTransport


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
        install(self.hotline)

    def send(self, text: str) -> str | None:
        return handle_message(self.db, self.settings, self.phone, text, channel="sms").text

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
        echo(f"Texting the hotline as {self.phone}. Type /quit to leave.")
        interactive = stream.isatty()
        while True:
            if interactive:
                echo("> ", nl=False)
            line = stream.readline()
            if not line or line.strip() == "/quit":
                break
            text = line.rstrip("\n")
            if not interactive:
                echo(f"> {text}")
            reply = self.send(text)
            for row in (reply or "(no reply)").splitlines():
                echo(f"< {row}")
            for row in self.others():
                echo(row)

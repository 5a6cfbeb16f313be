"""A terminal conversation with the hotline, as if texting from a phone."""
from __future__ import annotations

from typing import Callable, TextIO

from .config import Settings
from .db import Database
from .inbound import handle_message
from .migrate import upgrade
from .phones import normalize


class ChatSession:
    """Send lines as SMS from one number and show the hotline's replies."""

    def __init__(self, settings: Settings, phone: str):
        self.settings = settings
        self.phone = normalize(phone, settings.default_region) or phone
        upgrade(settings.database_url)
        self.db = Database(settings.database_url)

    def send(self, text: str) -> str | None:
        return handle_message(self.db, self.settings, self.phone, text, channel="sms").text

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

"""What floods, loops and abuse cost in SMS segments, with the guards on and off, in one run.

Starts `hotline run` twice on temporary SQLite databases (no Twilio account: the console
transport, so nothing leaves this machine) — once with the guards as shipped, once with every
guard at 0 — and replays the same four scenarios against each over HTTP:

- flood: one number sends 500 texts within a minute;
- bot loop: a phone's driving-mode auto-reply answers every reply, for up to 200 rounds;
- volunteer loop: a volunteer's business-line auto-reply answers an offer and every reply after it;
- many numbers: 1,000 numbers text once each.

Segments billed are the replies' segments (each <Message> in the TwiML) plus the segments of every
message the hotline queued to send (outbox rows), counted as Twilio would count them.

    .venv/bin/python bench/abuse.py [--flood 500] [--rounds 200] [--numbers 1000] [--port 5077]
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hotline.sms import count_segments  # noqa: E402

HOTLINE = str(Path(sys.executable).parent / "hotline")
DRIVING = ("I'm driving with Do Not Disturb While Driving turned on. I'll see your message when I get "
           "where I'm going.")
BUSINESS = "Thanks for your message! This line is not monitored. Call 555-0100 for the office. Ref {n}"
GUARDS_OFF = {"INBOUND_PER_MINUTE": "0", "INBOUND_PER_HOUR": "0", "REPLIES_PER_HOUR": "0", "LOOP_ROUNDS": "0",
              "SURGE_FIRST_TEXTS_PER_MINUTE": "0"}


def daytime_zone() -> str:
    """A zone where it is early afternoon now, so offers are not held for volunteers' quiet hours."""
    offset = (13 - datetime.now(timezone.utc).hour + 12) % 24 - 12
    return f"Etc/GMT{-offset:+d}" if offset else "UTC"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`hotline run` on a fresh SQLite database, with the given settings."""

    def __init__(self, env: dict[str, str], port: int):
        self.dir = tempfile.TemporaryDirectory(prefix="hotline-abuse-")
        self.url = f"sqlite:///{self.dir.name}/hotline.db"
        self.port = port
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "REDIS_"))},
                    "DATABASE_URL": self.url, "INSTANCE_PATH": self.dir.name, "SECRET_KEY": "bench",
                    "HOTLINE_TIMEZONE": daytime_zone(), "QUEUE_THREADS": "2", **env}
        self.base = f"http://127.0.0.1:{port}"

    def __enter__(self) -> "Server":
        self.log = open(Path(self.dir.name) / "server.log", "wb")
        self.process = subprocess.Popen([HOTLINE, "run", "--port", str(self.port)], env=self.env,
                                        stdout=self.log, stderr=subprocess.STDOUT, cwd=self.dir.name)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"{self.base}/healthz", timeout=1)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        else:
            raise SystemExit(f"hotline run did not start; see {self.log.name}")
        self.engine = create_engine(self.url)
        return self

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.engine.dispose()
        self.log.close()
        self.dir.cleanup()

    def cli(self, *args: str) -> None:
        subprocess.run([HOTLINE, *args], env=self.env, cwd=self.dir.name, check=True, capture_output=True)

    def text(self, sender: str, body: str) -> list[str]:
        """Text the hotline as `sender`; return the messages of its answer."""
        data = urllib.parse.urlencode({"From": sender, "To": "+15550001111", "Body": body,
                                       "MessageSid": f"SM{time.time_ns():x}{sender[-4:]}"}).encode()
        with urllib.request.urlopen(f"{self.base}/twilio/sms", data=data, timeout=30) as response:
            root = ET.fromstring(response.read())
        return [m.text or "" for m in root.iter("Message")]

    def outbox_mark(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(text("SELECT coalesce(max(id), 0) FROM outbox")).scalar()

    def outbox_since(self, mark: int, to: str | None = None) -> list[str]:
        query = "SELECT o.body FROM outbox o JOIN contacts c ON c.id = o.contact_id WHERE o.id > :mark"
        if to:
            query += " AND c.phone = :to"
        with self.engine.connect() as connection:
            return [row[0] for row in connection.execute(text(query), {"mark": mark, "to": to})]


def segments(messages: list[str]) -> int:
    return sum(count_segments(m).segments for m in messages if m)


def flood(server: Server, count: int) -> int:
    bodies = ["hi", "help", "food", "1", "2", "hello?", "anyone there", "3"]
    return sum(segments(server.text("+15550100001", bodies[i % len(bodies)])) for i in range(count))


def bot_loop(server: Server, rounds: int) -> int:
    billed = 0
    for _ in range(rounds):
        replies = server.text("+15550100002", DRIVING)
        billed += segments(replies)
        if not replies:
            break  # an auto-responder answers replies only: no reply, no next round
    return billed


def volunteer_loop(server: Server, rounds: int) -> int:
    volunteer, resident = "+15550100003", "+15550100004"
    server.cli("volunteers", "add", volunteer, "--name", "Ana", "--skills", "food", "--areas", "02139", "--active")
    mark = server.outbox_mark()
    for words in ("English", "1", "rice and beans for three", "Elm Street 02139", "1"):
        server.text(resident, words)
    deadline = time.time() + 20
    while not server.outbox_since(mark, volunteer) and time.time() < deadline:
        time.sleep(0.2)
    if not server.outbox_since(mark, volunteer):
        raise SystemExit("no offer reached the volunteer")
    billed = 0
    for n in range(rounds):
        replies = server.text(volunteer, BUSINESS.format(n=4000 + n))
        billed += segments(replies)
        if not replies:
            break
    time.sleep(1)  # the queue sends what the loop queued
    return billed + segments(server.outbox_since(mark, volunteer))


def many_numbers(server: Server, count: int) -> int:
    return sum(segments(server.text(f"+1555020{n:04d}", "hi")) for n in range(count))


def run(env: dict[str, str], args) -> dict[str, int]:
    with Server(env, args.port) as server:
        results = {
            "flood": flood(server, args.flood),
            "bot loop": bot_loop(server, args.rounds),
            "volunteer loop": volunteer_loop(server, args.rounds),
        }
        before = server.outbox_mark()
        results["many numbers"] = many_numbers(server, args.numbers) + segments(server.outbox_since(before))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flood", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--numbers", type=int, default=1000)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    args.port = args.port or free_port()
    started = time.perf_counter()
    off = run(GUARDS_OFF, args)
    on = run({}, args)
    print(f"segments billed (replies + queued messages), guards off vs on, in {time.perf_counter() - started:.0f} s")
    print(f"{'scenario':<20}{'off':>8}{'on':>8}{'on/off':>9}")
    for name in off:
        ratio = f"{on[name] / off[name]:.3f}" if off[name] else "-"
        print(f"{name:<20}{off[name]:>8}{on[name]:>8}{ratio:>9}")


if __name__ == "__main__":
    main()

"""The console's practice phone (`/try`): one sandbox per signed-in person, on disk, shared by processes.

Each sandbox is a folder in the system's temporary folder: a SQLite database made by `demo.create`
(demo volunteers who never sleep), and a small JSON file of what each made-up phone sent and
received. Its name is a digest of an unguessable token kept in the person's signed session, and
the file names the account it belongs to. Every operation runs with the folder locked (between
threads and between processes), on the sandbox's own services scoped to that thread: its database,
a queue drained before the answer, a transport that only keeps messages. A sandbox idle for
IDLE_MINUTES is removed; no more than LIMIT exist at once.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import select

from .. import logs
from ..config import Settings
from ..db import Database
from ..inbound import handle_message
from ..models import Contact
from ..outbound.outbox import find_or_create_contact
from ..services import Hotline, scoped
from ..voice.calls import HANDLERS, CallInput, Position, handle_call
from . import demo, spoken

# A made-up resident: 555-01xx numbers are fictional, like the demo volunteers'.
RESIDENT = "+15550100010"
IDLE_MINUTES = 30
LIMIT = 20
# What a phone's thread keeps: the most recent entries.
MAX_ENTRIES = 400
STATE_FILE = "phones.json"
LOCK_FILE = "lock"
# Longest keys and words taken on a call, like the voice webhook's.
MAX_KEYS = 32
MAX_WORDS = 1000
KEYS_ALLOWED = frozenset("0123456789*#")


class Busy(Exception):
    """As many practice sandboxes as allowed are in use."""


@dataclass(frozen=True)
class Phone:
    """A made-up phone on the practice screen."""

    key: str
    number: str
    name: str = ""  # a demo volunteer's first name; empty for the resident

    @property
    def volunteer(self) -> bool:
        return bool(self.name)


PHONES: dict[str, Phone] = {"resident": Phone("resident", RESIDENT),
                            **{name.lower(): Phone(name.lower(), number, name) for name, number in demo.DEMO_VOLUNTEERS}}
BY_NUMBER = {phone.number: phone for phone in PHONES.values()}

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def root_for(settings: Settings) -> Path:
    """The folder of this install's sandboxes (two installs on one machine never share one)."""
    digest = hashlib.sha256(str(Path(settings.instance_path).resolve()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"hotline-practice-{digest}"


def new_token() -> str:
    return uuid.uuid4().hex + uuid.uuid4().hex


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold `path`'s lock: one thread of this process, and one process, at a time."""
    with _locks_guard:
        lock = _locks.setdefault(str(path), threading.Lock())
    with lock:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open(path, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


class Practice:
    """This install's practice sandboxes."""

    def __init__(self, settings: Settings, root: Path | None = None, *, idle_minutes: int = IDLE_MINUTES,
                 limit: int = LIMIT):
        self.settings = settings
        self.root = root or root_for(settings)
        self.idle_seconds = idle_minutes * 60
        self.limit = limit

    def _folder(self, token: str) -> Path:
        return self.root / hashlib.sha256(token.encode()).hexdigest()[:40]

    def find(self, token: str | None, owner: int) -> Sandbox | None:
        """Return the sandbox of this token, if it is there, this account's, and not expired."""
        if not token:
            return None
        folder = self._folder(token)
        state = folder / STATE_FILE
        try:
            if time.time() - state.stat().st_mtime > self.idle_seconds:
                return None
            if json.loads(state.read_text(encoding="utf-8")).get("owner") != owner:
                return None
        except (OSError, ValueError):
            return None
        return Sandbox(folder, self.settings)

    def open(self, token: str, owner: int) -> Sandbox:
        """Return this token's sandbox, making it (and clearing expired ones) when there is none."""
        found = self.find(token, owner)
        if found is not None:
            return found
        with _locked(self.root / LOCK_FILE):
            found = self.find(token, owner)
            if found is not None:
                return found
            self.sweep()
            if len(self.folders()) >= self.limit:
                raise Busy()
            folder = self._folder(token)
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(mode=0o700)
            try:
                demo.create(self.settings, folder, awake=True)
                write_state(folder, {"owner": owner, "entries": [], "calls": {}})
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
        return Sandbox(folder, self.settings)

    def remove(self, token: str | None) -> None:
        """Throw a sandbox away (a reset, or a sign-out)."""
        if token:
            folder = self._folder(token)
            with _locked(folder / LOCK_FILE):
                shutil.rmtree(folder, ignore_errors=True)

    def folders(self) -> list[Path]:
        try:
            return [path for path in self.root.iterdir() if path.is_dir()]
        except FileNotFoundError:
            return []

    def sweep(self) -> int:
        """Remove the sandboxes idle too long; return how many went."""
        removed = 0
        for folder in self.folders():
            try:
                idle = time.time() - (folder / STATE_FILE).stat().st_mtime
            except OSError:
                # One being made right now has no state yet: left alone unless it is old.
                idle = time.time() - folder.stat().st_mtime
            if idle > self.idle_seconds:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        return removed


def read_state(folder: Path) -> dict[str, Any]:
    return json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))


def write_state(folder: Path, state: dict[str, Any]) -> None:
    state["entries"] = state["entries"][-MAX_ENTRIES:]
    temporary = folder / f"{STATE_FILE}.new"
    temporary.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, folder / STATE_FILE)


class Sandbox:
    """One person's sandbox: its made-up phones text and call the hotline, and see what they receive."""

    def __init__(self, folder: Path, live: Settings):
        self.folder = folder
        self.settings = demo.sandbox_settings(live, demo.database_url(folder), folder)

    @contextmanager
    def _running(self) -> Iterator[tuple[Hotline, dict[str, Any]]]:
        """Lock the sandbox and run on its services; then run the queued work and note what phones got."""
        with _locked(self.folder / LOCK_FILE), logs.hushed():
            state = read_state(self.folder)
            hotline = demo.services(self.settings, Database(self.settings.database_url), quiet=True)
            try:
                with scoped(hotline):
                    yield hotline, state
                    hotline.queue.drain()
                for message in hotline.transport.sent:
                    phone = BY_NUMBER.get(message.to)
                    if phone is None:
                        continue  # a coordinator's number from the settings: not a phone on this screen
                    if message.sid.startswith("CA"):
                        state["entries"].append(_entry(phone, "in", "placed", message.body.removeprefix("(call) ")))
                    else:
                        state["entries"].append(_entry(phone, "in", "text", message.body))
                write_state(self.folder, state)
            finally:
                hotline.close()

    def touch(self) -> None:
        """Keep the sandbox from expiring while its page is open."""
        try:
            os.utime(self.folder / STATE_FILE)
        except OSError:
            pass

    def entries(self, phone: Phone) -> list[dict[str, Any]]:
        """What this phone sent and received, oldest first."""
        with _locked(self.folder / LOCK_FILE):
            state = read_state(self.folder)
        return [entry for entry in state["entries"] if entry["phone"] == phone.key]

    def call_of(self, phone: Phone) -> dict[str, Any] | None:
        with _locked(self.folder / LOCK_FILE):
            return read_state(self.folder)["calls"].get(phone.key)

    def language_of(self, phone: Phone) -> str | None:
        """The language the hotline speaks to this phone, once known."""
        with self._database() as db, db.session(read_only=True) as session:
            return session.scalar(select(Contact.language).where(Contact.phone == phone.number))

    @contextmanager
    def _database(self) -> Iterator[Database]:
        db = Database(self.settings.database_url)
        try:
            yield db
        finally:
            db.dispose()

    # -- texts ------------------------------------------------------------------------------

    def text(self, phone: Phone, body: str) -> None:
        """Text the hotline from `phone`, as Twilio would hand it the text."""
        with self._running() as (hotline, state):
            outcome = handle_message(hotline.db, hotline.settings, phone.number, body,
                                     message_sid="SM" + uuid.uuid4().hex)
            state["entries"].append(_entry(phone, "out", "text", body))
            for reply in (outcome.text, outcome.question, outcome.notice):
                if reply:
                    state["entries"].append(_entry(phone, "in", "text", reply))

    def choose_language(self, phone: Phone, code: str) -> None:
        """Have the hotline know `phone` reads `code`, as if they had chosen it."""
        with self._running() as (hotline, _state), hotline.db.session() as session:
            contact = find_or_create_contact(session, phone.number)
            contact.language, contact.language_source = code, "chosen"

    # -- calls ------------------------------------------------------------------------------

    def call(self, phone: Phone) -> None:
        """Call the hotline from `phone`: its first words, and what it waits for."""
        with self._running() as (hotline, state):
            sid = "CA" + uuid.uuid4().hex
            state["entries"].append(_entry(phone, "out", "dial", ""))
            self._step(hotline, state, phone, sid, "start", CallInput(call_sid=sid, caller=phone.number), Position())

    def answer(self, phone: Phone, *, keys: str = "", words: str = "") -> bool:
        """Answer the call's question with keys or words (nothing at all is a silence); tell whether a call was on."""
        with self._running() as (hotline, state):
            call = state["calls"].get(phone.key)
            if call is None:
                return False
            sid = call["sid"]
            said = CallInput(call_sid=sid, caller=phone.number)
            url = call["answer_url"]
            if keys:
                # Twilio never passes on the key that ends the keys (#): "#" alone is an empty answer.
                said = CallInput(call_sid=sid, caller=phone.number, digits=keys.rstrip("#"))
                state["entries"].append(_entry(phone, "out", "keys", keys))
            elif words and call["waits_for"] == spoken.RECORDING:
                recording = "RE" + uuid.uuid4().hex
                said = CallInput(call_sid=sid, caller=phone.number,
                                 recording_url=f"https://practice.invalid/recordings/{recording}",
                                 recording_sid=recording, recording_duration=max(1, len(words) // 12))
                state["entries"].append(_entry(phone, "out", "words", words))
            elif words and call["waits_for"] == spoken.KEYS_OR_WORDS:
                said = CallInput(call_sid=sid, caller=phone.number, speech=words)
                state["entries"].append(_entry(phone, "out", "words", words))
            else:
                url = call["silence_url"] or url
                state["entries"].append(_entry(phone, "out", "silence", ""))
            if not url:
                state["calls"].pop(phone.key, None)
                return True
            action, query = spoken.step_of(url)
            position = Position(turn=_number(query.get("t")), version=_number(query.get("v"), None),
                                silence=_number(query.get("silence")), again=bool(_number(query.get("again"))))
            self._step(hotline, state, phone, sid, action, said, position)
            return True

    def hang_up(self, phone: Phone) -> None:
        with self._running() as (_hotline, state):
            if state["calls"].pop(phone.key, None) is not None:
                state["entries"].append(_entry(phone, "out", "hangup", ""))

    def _step(self, hotline: Hotline, state: dict[str, Any], phone: Phone, sid: str, action: str, said: CallInput,
              position: Position) -> None:
        if action not in HANDLERS:
            raise ValueError(f"no call step {action!r}")
        outcome = handle_call(hotline.db, hotline.settings, action, said, position)
        step = spoken.read(outcome.twiml, hotline.settings.locales_dir)
        state["entries"].append({**_entry(phone, "in", "said", ""), "lines": [
            {"text": line.text, "language": line.language, "recording": line.recording} for line in step.lines]})
        if step.ended:
            state["calls"].pop(phone.key, None)
            state["entries"].append(_entry(phone, "in", "hangup", ""))
            return
        state["calls"][phone.key] = {"sid": sid, "waits_for": step.waits_for, "answer_url": step.answer_url,
                                     "silence_url": step.silence_url, "one_key": step.one_key}


def _entry(phone: Phone, way: str, kind: str, text: str) -> dict[str, Any]:
    return {"phone": phone.key, "way": way, "kind": kind, "text": text, "at": int(time.time())}


def _number(raw: str | None, default: int | None = 0) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 12 else default


def clean_keys(raw: str) -> str | None:
    """Keys typed on the keypad, or None when they are not keys."""
    keys = "".join(raw.split())
    if len(keys) > MAX_KEYS or not set(keys) <= KEYS_ALLOWED:
        return None
    return keys


__all__ = ["Busy", "PHONES", "Phone", "Practice", "Sandbox", "RESIDENT", "clean_keys", "new_token"]

"""Print the memory of each web worker after each kind of turn, and what a fresh worker's first text costs.

Usage: python bench/memory.py [DATABASE_URL] [--redis-url REDIS_URL]
(default: a temporary SQLite file). A PostgreSQL URL must point at an empty database the script may fill.

Starts the hotline's web side as the Procfile does (`gunicorn wsgi:app --workers 2 --threads 4`).
Without Redis, queued work (offers, texts) runs in the web worker that served the turn, as on the
embedded default; with `--redis-url`, as in production, it goes through Redis to a `hotline worker`
started beside gunicorn, whose memory is printed at the end. Then it drives
every kind of turn through each worker in turn, on a connection that worker accepted: a first
text in several languages, a menu choice, a need described and confirmed (dispatch offers it to
volunteers), STATUS, the steps of a voice call, a volunteer claiming the task, console pages.
RSS counts every page a worker can reach (shared ones too); PSS splits shared pages among the
processes sharing them.
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-auth-token"
HOTLINE_NUMBER = "+15550001111"
# Each worker's resident asks in a ZIP code of its own, so each has volunteers free to claim it.
ZIPS = ("02139", "02140")
VOLUNTEERS = {"02139": ("+16175550101", "+16175550102", "+16175550103"),
              "02140": ("+16175550201", "+16175550202", "+16175550203")}
EMAIL, PASSWORD = "coordinator@example.org", "a long enough password"
FIRST_TEXTS = (  # the first is a fresh worker's very first request
    "necesito comida para mis hijos", "I need a ride to the clinic tomorrow", "我需要帮助，家里没有吃的",
    "мне нужна помощь с продуктами", "mwen bezwen manje pou pitit mwen yo", "tôi cần thức ăn cho các con",
    "j'ai besoin de nourriture pour mes enfants", "kailangan ko ng pagkain para sa mga anak ko",
    "아이들 먹을 음식이 필요해요", "أحتاج طعام لأطفالي", "hola", "help",
)


def make_stack():
    """The libraries a web worker serves with, doing a little of what each turn asks of them, and nothing of
    the hotline's own (for gunicorn): the baseline the workers' memory is printed against.

    Flask answers TwiML built by twilio's library after checking a signature; an ORM session reads a row
    through SQLAlchemy (psycopg on PostgreSQL); Redis and RQ are reached when REDIS_URL is set; lingua
    loads the same models in the same mode as the hotline; dateparser reads a ride's time in English (the
    one ride the turns above ask for); Babel loads every shipped language's catalog and formats a date in
    English; phonenumbers formats a number.
    """
    from datetime import datetime

    import babel.dates
    import dateparser
    import phonenumbers
    from babel.support import Translations
    from flask import Flask, Response, request
    from lingua import Language, LanguageDetectorBuilder
    from sqlalchemy import create_engine, text
    from sqlalchemy.orm import Session
    from twilio.request_validator import RequestValidator
    from twilio.twiml.messaging_response import MessagingResponse

    # Read from the locales, not from the hotline's modules: importing those would load the hotline itself.
    shipped = sorted(path.parent.parent.name for path in (ROOT / "locales").glob("*/LC_MESSAGES/messages.po"))
    # The five languages the hotline's detector keeps models for (hotline/i18n/detect.py, LINGUA_NAMES).
    detector = (LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.SPANISH, Language.FRENCH,
                                                       Language.TAGALOG, Language.VIETNAMESE)
                .with_low_accuracy_mode().with_preloaded_language_models().build())
    catalogs = {code: Translations.load(str(ROOT / "locales"), [code]) for code in shipped}
    engine = create_engine(os.environ["DATABASE_URL"])
    queue = None
    if os.environ.get("REDIS_URL"):
        import redis
        import rq

        queue = rq.Queue("bench", connection=redis.Redis.from_url(os.environ["REDIS_URL"]))
    app = Flask("stack")
    validator = RequestValidator(TOKEN)

    @app.route("/stack", methods=["GET", "POST"])
    def stack():
        validator.validate(request.url, request.form, request.headers.get("X-Twilio-Signature", ""))
        with Session(engine) as session:
            session.execute(text("SELECT 1")).scalar()
        if queue is not None:
            queue.connection.ping()
        reply = MessagingResponse()
        for code in shipped:
            reply.message(catalogs[code].gettext("Thanks"))
        reply.message(babel.dates.format_date(datetime.now(), locale="en"))
        dateparser.parse("tomorrow 3 pm", languages=["en"])
        detector.detect_language_of("necesito comida para mis hijos")
        phonenumbers.format_number(phonenumbers.parse("+16175550101"), phonenumbers.PhoneNumberFormat.E164)
        return Response(str(reply), mimetype="text/xml")

    return app


def stack_memory(env: dict, tmp: Path) -> float:
    """RSS of the worker of `make_stack` under gunicorn, after it answered twice (MB)."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "memory:make_stack()", "--chdir", str(ROOT / "bench"), "--bind",
         f"127.0.0.1:{port}", "--workers", "1", "--threads", "4", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(tmp / "stack.log", "w"))
    try:
        [worker] = workers_of(server.pid, 1)
        for _ in range(2):
            for _ in range(300):
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    conn.request("GET", "/stack")
                    response = conn.getresponse()
                    response.read()
                    assert response.status == 200, response.status
                    break
                except ConnectionRefusedError:
                    time.sleep(0.1)
        time.sleep(0.3)
        return memory(worker)[0]
    finally:
        server.terminate()
        server.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_kb(pid: int, path: str, key: str) -> int:
    for line in Path(f"/proc/{pid}/{path}").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def memory(pid: int) -> tuple[float, float]:
    """RSS and PSS of a process, in MB."""
    return proc_kb(pid, "status", "VmRSS") / 1024, proc_kb(pid, "smaps_rollup", "Pss") / 1024


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError):
                continue
    return sorted(found)


def socket_owner(local_port: int, pids: list[int]) -> int | None:
    """The worker holding the server side of our connection from `local_port`."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[2].split(":")[1], 16) == local_port:
            inode = fields[9]
    if inode is None or inode == "0":
        return None
    for pid in pids:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
        except OSError:
            continue
    return None


class Worker:
    """Requests served by one chosen gunicorn worker: a keep-alive connection it accepted."""

    def __init__(self, port: int, public_url: str, pid: int, siblings: list[int]):
        self.port, self.public_url, self.pid, self.siblings = port, public_url, pid, siblings
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}

    def connect(self) -> None:
        """Open connections until this worker accepts one (the others are closed)."""
        spare = []
        try:
            for _ in range(200):
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.connect()
                local = conn.sock.getsockname()[1]
                owner = None
                for _ in range(200):
                    owner = socket_owner(local, self.siblings)
                    if owner is not None:
                        break
                    time.sleep(0.01)
                if owner == self.pid:
                    self.conn = conn
                    return
                spare.append(conn)
            raise RuntimeError(f"worker {self.pid} never accepted a connection")
        finally:
            for conn in spare:
                conn.close()

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None):
        """One request on this worker's connection; (status, body, seconds)."""
        body = urllib.parse.urlencode(form) if form is not None else None
        headers = dict(headers or {})
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.conn is None:
                self.connect()
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.HTTPException, OSError):
                # The worker closed the idle connection (keep-alive timeout): find it again.
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue
            elapsed = time.perf_counter() - started
            for value in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            if response.headers.get("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            return response.status, data.decode("utf-8", "replace"), elapsed
        raise AssertionError("unreachable")

    def signed(self, path: str, params: dict):
        url = self.public_url + path
        signature = RequestValidator(TOKEN).compute_signature(url, params)
        status, body, elapsed = self.request("POST", path, params, {"X-Twilio-Signature": signature})
        assert status == 200, (path, status, body[:300])
        return body, elapsed

    def text(self, phone: str, words: str) -> tuple[str, float]:
        params = {"From": phone, "To": HOTLINE_NUMBER, "Body": words, "MessageSid": "SM" + uuid.uuid4().hex,
                  "AccountSid": "AC" + "0" * 32, "NumMedia": "0"}
        body, elapsed = self.signed("/twilio/sms", params)
        reply = " / ".join(m.text or "" for m in ET.fromstring(body).iter("Message"))
        return reply, elapsed


def voice_call(worker: Worker, phone: str, keys: list[str]) -> list[float]:
    """Dial, then press each key at whatever is waiting, following redirects; the time of each step."""
    base = {"CallSid": "CA" + uuid.uuid4().hex, "AccountSid": "AC" + "0" * 32, "From": phone,
            "To": HOTLINE_NUMBER, "Direction": "inbound", "CallStatus": "in-progress", "ApiVersion": "2010-04-01"}
    times = []
    body, elapsed = worker.signed("/twilio/voice", {**base, "CallStatus": "ringing"})
    times.append(elapsed)
    for key in keys:
        root = ET.fromstring(body)
        gather = root.find("Gather")
        if gather is None:
            redirect = root.find("Redirect")
            if redirect is None:
                break
            path = urllib.parse.urlsplit(redirect.text.strip())
            body, elapsed = worker.signed(path.path + (f"?{path.query}" if path.query else ""), base)
            times.append(elapsed)
            continue
        path = urllib.parse.urlsplit(gather.attrib["action"])
        body, elapsed = worker.signed(path.path + (f"?{path.query}" if path.query else ""), {**base, "Digits": key})
        times.append(elapsed)
    return times


def prepare(database_url: str) -> None:
    """Migrate, and add three volunteers and a coordinator account."""
    from hotline import accounts, volunteers
    from hotline.db import Database
    from hotline.migrate import upgrade

    upgrade(database_url)
    db = Database(database_url)
    with db.session() as session:
        for zip_code, phones in VOLUNTEERS.items():
            for i, phone in enumerate(phones):
                volunteers.save(session, volunteers.VolunteerSpec(
                    phone=phone, first_name=f"Vol{i}", skills="food", languages="en", areas=zip_code, availability="any",
                    weekly_cap=None, wheelchair_vehicle=False, consent_method="bench", status="active"))
        accounts.create(session, EMAIL, PASSWORD, "coordinator")
    db.engine.dispose()


def offer_code(database_url: str, volunteer: str) -> str | None:
    """The task code of the newest offer texted to a volunteer."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT outbox.id, outbox.body FROM outbox JOIN contacts ON contacts.id = outbox.contact_id "
                                 "WHERE contacts.phone = :phone AND outbox.kind = 'offer' "
                                 "ORDER BY outbox.id"), {"phone": volunteer}).all()
    engine.dispose()
    return re.search(r"\b(\d{3})\b", rows[-1][1]).group(1) if rows else None


def afternoon_zone() -> str:
    """A time zone where it is now early afternoon, so volunteers are awake and offers go out."""
    offset = (14 - time.gmtime().tm_hour + 12) % 24 - 12
    return "UTC" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database_url", nargs="?", help="an empty PostgreSQL database the script may fill")
    parser.add_argument("--redis-url", help="run as the Procfile does in production: queued work goes through this "
                                            "Redis to a `hotline worker` of its own (the database is emptied)")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="hotline-memory-"))
    database_url = args.database_url or f"sqlite:///{tmp / 'hotline.db'}"
    prepare(database_url)
    port = free_port()
    public_url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "REDIS_", "DATABASE_"))}
    env.update({"DATABASE_URL": database_url, "TWILIO_AUTH_TOKEN": TOKEN, "PUBLIC_URL": public_url,
                "SECRET_KEY": "bench-secret-key-" + "x" * 32, "HOTLINE_TIMEZONE": afternoon_zone(),
                "INSTANCE_PATH": str(tmp / "instance"),
                # Dozens of new numbers a minute would otherwise be told to wait (the surge guard).
                "SURGE_FIRST_TEXTS_PER_MINUTE": "0"})
    log = open(tmp / "gunicorn.log", "w")
    job_worker = None
    if args.redis_url:
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
        env["REDIS_URL"] = args.redis_url
        job_worker = subprocess.Popen([sys.executable, "-m", "hotline", "worker"], cwd=ROOT, env=env,
                                      stdout=subprocess.DEVNULL, stderr=log)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "wsgi:app", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
         "--keep-alive", "30", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        run(server.pid, port, public_url, database_url)
        stack_rss = stack_memory(env, tmp)
        print(f"the same stack serving nothing of the hotline's own (bench/memory.py make_stack), one worker: "
              f"RSS {stack_rss:.0f} MB")
        if job_worker is not None:
            print(f"the queue's `hotline worker`, which sent every text above: RSS/PSS "
                  f"{' / '.join(f'{mb:.0f}' for mb in memory(job_worker.pid))} MB")
    finally:
        for process in (server, job_worker):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
        print(f"(server log: {tmp / 'gunicorn.log'})")


def workers_of(master: int, count: int) -> list[int]:
    """The pids of a gunicorn master's workers, once it has started `count` of them."""
    started = time.monotonic()
    while len(pids := children(master)) < count:
        if time.monotonic() - started > 60:
            raise SystemExit(f"gunicorn did not start {count} worker(s)")
        time.sleep(0.1)
    return pids


def run(master: int, port: int, public_url: str, database_url: str) -> None:
    started = time.monotonic()
    pids = workers_of(master, 2)
    workers = [Worker(port, public_url, pid, pids) for pid in pids]
    for w in workers:
        w.connect()  # a worker accepts only once it has loaded the app
    print(f"booted in {time.monotonic() - started:.1f} s; master RSS {memory(master)[0]:.0f} MB, PSS {memory(master)[1]:.0f} MB")
    print(f"{'after':<28}" + "".join(f"{'worker ' + str(i + 1) + ' RSS/PSS MB':>24}" for i in range(len(workers))))

    def report(kind: str) -> None:
        time.sleep(0.3)  # let queued work started by the turn finish in the worker's threads
        cells = "".join(f"{f'{rss:.0f} / {pss:.0f}':>24}" for rss, pss in (memory(w.pid) for w in workers))
        print(f"{kind:<28}{cells}", flush=True)

    report("start (no request)")
    first_ms, ordinary = [], []
    for n, w in enumerate(workers):
        _, elapsed = w.text(f"+1555300{n}000", FIRST_TEXTS[0])
        first_ms.append(elapsed * 1000)
    report("first text (es)")
    for n, w in enumerate(workers):
        for i, words in enumerate(FIRST_TEXTS[1:], 1):
            _, elapsed = w.text(f"+1555300{n}{i:03d}", words)
            ordinary.append(elapsed * 1000)
    report("first texts, 10 languages")
    for n, w in enumerate(workers):
        phone = f"+1555310{n}000"
        w.text(phone, "hi")
        _, elapsed = w.text(phone, "1")
        ordinary.append(elapsed * 1000)
    report("menu choice")
    residents = []
    for n, w in enumerate(workers):
        phone = f"+1555320{n}000"
        residents.append(phone)
        for words in ("hi", "1", "1"):
            w.text(phone, words)
        for words in ("groceries for 3 and diapers", f"Elm St, {ZIPS[n]}"):
            _, elapsed = w.text(phone, words)
            ordinary.append(elapsed * 1000)
    report("need description")
    codes = []
    for n, w in enumerate(workers):
        reply, elapsed = w.text(residents[n], "1")
        ordinary.append(elapsed * 1000)
        for _ in range(50):
            code = offer_code(database_url, VOLUNTEERS[ZIPS[n]][0])
            if code is not None:
                break
            time.sleep(0.1)
        codes.append(code)
    report("confirm (and dispatch)")
    for n, w in enumerate(workers):
        _, elapsed = w.text(residents[n], "STATUS")
        ordinary.append(elapsed * 1000)
    report("status")
    for n, w in enumerate(workers):
        ordinary.extend(t * 1000 for t in voice_call(w, f"+1555330{n}000", ["1", "1", "1", "1"]))
    report("voice call steps")
    for n, w in enumerate(workers):
        if codes[n] is None:
            print(f"  (no offer reached a volunteer for worker {n + 1}'s request)")
            continue
        reply, elapsed = w.text(VOLUNTEERS[ZIPS[n]][0], codes[n])
        ordinary.append(elapsed * 1000)
        print(f"  worker {n + 1}, claim of task {codes[n]} answered: {reply[:60]!r}")
    report("volunteer claim")
    for w in workers:
        status, page, _ = w.request("GET", "/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        status, _, _ = w.request("POST", "/login", {"email": EMAIL, "password": PASSWORD, "csrf_token": token})
        assert status == 302, status
        for path in ("/needs", "/volunteers", "/rides", "/audit"):
            status, _, _ = w.request("GET", path)
            assert status == 200, (path, status)
    report("console pages")
    for n, w in enumerate(workers):  # everything again: memory that keeps growing would show here
        for i, words in enumerate(FIRST_TEXTS):
            w.text(f"+1555340{n}{i:03d}", words)
        w.text(residents[n], "STATUS")
        voice_call(w, f"+1555350{n}000", ["1", "1", "1", "1"])
        for path in ("/needs", "/volunteers"):
            w.request("GET", path)
    report("all kinds again")
    median = statistics.median(ordinary)
    print(f"first first-text in a fresh worker: {', '.join(f'{ms:.0f} ms' for ms in first_ms)}; "
          f"ordinary turn median {median:.0f} ms (p90 {statistics.quantiles(ordinary, n=10)[-1]:.0f} ms); "
          f"first minus ordinary: {', '.join(f'{ms - median:+.0f} ms' for ms in first_ms)}")


if __name__ == "__main__":
    main(sys.argv[1:])

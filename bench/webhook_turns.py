"""Webhook turns: the hotline against a bare Flask app under the same server, side by side.

    python bench/webhook_turns.py postgresql+psycopg://postgres@127.0.0.1:5432/bench
    python bench/webhook_turns.py --embedded

With a PostgreSQL URL, the hotline runs as the Procfile runs it (gunicorn, 2 workers x 4
threads, Redis for the queue; nothing works the queue, so only the web side is measured).
With `--embedded`, it runs as `hotline run` serves a small group: SQLite, no Redis, queued
work in the same process. The bare app runs under gunicorn with the Procfile's settings: it
only checks the Twilio signature and returns static TwiML.

With PostgreSQL a third server runs too, the floor: the same signature check and the six
round trips of an ordinary turn (BEGIN, the conversation locked and read, recent texts, the
message and state written, the day's spend, COMMIT) on tables of its own, and nothing else. Its
ratio is what any turn that keeps the hotline's promises could reach on this stack and machine.

Phones walk whole conversations (first text to a confirmed request for food) on 8 connections,
on each server in turn, with 1,000 volunteers on the roster so each confirmation does real
matching. Printed: turns/s, p50/p99, CPU ms per turn (the server processes' own CPU time), SQL
statements per turn (counted in this process over one conversation), the PostgreSQL server's
CPU per turn (every `postgres` process on the machine) and the ratio hotline/bare, then p99 at
1 connection. The database given is emptied and migrated.
"""
from __future__ import annotations

import argparse
import http.client
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOKEN = "bench-auth-token"
CONVERSATION = ("hi", "1", "1", "groceries for 3", "Elm St, 02139", "1")
# Area codes of the phones that text in (volunteers are 781, the statement count 857).
AREAS = ("617", "508", "978", "413", "339", "774", "351", "401", "603", "802")
GUNICORN = ["--workers", "2", "--threads", "4"]  # the Procfile's


def make_bare():
    """A Flask app that checks the Twilio signature and returns static TwiML (for gunicorn)."""
    from flask import Flask, Response, abort, request
    from twilio.request_validator import RequestValidator

    app = Flask("bare")
    validator = RequestValidator(TOKEN)
    public = os.environ["PUBLIC_URL"].rstrip("/")
    body = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Thanks</Message></Response>'

    @app.post("/twilio/sms")
    def sms():
        if not validator.validate(public + request.path, request.form, request.headers.get("X-Twilio-Signature", "")):
            abort(403)
        return Response(body, mimetype="text/xml")

    return app


FLOOR_TABLES = """
CREATE TABLE floor_conversations (phone text PRIMARY KEY, step integer NOT NULL, turns integer NOT NULL,
                                  updated_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE floor_messages (id bigserial PRIMARY KEY, sid text NOT NULL UNIQUE, phone text NOT NULL,
                             body text NOT NULL, reply text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX floor_messages_recent ON floor_messages (phone, created_at);
CREATE TABLE floor_spend (day date PRIMARY KEY, segments integer NOT NULL);
"""


def make_floor():
    """A Flask app doing what any turn must do, and nothing else (for gunicorn, PostgreSQL only).

    It checks the signature and makes the six round trips of the hotline's ordinary turn, on tables
    of its own shaped the same way: BEGIN; the conversation locked and read with whether this
    message was seen before; the phone's recent texts; the message written with the new state;
    the day's spend; COMMIT. Then it answers TwiML. What the hotline spends beyond this is its own
    work: the flows, language, guards, translation, logging, the ORM.
    """
    from flask import Flask, Response, abort, request
    from sqlalchemy import create_engine, text
    from twilio.request_validator import RequestValidator

    app = Flask("floor")
    validator = RequestValidator(TOKEN)
    public = os.environ["PUBLIC_URL"].rstrip("/")
    engine = create_engine(os.environ["DATABASE_URL"], pool_size=4)
    lock = text("WITH c AS (INSERT INTO floor_conversations (phone, step, turns) VALUES (:phone, 0, 0) "
                "ON CONFLICT (phone) DO UPDATE SET turns = floor_conversations.turns RETURNING step, turns) "
                "SELECT c.step, c.turns, (SELECT reply FROM floor_messages WHERE sid = :sid) FROM c")
    recent = text("SELECT count(*) FROM floor_messages WHERE phone = :phone AND created_at > now() - interval '1 hour'")
    write = text("WITH m AS (INSERT INTO floor_messages (sid, phone, body, reply) VALUES (:sid, :phone, :body, :reply)) "
                 "UPDATE floor_conversations SET step = :step, turns = turns + 1, updated_at = now() WHERE phone = :phone")
    spend = text("SELECT segments FROM floor_spend WHERE day = current_date")

    @app.post("/twilio/sms")
    def sms():
        if not validator.validate(public + request.path, request.form, request.headers.get("X-Twilio-Signature", "")):
            abort(403)
        phone, sid, body = request.form["From"], request.form["MessageSid"], request.form.get("Body", "")
        with engine.begin() as connection:
            step, turns, seen = connection.execute(lock, {"phone": phone, "sid": sid}).one()
            reply = seen or f"Step {step + 1}: thanks"
            if seen is None:
                connection.execute(recent, {"phone": phone}).scalar()
                connection.execute(write, {"sid": sid, "phone": phone, "body": body, "reply": reply, "step": step + 1})
                connection.execute(spend).scalar()
        return Response('<?xml version="1.0" encoding="UTF-8"?><Response><Message>' + reply + "</Message></Response>",
                        mimetype="text/xml")

    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if process.poll() is not None:
            raise SystemExit(f"server on {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server on {port} did not start")


def tree(pid: int) -> list[int]:
    """The process and its descendants."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            children = []
        todo.extend(int(c) for c in children)
    return found


def process_cpu(pid: int | str) -> tuple[str, float]:
    """A process's name and its user and system CPU so far, in seconds (("", 0) once it is gone)."""
    try:
        head, fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)
    except OSError:
        return "", 0.0
    fields = fields.split()
    return head.split("(", 1)[1], (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process tree so far."""
    return sum(process_cpu(p)[1] for p in tree(pid))


def database_cpu() -> float:
    """User and system CPU so far of every PostgreSQL server process on this machine."""
    found = (process_cpu(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit())
    return sum(seconds for name, seconds in found if name == "postgres")


class Server:
    def __init__(self, name: str, command: list[str], env: dict, port: int):
        self.name, self.port = name, port
        self.process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                        stderr=open(env["BENCH_LOG"], "ab"), start_new_session=True)
        wait_up(port, self.process)

    def cpu(self) -> float:
        return cpu_seconds(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


class Driver:
    """Phones walking whole conversations on `connections` keep-alive connections."""

    def __init__(self, port: int, public_url: str):
        from twilio.request_validator import RequestValidator

        self.port = port
        self.url = public_url.rstrip("/") + "/twilio/sms"
        self.validator = RequestValidator(TOKEN)
        self.numbers = iter(range(10**6))
        self.lock = threading.Lock()

    def phone(self) -> str:
        with self.lock:
            n = next(self.numbers)
        return f"+1{AREAS[n // 10000 % len(AREAS)]}555{n % 10000:04d}"

    def turn(self, connection: http.client.HTTPConnection, number: str, words: str) -> float:
        params = {"From": number, "To": "+15550001111", "Body": words, "MessageSid": "SM" + uuid.uuid4().hex,
                  "AccountSid": "AC" + "0" * 32, "NumMedia": "0"}
        headers = {"X-Twilio-Signature": self.validator.compute_signature(self.url, params),
                   "Content-Type": "application/x-www-form-urlencoded"}
        started = time.perf_counter()
        connection.request("POST", "/twilio/sms", body=urlencode(params), headers=headers)
        response = connection.getresponse()
        data = response.read()
        took = time.perf_counter() - started
        if response.status != 200 or b"<Response" not in data:
            raise RuntimeError(f"turn {words!r} answered {response.status}: {data[:200]!r}")
        return took

    def run(self, connections: int, seconds: float) -> tuple[int, list[float], float]:
        """Drive for `seconds`; return turns, latencies and the elapsed time."""
        latencies: list[float] = []
        errors: list[BaseException] = []
        end = time.perf_counter() + seconds

        def work():
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            mine = []
            try:
                while time.perf_counter() < end:
                    number = self.phone()
                    for words in CONVERSATION:
                        mine.append(self.turn(connection, number, words))
                        if time.perf_counter() >= end:
                            break
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                connection.close()
                with self.lock:
                    latencies.extend(mine)

        started = time.perf_counter()
        threads = [threading.Thread(target=work) for _ in range(connections)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        return len(latencies), latencies, time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def prepare_database(url: str) -> None:
    """Empty and migrate the database, and put 1,000 active volunteers on the roster."""
    from sqlalchemy import create_engine, text, update
    from sqlalchemy.engine import make_url

    from hotline import volunteers
    from hotline.db import Database
    from hotline.models import Volunteer
    from hotline.migrate import upgrade

    if make_url(url).get_backend_name() == "postgresql":
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    upgrade(url)
    db = Database(url)
    with db.session() as session:
        for n in range(1000):
            volunteers.save(session, volunteers.VolunteerSpec(
                phone=f"+1781555{n:04d}", first_name=f"V{n}", skills="food", languages="en",
                areas="02139" if n % 4 else "02140", availability="any", weekly_cap=None,
                wheelchair_vehicle=False, consent_method="bench", status="active"))
        # No quiet hours: whatever the hour of the run, a confirmation makes offers (and, on the
        # embedded default, they are sent), instead of finding everyone asleep at night.
        session.execute(update(Volunteer).values(quiet_start=0, quiet_end=0))
    # Fresh statistics for the planner, as autovacuum would give after loading a roster: without
    # them PostgreSQL guesses one row per table and matches each confirmation by nested scans
    # (130 ms of database CPU instead of 0.2 ms), which measured the guess, not the hotline.
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.exec_driver_sql(FLOOR_TABLES)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE")
    db.dispose()


def statements_per_turn(env: dict) -> float:
    """Walk one conversation in this process and count the statements the turns send."""
    from sqlalchemy import event
    from twilio.request_validator import RequestValidator

    from hotline import create_app
    from hotline.config import Settings

    # Warnings only: the counted conversation would fill the report with its access lines.
    settings = Settings.from_env({"queue_threads": 0, "log_level": "WARNING"}, environ=env)
    app = create_app(settings)
    hotline = app.extensions["hotline"]
    client = app.test_client()
    seen = []
    listeners = [("before_cursor_execute", lambda *a: seen.append(1)), ("commit", lambda *a: seen.append(1))]
    if hotline.db.engine.dialect.name == "postgresql":
        listeners.append(("begin", lambda *a: seen.append(1)))
    validator = RequestValidator(TOKEN)
    url = env["PUBLIC_URL"].rstrip("/") + "/twilio/sms"
    try:
        for name, fn in listeners:
            event.listen(hotline.db.engine, name, fn)
        for round_ in range(2):  # the second conversation, warm, is the one counted
            seen.clear()
            number = f"+1857555{round_:04d}"
            for words in CONVERSATION:
                params = {"From": number, "To": "+15550001111", "Body": words, "MessageSid": "SM" + uuid.uuid4().hex}
                response = client.post("/twilio/sms", data=params,
                                       headers={"X-Twilio-Signature": validator.compute_signature(url, params)})
                assert response.status_code == 200, response.data
    finally:
        for name, fn in listeners:
            event.remove(hotline.db.engine, name, fn)
        hotline.close()
    return len(seen) / len(CONVERSATION)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database_url", nargs="?", help="a PostgreSQL database to empty and use")
    parser.add_argument("--embedded", action="store_true", help="`hotline run` on SQLite, no Redis")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/4", help="Redis for the queue (PostgreSQL)")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each measured stretch")
    parser.add_argument("--rounds", type=int, default=3, help="alternations hotline/bare")
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if bool(args.database_url) == args.embedded:
        parser.error("give a PostgreSQL URL or --embedded")

    work = Path(tempfile.mkdtemp(prefix="webhook-turns-"))
    hotline_port, bare_port, floor_port = free_port(), free_port(), free_port()
    database_url = args.database_url or f"sqlite:///{work / 'hotline.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "REDIS_", "DATABASE_"))}
    env.update({
        "DATABASE_URL": database_url, "TWILIO_AUTH_TOKEN": TOKEN, "INSTANCE_PATH": str(work / "instance"),
        "SECRET_KEY": "bench", "PYTHONPATH": str(ROOT), "BENCH_LOG": str(work / "servers.log"),
        "HOTLINE_TIMEZONE": "America/New_York",
        # New numbers arrive faster than a real surge: the surge note has a bench of its own (abuse.py).
        "SURGE_FIRST_TEXTS_PER_MINUTE": "0",
    })
    if not args.embedded:
        env["REDIS_URL"] = args.redis_url
    hotline_env = {**env, "PUBLIC_URL": f"http://127.0.0.1:{hotline_port}"}
    bare_env = {**env, "PUBLIC_URL": f"http://127.0.0.1:{bare_port}"}
    floor_env = {**env, "PUBLIC_URL": f"http://127.0.0.1:{floor_port}"}

    prepare_database(database_url)
    redis = None
    if not args.embedded:
        import redis as redis_lib

        redis = redis_lib.Redis.from_url(args.redis_url)
        redis.flushdb()
    sql = statements_per_turn(hotline_env)

    bin_dir = Path(sys.executable).parent
    gunicorn = [str(bin_dir / "gunicorn"), *GUNICORN, "--log-level", "warning"]
    if args.embedded:
        hotline_cmd = [sys.executable, "-m", "hotline", "run", "--port", str(hotline_port)]
        label = "embedded `hotline run` (SQLite, no Redis)"
    else:
        hotline_cmd = [*gunicorn, "--bind", f"127.0.0.1:{hotline_port}", "wsgi:app"]
        label = "PostgreSQL + Redis, gunicorn 2 workers x 4 threads"
    bare_cmd = [*gunicorn, "--bind", f"127.0.0.1:{bare_port}", "--chdir", str(ROOT / "bench"), "webhook_turns:make_bare()"]

    servers: dict[str, Server] = {}
    try:
        servers["hotline"] = Server("hotline", hotline_cmd, hotline_env, hotline_port)
        servers["bare"] = Server("bare", bare_cmd, bare_env, bare_port)
        if not args.embedded:
            floor_cmd = [*gunicorn, "--bind", f"127.0.0.1:{floor_port}", "--chdir", str(ROOT / "bench"),
                         "webhook_turns:make_floor()"]
            servers["floor"] = Server("floor", floor_cmd, floor_env, floor_port)
    except BaseException:
        for server in servers.values():
            server.stop()
        raise
    envs = {"hotline": hotline_env, "bare": bare_env, "floor": floor_env}
    drivers = {name: Driver(s.port, envs[name]["PUBLIC_URL"]) for name, s in servers.items()}
    results = {name: {"turns": 0, "lat": [], "elapsed": 0.0, "cpu": 0.0, "db_cpu": 0.0} for name in servers}
    try:
        for name in servers:  # warm every worker and thread
            drivers[name].run(args.connections, 3.0)
        for _ in range(args.rounds):
            for name, server in servers.items():
                before, db_before = server.cpu(), database_cpu()
                turns, lat, elapsed = drivers[name].run(args.connections, args.seconds)
                r = results[name]
                r["cpu"] += server.cpu() - before
                r["db_cpu"] += database_cpu() - db_before
                r["turns"] += turns
                r["lat"] += lat
                r["elapsed"] += elapsed
        single = {name: drivers[name].run(1, args.seconds / 2)[1] for name in servers}
    finally:
        for server in servers.values():
            server.stop()
        if redis is not None:
            redis.flushdb()

    print(f"webhook turns: {label}; {args.connections} connections, {args.rounds} x {args.seconds:.0f} s each, "
          f"whole conversations of {len(CONVERSATION)} turns, 1,000 volunteers")
    print(f"{'':8} {'turns/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/turn':>12} {'DB CPU ms':>10} {'SQL/turn':>9} "
          f"{'p99 ms @1':>10}")
    rates = {}
    sql_column = {"hotline": f"{sql:.1f}", "bare": "0", "floor": "6"}
    for name, r in results.items():
        rates[name] = r["turns"] / r["elapsed"]
        # SQLite works inside the server process: its CPU is in the server's column.
        db_cpu = "-" if args.embedded else f"{r['db_cpu'] / r['turns'] * 1000:.2f}"
        print(f"{name:8} {rates[name]:9.1f} {statistics.median(r['lat']) * 1000:8.1f} "
              f"{percentile(r['lat'], 99) * 1000:8.1f} {r['cpu'] / r['turns'] * 1000:12.2f} "
              f"{db_cpu:>10} {sql_column[name]:>9} {percentile(single[name], 99) * 1000:10.1f}")
    print(f"ratio hotline/bare turns/s: {rates['hotline'] / rates['bare']:.3f} (goal >= 0.25)")
    if "floor" in rates:
        print(f"ratio floor/bare turns/s: {rates['floor'] / rates['bare']:.3f} (the database work of a turn and "
              f"nothing else); hotline/floor: {rates['hotline'] / rates['floor']:.3f}")
    if args.embedded:
        print(f"embedded p99 at {args.connections} connections: {percentile(results['hotline']['lat'], 99) * 1000:.0f} ms "
              "(goal <= 150 ms)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Pictures of the console for the README, taken by Chromium from a demo hotline.

    .venv/bin/python docs/screenshots.py

It makes a throwaway SQLite database, fills it the way a real morning would (residents texting
in several languages through the conversation engine, volunteers claiming by text, a voicemail, a
ride booked for this afternoon, a request nobody could take), serves the console on 127.0.0.1 and
writes the queue, a need's page and the volunteers page at a phone's width (360 px) and a laptop's
(1280 px) to docs/screenshots/, and the open records page (`/open`, from twelve weeks of made-up
history) in English on a laptop and in Arabic on a phone. Needs Debian's Chromium (/usr/bin/chromium) and `pip install -e
'.[test]'` (for playwright). Times on the pictures are those of the day it runs.
"""
from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select
from werkzeug.serving import WSGIRequestHandler, make_server

from hotline import accounts, create_app, rides, volunteers
from hotline.clock import now as utcnow
from hotline.config import Settings
from hotline.dispatch import manual, waves
from hotline.inbound import handle_message
from hotline.migrate import upgrade
from hotline.models import CheckIn, CheckInRound, Contact, Need, NeedEvent, Offer, Ride, Volunteer
from hotline.voice import recordings

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ZONE = "America/New_York"
COORDINATOR = "maria@northside.example"
PASSWORD = "demo password, not for real use"
# What a person sees without scrolling far: a phone's screen and most of the next, a laptop's screen.
SIZES = {"phone": {"width": 360, "height": 1280}, "laptop": {"width": 1280, "height": 960}}

# Numbers in the 555-01xx range, which is never given to anyone.
VOLUNTEERS = [
    # phone, first name, skills, languages, areas
    ("+16175550121", "Ana", "food,errands", "en,es", "02139,02140"),
    ("+16175550122", "Marcus", "driving,food", "en", "*"),
    ("+16175550123", "Linh", "food,health", "vi,en", "02122,02124"),
    ("+16175550124", "Wei", "health,errands", "zh,en", "02111,02116"),
    ("+16175550125", "Fatima", "food", "ar,fr,en", "02139"),
]


def log(message: str) -> None:
    print(message, file=sys.stderr)


class Hotline:
    """The demo hotline: its app, and a way to text it at a given moment."""

    def __init__(self, settings: Settings):
        upgrade(settings.database_url)
        self.settings = settings
        self.app = create_app(settings)
        self.services = self.app.extensions["hotline"]
        self.db = self.services.db
        self.now = datetime.now(timezone.utc).replace(second=0, microsecond=0)

    def at(self, minutes_ago: float):
        return time_machine.travel(self.now - timedelta(minutes=minutes_ago), tick=False)

    def text(self, phone: str, minutes_ago: float, *turns: str) -> None:
        """A conversation, a turn a minute, ending `minutes_ago`; what it sends to others goes out."""
        for i, body in enumerate(turns):
            with self.at(minutes_ago + len(turns) - 1 - i):
                handle_message(self.db, self.settings, phone, body)
                self.services.queue.drain()

    def ref(self, phone: str) -> str:
        with self.db.session() as session:
            return session.scalars(select(Need.ref).join(Contact).where(Contact.phone == phone)
                                   .order_by(Need.id.desc())).first()

    def code(self, ref: str, volunteer_phone: str) -> str:
        with self.db.session() as session:
            return session.scalars(select(Offer.code).join(Need).join(Volunteer).join(Contact).where(
                Need.ref == ref, Contact.phone == volunteer_phone)).one()


def seed(h: Hotline) -> str:
    """Fill the demo hotline; return the reference of the need to photograph."""
    with h.at(600), h.db.session() as session:
        accounts.create(session, COORDINATOR, PASSWORD, accounts.COORDINATOR)
        for phone, name, skills, languages, areas in VOLUNTEERS:
            v = volunteers.save(session, volunteers.VolunteerSpec(
                phone=phone, first_name=name, skills=skills, languages=languages, areas=areas,
                availability="any", consent_method="signed up at the food pantry", status="active"))
            v.quiet_start = v.quiet_end = 0  # whenever this runs, offers go out at once
    # Signed up by text this morning, waiting for a coordinator.
    h.text("+16175550126", 240, "VOLUNTEER", "Rosa", "2 4", "Spanish, English", "02140", "1", "1")

    # English, food: offered, claimed by Ana, then a note and a word to the resident.
    resident = "+16175550101"
    h.text(resident, 150, "hi", "1", "1", "Groceries for a family of 4, no pork please. Baby formula too",
           "Elm St and 5th, 02139, the blue door", "1")
    food = h.ref(resident)
    h.text("+16175550121", 138, h.code(food, "+16175550121"))
    with h.at(130), h.db.session() as session:
        need = session.scalars(select(Need).where(Need.ref == food)).one()
        manual.note(need, "Ana can only go after 5; the resident said that is fine.", COORDINATOR, utcnow())
        manual.message_resident(session, h.settings, need, "Ana will come by after 5 today.", COORDINATOR, utcnow())
    h.text(resident, 120, "Thank you so much!")

    # Spanish, food: offered to the volunteers who speak Spanish, nobody has claimed yet.
    h.text("+16175550102", 35, "hola", "2", "1", "arroz, frijoles y leche para 3 personas", "Calle 5 y Main, 02139", "1")
    # Vietnamese, health: offered to Linh.
    h.text("+16175550103", 20, "Xin chào", "5", "Tôi cần người đi mua thuốc giúp, tôi bị đau chân",
           "Dorchester, 02122", "1")
    # Haitian Creole, childcare: nobody does childcare, so it needs a person.
    h.text("+16175550104", 55, "Bonjou", "5", "4", "Mwen bezwen yon moun pou gade 2 timoun demen maten",
           "Mattapan, 02126", "1")
    # Chinese, housing: nobody covers it either; a coordinator already took it off the list.
    h.text("+16175550105", 300, "你好", "3", "房东说下周要换锁，我需要帮助", "Chinatown, 02111", "1")
    with h.at(280), h.db.session() as session:
        need = session.scalars(select(Need).where(Need.ref == h.ref("+16175550105"))).one()
        manual.mark_handled(need, COORDINATOR, utcnow())
        manual.note(need, "Called the tenants' union; they will call her back tomorrow.", COORDINATOR, utcnow())

    # A ride to the clinic this afternoon: soon, so it is urgent, and offered to Marcus.
    with h.at(45), h.db.session() as session:
        contact = Contact(phone="+16175550106", language="en", language_source="chosen")
        session.add(contact)
        session.flush()
        pickup = (h.now + timedelta(hours=3)).astimezone(ZoneInfo(ZONE)).replace(minute=30)
        ride = rides.book(session, contact, pickup="44 Dudley St, 02119", destination="Whittier Street Health Center",
                          local_time=pickup.strftime("%Y-%m-%dT%H:%M"), time_zone=ZONE, mobility=["walker"],
                          language="en", now=utcnow())
        waves.start_ride(session, h.settings, ride, utcnow())
    with h.at(44):
        h.services.queue.drain()

    # A voicemail, transcribed: it waits for a coordinator to listen.
    with h.at(12), h.db.session() as session:
        contact = Contact(phone="+16175550107", language="en", language_source="chosen")
        session.add(contact)
        session.flush()
        sid = "RE" + "7" * 32
        url = f"https://api.twilio.com/2010-04-01/Accounts/AC{'0' * 32}/Recordings/{sid}"
        recording = recordings.save(session, purpose=recordings.VOICEMAIL, call_sid="CA" + "7" * 32, contact=contact,
                                    language="en", url=url, recording_sid=sid, duration=38,
                                    now=utcnow())
        recordings.leave_voicemail(session, h.settings, contact, recording, utcnow())
        recordings.transcribed(session, recording_sid=sid, url=url, call_sid=recording.call_sid, status="completed",
                               text="Hi, this is Mrs. Johnson on Maple Street. My heat has been off since Friday "
                                    "and I have no one to call. Please call me back.",
                               now=utcnow())
    return food


def seed_history(h: Hotline) -> None:
    """Twelve weeks of requests before today, as a busy neighbourhood would have them (made up, fixed seed)."""
    import random

    draw = random.Random(7)
    kinds = ["food"] * 8 + ["ride"] * 4 + ["health"] * 2 + ["housing", "childcare", "money"]
    spoken = ["en"] * 6 + ["es"] * 4 + ["zh", "vi", "ht", "ar"]
    with h.db.session() as session:
        helpers = list(session.scalars(select(Volunteer)))
        for i in range(420):
            created = h.now - timedelta(days=1 + draw.random() * 82, minutes=i)
            done = draw.random() < 0.78
            need = Need(ref=f"{700000 + i}", category=draw.choice(kinds), language=draw.choice(spoken),
                        status="done" if done else draw.choice(["unmet", "withdrawn", "claimed"]),
                        contact=Contact(phone=f"+1617555{2000 + i}"), created_at=created)
            session.add(need)
            if need.status in ("done", "claimed"):
                claimed = created + timedelta(hours=draw.lognormvariate(0.8, 0.9))
                need.events.append(NeedEvent(at=claimed, kind="claimed"))
                if done:
                    need.events.append(NeedEvent(at=claimed + timedelta(hours=draw.uniform(2, 30)), kind="done"))
                session.add(Offer(need=need, volunteer=draw.choice(helpers), code=f"{100 + i % 900}",
                                  status="done" if done else "claimed", offered_at=created, claimed_at=claimed))
            if need.category == "ride":
                session.add(Ride(need=need, status="done" if done else "cancelled", created_at=created))
        # Fourteen neighbours with check-ins on some days of each week; most answer, a few are looked in on.
        for person in range(14):
            plan = CheckIn(contact=Contact(phone=f"+1617556{3000 + person}"), local_time="09:00",
                           time_zone="America/New_York", days="024", status="active")
            session.add(plan)
            for day in range(1, 84):
                due = h.now - timedelta(days=day)
                if due.weekday() not in (0, 2, 4):
                    continue
                answered = draw.random() < 0.9
                plan.rounds.append(CheckInRound(wall=f"{due:%Y-%m-%dT09:00}", due_at=due, asked_at=due,
                                                status="ok" if answered else "escalated",
                                                answered_at=due + timedelta(minutes=4) if answered else None))
                if not answered:
                    visit = Need(ref=f"{760000 + person * 100 + day}", category="checkin", language="en",
                                 status="done", contact=plan.contact, created_at=due + timedelta(minutes=70))
                    visit.events.append(NeedEvent(at=due + timedelta(minutes=80), kind="claimed"))
                    visit.events.append(NeedEvent(at=due + timedelta(minutes=80 + draw.uniform(30, 120)),
                                                  kind="done"))
                    session.add(visit)
        session.commit()


class Server:
    def __init__(self):
        handler = type("Quiet", (WSGIRequestHandler,), {"log_request": lambda *a, **k: None})
        self.app = None
        self.server = make_server("127.0.0.1", 0, lambda e, s: self.app(e, s), threaded=True, request_handler=handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def photograph(url: str, ref: str, out: Path, before_open) -> list[tuple[Path, int]]:
    from playwright.sync_api import sync_playwright

    taken = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size, viewport in SIZES.items():
            context = browser.new_context(viewport=viewport, base_url=url, locale="en-US", timezone_id=ZONE)
            page = context.new_page()
            page.goto("/login")
            page.get_by_label("Email").fill(COORDINATOR)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_selector("#live")
            for name, path in (("queue", "/"), ("need", f"/needs/{ref}"), ("volunteers", "/volunteers")):
                response = page.goto(path)
                if response.status != 200:
                    log(f"{path} answered {response.status}: photographed as it is")
                target = out / f"{name}-{size}.png"
                page.screenshot(path=target)
                taken.append((target, response.status))
            context.close()
        # The open records need no login: English on a laptop, Arabic (right to left) on a phone.
        before_open()
        for size, lang in (("laptop", "en"), ("phone", "ar")):
            context = browser.new_context(viewport=SIZES[size], base_url=url, locale="en-US", timezone_id=ZONE)
            page = context.new_page()
            response = page.goto(f"/open?lang={lang}")
            page.wait_for_load_state("networkidle")
            target = out / f"open-{lang}-{size}.png"
            page.screenshot(path=target)
            taken.append((target, response.status))
            context.close()
        browser.close()
    return taken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp, Server() as server:
        settings = Settings.from_env({
            "database_url": f"sqlite:///{tmp}/demo.db", "instance_path": tmp, "public_url": server.url,
            "locales_dir": str(ROOT / "locales"), "hotline_timezone": ZONE, "secret_key": "demo",
            "coordinator_phones": ("+16175550199",), "queue_threads": 0,
            # Nothing moves while the pictures are taken.
            "console_refresh_seconds": 3600,
        }, environ={})
        hotline = Hotline(settings)
        ref = seed(hotline)
        server.app = hotline.app
        for path, status in photograph(server.url, ref, args.out, lambda: seed_history(hotline)):
            log(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size // 1024} KB"
                + ("" if status == 200 else f"  (the page answered {status})"))
        hotline.services.close()


if __name__ == "__main__":
    main()

"""Check an installed hotline (a wheel in a fresh venv), run from outside the checkout.

Run with the venv's python after `hotline db upgrade` on DATABASE_URL; CHECKOUT names the checkout the
wheel was built from, to compare against. Exits non-zero, saying what is wrong, on the first failure.
"""
from __future__ import annotations

import os
import sys
import sysconfig
import xml.etree.ElementTree as ET
from pathlib import Path

CHECKOUT = Path(sys.argv[1]).resolve()
LANGUAGES = {"en", "es", "fr", "ht", "ko", "ar", "ru", "tl", "vi", "zh"}


def check(ok: bool, what: str) -> None:
    if not ok:
        sys.exit(f"installed hotline: {what}")
    print(f"ok: {what}")


import hotline  # noqa: E402 (after the helpers, so a failed import is reported by Python itself)
from alembic.script import ScriptDirectory  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from hotline.config import Settings  # noqa: E402
from hotline.i18n.translator import CONSOLE, DOMAIN, available  # noqa: E402
from hotline.migrate import alembic_config  # noqa: E402
from hotline.voice.sentences import sentences  # noqa: E402

site = Path(sysconfig.get_paths()["purelib"]).resolve()
package = Path(hotline.__file__).resolve().parent
check(package.is_relative_to(site), f"hotline is imported from the venv ({package})")

settings = Settings.from_env()
check(Path(settings.locales_dir).is_relative_to(package), "catalogs are read from inside the package")
for domain in (DOMAIN, CONSOLE):
    check(set(available(settings.locales_dir, domain)) == LANGUAGES, f"{domain} catalogs ship for all 10 languages")
check(not list(Path(settings.locales_dir).rglob("*.po")), "the package carries compiled catalogs only")

shipped = sorted(p.name for p in (CHECKOUT / "hotline" / "migrations" / "versions").glob("*.py"))
installed = sorted(p.name for p in (package / "migrations" / "versions").glob("*.py"))
check(installed == shipped, f"every migration ships ({len(installed)})")
head = ScriptDirectory.from_config(alembic_config(settings.database_url)).get_current_head()
with create_engine(settings.database_url).connect() as connection:
    stamped = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
check(stamped == head, f"`hotline db upgrade` brought the database to the head revision ({head})")

app = hotline.create_app()
client = app.test_client()


def text_hotline(body: str, number: str = "+15551230042", count=iter(range(1, 1000))) -> str:
    # No Twilio account: the console transport, whose webhooks need no signature.
    response = client.post("/twilio/sms", data={"From": number, "To": "+15550001111", "Body": body,
                                                "MessageSid": f"SM{next(count):032d}"})
    check(response.status_code == 200, f"the hotline answers {body!r}")
    return " ".join(m.text or "" for m in ET.fromstring(response.data).iter("Message"))


menu = text_hotline("hola")
check("Español" in menu, "a first text gets the language menu")
categories = text_hotline("2")
check("Comida" in categories and "Food" not in categories, f"choosing Spanish gets the menu in Spanish: {categories!r}")
question = text_hotline("1")
check("comida" in question and "food" not in question.lower(), f"the food question is in Spanish: {question!r}")
where = text_hotline("arroz y leche para cuatro personas")
check("código postal" in where, f"the place question is in Spanish: {where!r}")

page = client.get("/login", headers={"Accept-Language": "es"}, follow_redirects=True)
body = page.get_data(as_text=True)
check(page.status_code == 200 and 'lang="es"' in body, "the console's pages render in Spanish from the package's templates")
check(client.get("/static/console.css").status_code == 200, "the console's static files are served from the package")

check(len(sentences(settings, "es")) > 50, "a call's sentences are listed from the compiled Spanish catalog")
check(not (site.parent / "instance").exists() and not (site / "instance").exists(),
      "nothing is written into the venv's library folders")
check(Path(os.getcwd(), "instance").is_dir() or os.environ.get("INSTANCE_PATH"),
      "the instance folder is made in the working directory")
print("installed hotline: every check passed")

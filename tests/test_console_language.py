"""Every account chooses the language the console is written in for them, on their account page:
kept on the account, used on every page from then on, audited."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from hotline.i18n import Translator
from hotline.i18n.translator import CONSOLE
from hotline.models import AuditEntry, User

from .console import post, signed_in, text


def language_of(db, email: str) -> str:
    with db.session() as session:
        return session.scalars(select(User.language).where(User.email == email)).one()


def in_(code: str, message: str) -> str:
    return Translator(code, "locales", CONSOLE)._(message)


@pytest.mark.parametrize("role", ["viewer", "coordinator", "admin"])
def test_every_role_chooses_the_consoles_language_and_keeps_it(app, db, role):
    client = signed_in(app, db, role)
    page = client.get("/account")
    assert page.status_code == 200 and 'name="language"' in page.get_data(as_text=True)
    response = post(client, "/account/language", {"language": "es"}, follow=True)
    assert in_("es", "Your language is saved.") in text(response)
    assert language_of(db, f"{role}@example.org") == "es"
    # Every page from then on, whatever the browser asks for.
    queue = client.get("/needs", headers={"Accept-Language": "fr"})
    assert '<html lang="es"' in queue.get_data(as_text=True)
    with db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "language_set")).one()
        assert (entry.before, entry.after) == ({"language": ""}, {"language": "es"})
    # Back to the browser's language.
    post(client, "/account/language", {"language": ""})
    assert language_of(db, f"{role}@example.org") == ""
    assert '<html lang="fr"' in client.get("/needs", headers={"Accept-Language": "fr"}).get_data(as_text=True)


def test_only_those_who_may_be_rung_see_the_phone_part(app, db):
    viewer = signed_in(app, db, "viewer")
    coordinator = signed_in(app, db, "coordinator")
    assert "Your phone" not in text(viewer.get("/account"))
    assert "Your phone" in text(coordinator.get("/account"))
    assert post(viewer, "/account/phone", {"phone": "+16175550123"}).status_code == 403
    assert 'href="/account"' in viewer.get("/needs").get_data(as_text=True)


@pytest.mark.parametrize("sent", [{"language": "xx"}, {"language": "es" * 40}, {"language": "en-US"}, {}])
def test_a_language_the_console_is_not_written_in_is_refused_and_nothing_changes(app, db, sent):
    client = signed_in(app, db, "coordinator")
    post(client, "/account/language", {"language": "ko"})
    response = post(client, "/account/language", sent)
    assert response.status_code == 400
    assert in_("ko", "Choose one of the languages in the list.") in text(response)
    assert language_of(db, "coordinator@example.org") == "ko"


def test_choosing_a_language_needs_the_forms_token_and_a_session(app, db):
    client = signed_in(app, db, "viewer")
    assert client.post("/account/language", data={"language": "es"}).status_code == 400
    assert language_of(db, "viewer@example.org") == ""
    assert app.test_client().post("/account/language", data={"language": "es"}).status_code in (302, 400, 401, 403)


def test_the_same_language_twice_is_audited_once(app, db):
    client = signed_in(app, db, "viewer")
    post(client, "/account/language", {"language": "vi"})
    post(client, "/account/language", {"language": "vi"})
    with db.session() as session:
        assert len(session.scalars(select(AuditEntry).where(AuditEntry.action == "language_set")).all()) == 1


def test_the_roster_reads_a_volunteers_hours_areas_and_consent_in_the_consoles_language(app, db):
    from .test_volunteers import add_volunteer

    add_volunteer(db, "+16175550101", "Ana", areas="*", availability="mon-fri 9-17")
    add_volunteer(db, "+16175550102", "Ben", areas="02139", availability="any")
    client = signed_in(app, db, "coordinator")
    post(client, "/account/language", {"language": "es"})
    page = text(client.get("/volunteers?status=all"))
    for spanish in ("lun-vie 9-17", in_("es", "Any time"), in_("es", "anywhere")):
        assert spanish in page, spanish
    for english in ("mon-fri", "Any time", "anywhere"):
        assert english not in page, english
    assert "021" not in page.replace("02139", "")  # the wider area a ZIP code brings is not listed

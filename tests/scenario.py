"""A whole food run through the harness: a resident asks, a volunteer is offered it by text."""
from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone

from sqlalchemy import select

from hotline import volunteers
from hotline.models import Offer, OutboxMessage

from .conftest import PUBLIC_URL, Phone, sign

RESIDENT = "+15551230000"
VOLUNTEER = "+16175550142"
# A Tuesday, 15:00 in New York: everyone's available and awake.
AFTERNOON = datetime(2026, 3, 3, 20, 0, tzinfo=timezone.utc)


def add_volunteer(db, phone: str, name: str) -> int:
    with db.session() as session:
        volunteer = volunteers.save(session, volunteers.VolunteerSpec(
            phone=phone, first_name=name, skills="food", languages="en", areas="02139", availability="any",
            weekly_cap=None, wheelchair_vehicle=False, consent_method="test", status="active"))
        return volunteer.id


def request_food(phone: Phone) -> str:
    for words in ("hi", "1", "1", "groceries for 3", "Elm St, 02139"):
        phone.text(words)
    return phone.text("1")


def offer_code(db, volunteer_number: str) -> str:
    """The code of the task last offered to a volunteer, read from the offer text queued to them."""
    with db.session() as session:
        bodies = [m.body for m in session.scalars(
            select(OutboxMessage).where(OutboxMessage.to == volunteer_number, OutboxMessage.kind == "offer")
            .order_by(OutboxMessage.id))]
        assert bodies, "no offer was queued"
        assert session.scalar(select(Offer.id)) is not None
    return re.search(r"\b(\d{3})\b", bodies[-1]).group(1)


def food_run(harness, resident: str = RESIDENT, volunteer: str = VOLUNTEER) -> str:
    """Move to a weekday afternoon, have a resident ask for food and a volunteer get the offer; return its code."""
    harness.clock.move_to(AFTERNOON)
    add_volunteer(harness.db, volunteer, "Rosa")
    request_food(Phone(harness.client, resident))
    harness.run_jobs()
    return offer_code(harness.db, volunteer)


def signed_post(client, path: str, params: dict):
    """Post a form to a webhook signed the way Twilio signs it."""
    return client.post(path, data=params, headers={"X-Twilio-Signature": sign(f"{PUBLIC_URL}{path}", params)})


def new_sid(prefix: str = "SM") -> str:
    return prefix + uuid.uuid4().hex

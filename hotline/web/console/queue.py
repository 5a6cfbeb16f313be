"""The queue (`/`, `/needs`): what needs a person on top, then open needs, urgent and newest first.

The filters live in the URL, so a filtered view can be bookmarked, shared and exported. An open
page asks `/needs/live` for what changed every CONSOLE_REFRESH_SECONDS (no reload needed).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Blueprint, g, redirect, render_template, request, url_for
from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import selectinload

from ... import accounts, areas, needs
from ...guard import surge
from ...i18n import keywords as kw
from ...clock import now as utcnow
from ...i18n import languages
from ...models import Need, Offer, VolunteerArea
from ..twilio import hotline
from . import access, labels
from .i18n import gettext as _

bp = Blueprint("queue", __name__)

PAGE = 100
AGES = {"1d": timedelta(days=1), "3d": timedelta(days=3), "7d": timedelta(days=7), "30d": timedelta(days=30)}
STATUSES = ("active", *labels.NEED_STATUS, "all")


@dataclass(frozen=True)
class Filters:
    status: str = "active"
    category: str = ""
    language: str = ""
    area: str = ""
    age: str = ""
    page: int = 1
    number: str = ""  # a request's number, or a task code as volunteers' texts show it

    @classmethod
    def from_request(cls) -> "Filters":
        args = request.args
        status = args.get("status", "active")
        category = args.get("category", "")
        language = args.get("language", "")
        age = args.get("age", "")
        page = args.get("page", "1")
        number = "".join(args.get("number", "").split()).lstrip("#")
        return cls(
            status=status if status in STATUSES else "active",
            category=category if category in labels.CATEGORY else "",
            language=language if language in languages.REGISTRY else "",
            area=" ".join(args.get("area", "").split())[:64],
            age=age if age in AGES else "",
            page=int(page) if page.isascii() and page.isdigit() and len(page) < 6 and 0 < int(page) < 10_000 else 1,
            number=number if number.isascii() and number.isdigit() and len(number) <= 12 else "",
        )

    def args(self, **changes) -> dict[str, str]:
        """The filters as URL arguments (only those set), with some changed."""
        values = {"status": self.status, "category": self.category, "language": self.language,
                  "area": self.area, "age": self.age, "number": self.number, "page": self.page, **changes}
        return {k: v for k, v in values.items() if v and not (k == "status" and v == "active")
                and not (k == "page" and v == 1)}

    def is_an_area(self) -> bool:
        """A ZIP code or the name of an area volunteers cover: what a viewer may filter by."""
        if areas.ZIP.fullmatch(self.area):
            return True
        key = kw.normalize(self.area)
        return key in known_area_names()

    def apply(self, query, now: datetime):
        if self.status == "active":
            query = query.where(Need.status.in_(needs.ACTIVE))
        elif self.status != "all":
            query = query.where(Need.status == self.status)
        if self.category:
            query = query.where(Need.category == self.category)
        if self.language:
            query = query.where(Need.language == self.language)
        if self.area and not access.can(accounts.ACT) and not self.is_an_area():
            # A viewer sees areas, never addresses: a filter that is no area would let them test one.
            return query.where(false())
        if self.area:
            pattern = "%" + self.area.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            query = query.where(func.lower(Need.location).like(pattern.lower(), escape="\\"))
        if self.age:
            query = query.where(Need.created_at >= now - AGES[self.age])
        if self.number:
            # "Ride 434" in a volunteer's texts is their task code; the console and residents use the request's number.
            query = query.where(or_(Need.ref == self.number,
                                    Need.id.in_(select(Offer.need_id).where(Offer.code == self.number))))
        return query


def known_area_names() -> set[str]:
    """The neighbourhood names volunteers cover, as people type them."""
    return {kw.normalize(label) for label in g.db_session.scalars(select(VolunteerArea.label).distinct()) if label}


def attention_needs(session) -> list[Need]:
    """What only a person can move, oldest first: it has waited longest."""
    return list(session.scalars(
        select(Need).where(Need.attention.is_not(None)).order_by(Need.attention_at, Need.id)
        .options(selectinload(Need.contact)).limit(PAGE)))


def queue_needs(session, filters: Filters, now: datetime) -> tuple[list[Need], int]:
    query = filters.apply(select(Need), now)
    total = session.scalar(filters.apply(select(func.count(Need.id)), now)) or 0
    rows = session.scalars(
        query.order_by(Need.urgent.desc(), Need.created_at.desc(), Need.id.desc())
        .offset((filters.page - 1) * PAGE).limit(PAGE)
        .options(selectinload(Need.contact), selectinload(Need.offers).selectinload(Offer.volunteer)))
    return list(rows), total


def context(filters: Filters) -> dict:
    session = g.db_session
    now = utcnow()
    rows, total = queue_needs(session, filters, now)
    return {
        "filters": filters, "rows": rows, "total": total, "attention": attention_needs(session), "now": now,
        "pages": max(1, (total + PAGE - 1) // PAGE), "refresh": hotline().settings.console_refresh_seconds,
        "helpers": helpers, "labels": labels, "access": access,
    }


def helpers(need: Need) -> str:
    return ", ".join(o.volunteer.first_name for o in need.offers if o.status == "claimed")


def fingerprint(found: dict) -> str:
    """What the two lists show, in a few characters: the same lists give the same fingerprint."""
    rows = [(n.ref, n.status, n.urgent, n.attention, n.updated_at.isoformat(), helpers(n), n.location)
            for n in [*found["attention"], *found["rows"]]]
    return hashlib.sha256(repr((found["total"], rows)).encode()).hexdigest()[:16]


@bp.get("/")
@bp.get("/needs")
@access.requires(accounts.READ)
def index():
    filters = Filters.from_request()
    if filters.number and (ref := g.db_session.scalar(select(Need.ref).where(Need.ref == filters.number))):
        return redirect(url_for("needs.show", ref=ref))  # a request's own number: straight to it
    found = context(filters)
    return render_template("console/queue.html", section="queue", title=_("Needs"),
                           statuses=STATUSES, ages=AGES, languages=list(languages.REGISTRY.values()),
                           seen=fingerprint(found), surge=surge_now(), **found)


def surge_now() -> int | None:
    """New numbers in the last minute while that is a surge (first texts get the short note), else None."""
    threshold = hotline().settings.surge_first_texts_per_minute
    if threshold <= 0:
        return None
    rate = surge.new_numbers(g.db_session, utcnow())
    return rate if rate > threshold else None


@bp.get("/needs/live")
@access.requires(accounts.READ)
def live():
    """The two lists of the queue, for an open page to swap in; 204 when nothing changed, so a
    screen reader's place and what it announces stay put."""
    found = context(Filters.from_request())
    seen = fingerprint(found)
    if request.args.get("seen") == seen:
        return "", 204
    return render_template("console/queue_live.html", seen=seen, **found)

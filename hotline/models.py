"""Database models."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, MetaData, String, Text, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.mutable import MutableDict, MutableList
from sqlalchemy.orm import DeclarativeBase, Mapped, backref, mapped_column, relationship

from .clock import now


class UTCDateTime(TypeDecorator):
    """Store UTC without a zone (SQLite has none) and always hand back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


JSONData = MutableDict.as_mutable(JSON().with_variant(JSONB(), "postgresql"))

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSONData}


class Contact(Base):
    """Anyone who texts or calls the hotline, keyed by phone number."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(32), unique=True)
    language: Mapped[str | None] = mapped_column(String(16))
    opted_out: Mapped[bool] = mapped_column(default=False)
    opted_out_at: Mapped[datetime | None]
    # Why SMS cannot reach this number (landline, invalid), when known.
    sms_unusable: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=now)
    last_seen_at: Mapped[datetime] = mapped_column(default=now)

    conversation: Mapped["Conversation"] = relationship(back_populates="contact", uselist=False)
    needs: Mapped[list["Need"]] = relationship(back_populates="contact", order_by="Need.id")


class Conversation(Base):
    """Where one contact is in the hotline's flows: the only conversation state there is."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), unique=True)
    flow: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Bumped on every step change, so a late answer to an old question can be recognised.
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=now)

    contact: Mapped[Contact] = relationship(back_populates="conversation")


class InboundMessage(Base):
    """Every message received, with the reply given, so a retried webhook gets the same answer."""

    __tablename__ = "inbound_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"), index=True)
    sender: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(8), default="sms")
    body: Mapped[str] = mapped_column(Text, default="")
    reply: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(default=now)


class Need(Base):
    """A request for help, from intake to done."""

    __tablename__ = "needs"
    __table_args__ = (Index("ix_needs_contact_status", "contact_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(12), unique=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(24))
    details: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    channel: Mapped[str] = mapped_column(String(8), default="sms")
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)

    contact: Mapped[Contact] = relationship(back_populates="needs")
    events: Mapped[list["NeedEvent"]] = relationship(
        back_populates="need", order_by="NeedEvent.id", cascade="all, delete-orphan"
    )


class NeedEvent(Base):
    """One thing that happened to a need: its history for residents and coordinators."""

    __tablename__ = "need_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=now)
    kind: Mapped[str] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(Text, default="")

    need: Mapped[Need] = relationship(back_populates="events")


class Ride(Base):
    """A ride asked for through a need: where from, where to, when, and who and what it carries."""

    __tablename__ = "rides"
    __table_args__ = (Index("ix_rides_status_pickup_at", "status", "pickup_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), unique=True)
    pickup: Mapped[str] = mapped_column(Text, default="")
    destination: Mapped[str] = mapped_column(Text, default="")
    # The wall-clock time the rider asked for ("2026-12-03T15:00") and its zone are the truth;
    # pickup_at is that moment in UTC, worked out from them, for ordering and scheduling.
    pickup_at: Mapped[datetime | None]
    local_time: Mapped[str | None] = mapped_column(String(16))
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    # For the way there: "none", "time" (a return ride exists) or "will_call" (no time yet).
    return_plan: Mapped[str] = mapped_column(String(16), default="none")
    return_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("rides.id", ondelete="SET NULL"), unique=True
    )
    mobility: Mapped[list[str]] = mapped_column(
        MutableList.as_mutable(JSON().with_variant(JSONB(), "postgresql")), default=list
    )
    riders: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="requested")
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)

    need: Mapped[Need] = relationship(backref=backref("ride", uselist=False))
    return_of: Mapped["Ride | None"] = relationship(
        remote_side=[id], backref=backref("return_ride", uselist=False)
    )

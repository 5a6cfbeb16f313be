"""Database models."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Text, TypeDecorator, UniqueConstraint, func, or_, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.ext.mutable import MutableDict, MutableList
from sqlalchemy.orm import DeclarativeBase, Mapped, backref, column_property, mapped_column, relationship
from sqlalchemy.schema import CreateIndex

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
    __table_args__ = (Index("ix_contacts_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(32), unique=True)
    language: Mapped[str | None] = mapped_column(String(16))
    # "chosen" (menu or name), or "detected" from a first message until they answer in it.
    language_source: Mapped[str | None] = mapped_column(String(16))
    opted_out: Mapped[bool] = mapped_column(default=False)
    opted_out_at: Mapped[datetime | None]
    # Why SMS cannot reach this number (landline, invalid, hidden caller ID), when known.
    sms_unusable: Mapped[str | None] = mapped_column(String(64))
    # A number a caller with a hidden caller ID typed in to be reached at ("" when they declined).
    callback_phone: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=now)
    last_seen_at: Mapped[datetime] = mapped_column(default=now)
    # When they were told how long things are kept and how to erase them (once, in their language).
    privacy_told_at: Mapped[datetime | None]
    # Guards on the way in (hotline/guard/). A blocked number gets no answer and files nothing,
    # until blocked_until (never, when empty); a coordinator says why.
    blocked_at: Mapped[datetime | None]
    blocked_until: Mapped[datetime | None]
    block_reason: Mapped[str | None] = mapped_column(Text)
    # A number whose texts looked automatic (an auto-reply answering the hotline) is muted: its
    # texts are kept, unanswered, until muted_until or a coordinator unmutes it.
    muted_at: Mapped[datetime | None]
    muted_until: Mapped[datetime | None]
    muted_reason: Mapped[str | None] = mapped_column(String(32))
    # When they were last told they are texting too fast (once per window).
    slowed_at: Mapped[datetime | None]
    # Replies given in the hour that started at replies_since (the reply budget).
    replies_since: Mapped[datetime | None]
    replies_count: Mapped[int] = mapped_column(Integer, default=0)

    conversation: Mapped["Conversation"] = relationship(back_populates="contact", uselist=False)
    needs: Mapped[list["Need"]] = relationship(back_populates="contact", order_by="Need.id")

    def blocked(self, at: datetime) -> bool:
        return self.blocked_at is not None and (self.blocked_until is None or self.blocked_until > at)

    def muted(self, at: datetime) -> bool:
        return self.muted_until is not None and self.muted_until > at


def contact_blocked(at: datetime):
    """The condition for a contact blocked at `at`, for queries (Contact.blocked in SQL)."""
    return Contact.blocked_at.is_not(None) & or_(Contact.blocked_until.is_(None), Contact.blocked_until > at)


def contact_muted(at: datetime):
    """The condition for a contact muted at `at`, for queries (Contact.muted in SQL)."""
    return Contact.muted_until.is_not(None) & (Contact.muted_until > at)


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
    # A number's recent texts, newest first, for the guards on the way in.
    __table_args__ = (Index("ix_inbound_messages_contact_received", "contact_id", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Who wrote: the contact, never the number (a number lives only in `contacts`).
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"), index=True)
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
    # How many helpers it takes, and how many have claimed it (raised by a conditional UPDATE).
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    claimed_count: Mapped[int] = mapped_column(Integer, default=0)
    urgent: Mapped[bool] = mapped_column(default=False)
    # Why it needs a person (nobody found, a voicemail, a hidden number, not helped, a call
    # nobody answered, a silent driver...), until a coordinator marks it handled.
    attention: Mapped[str | None] = mapped_column(String(32), index=True)
    attention_at: Mapped[datetime | None]
    # Dispatch: the last wave of offers sent, and when the next is due if nobody claims.
    wave: Mapped[int] = mapped_column(Integer, default=0)
    next_wave_at: Mapped[datetime | None] = mapped_column(index=True)
    # Two words the helper says at the door of a visit, in the resident's language; picked afresh
    # at each claim that finds nobody else holding the need, gone when nobody does.
    door_words: Mapped[str | None] = mapped_column(String(64))
    # Once its resident was erased: a random mark their requests share, so the fund still counts one
    # household for them (they point at nobody).
    erased_household: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)

    contact: Mapped[Contact] = relationship(back_populates="needs")
    offers: Mapped[list["Offer"]] = relationship(back_populates="need", order_by="Offer.id")
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
    # Who in the console did it (an email), empty for what the hotline did itself.
    actor: Mapped[str] = mapped_column(String(254), default="")

    need: Mapped[Need] = relationship(back_populates="events")


class Recording(Base):
    """A caller's recorded words: a voicemail for coordinators, or an answer said where speech is not recognised."""

    __tablename__ = "recordings"

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"), index=True)
    need_id: Mapped[int | None] = mapped_column(ForeignKey("needs.id", ondelete="SET NULL"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # voicemail, answer
    language: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(Text, default="")
    duration: Mapped[int | None] = mapped_column(Integer)
    transcription: Mapped[str | None] = mapped_column(Text)
    transcription_status: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=now)
    transcribed_at: Mapped[datetime | None]

    need: Mapped["Need | None"] = relationship()


class Recorder(Base):
    """A number a coordinator approved to record the hotline's sentences in a language, on the recording line."""

    __tablename__ = "recorders"
    __table_args__ = (UniqueConstraint("contact_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(16))
    # A name the console shows instead of the number ("Marie, volunteer").
    name: Mapped[str] = mapped_column(String(64), default="")
    approved_by: Mapped[str] = mapped_column(String(254))
    approved_at: Mapped[datetime] = mapped_column(default=now)

    contact: Mapped[Contact] = relationship()


class SentenceRecording(Base):
    """A person's recording of one sentence the hotline says, for a language Twilio cannot speak.

    `key` names the sentence as locales/<ll>/audio/ does (hotline.voice.audio.audio_key): a
    translation that changes leaves the recording matching nothing. Made on the recording line
    (draft until the recorder keeps it) or uploaded in the console; waiting until a coordinator
    approves or rejects it. The sound itself is kept here, so every web process can serve it.
    """

    __tablename__ = "sentence_recordings"
    __table_args__ = (
        Index("ix_sentence_recordings_language_key_status", "language", "key", "status"),
        # One approved recording per sentence, whatever two coordinators do at once.
        Index("uq_sentence_recordings_approved", "language", "key", unique=True,
              sqlite_where=text("status = 'approved'"), postgresql_where=text("status = 'approved'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(16))
    sentence: Mapped[str] = mapped_column(Text)
    # draft, waiting, approved, rejected, replaced (by a later approved one)
    status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))  # call, upload
    # Twilio's recording, fetched into `audio` by a job (a call) or given at once (an upload).
    recording_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    url: Mapped[str] = mapped_column(Text, default="")
    call_sid: Mapped[str | None] = mapped_column(String(64))
    recorder_id: Mapped[int | None] = mapped_column(ForeignKey("recorders.id", ondelete="SET NULL"))
    uploaded_by: Mapped[str] = mapped_column(String(254), default="")
    audio_type: Mapped[str | None] = mapped_column(String(4))  # mp3, wav
    audio: Mapped[bytes | None] = mapped_column(LargeBinary)
    size: Mapped[int | None] = mapped_column(Integer)
    fetch_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=now)
    decided_by: Mapped[str | None] = mapped_column(String(254))
    decided_at: Mapped[datetime | None]

    recorder: Mapped[Recorder | None] = relationship()


class Volunteer(Base):
    """A neighbour who gets offers by SMS and claims tasks by texting their code back."""

    __tablename__ = "volunteers"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), unique=True)
    first_name: Mapped[str] = mapped_column(String(64))
    # pending (waiting for a coordinator), active, paused, removed
    status: Mapped[str] = mapped_column(String(16), default="pending")
    paused_until: Mapped[datetime | None]
    any_time: Mapped[bool] = mapped_column(default=True)
    weekly_cap: Mapped[int] = mapped_column(Integer, default=3)
    # Local hours (HOTLINE_TIMEZONE) when no offer may wake them, unless urgent.
    quiet_start: Mapped[int] = mapped_column(Integer, default=21)
    quiet_end: Mapped[int] = mapped_column(Integer, default=8)
    wheelchair_vehicle: Mapped[bool] = mapped_column(default=False)
    consent_at: Mapped[datetime | None]
    consent_method: Mapped[str] = mapped_column(String(64), default="")
    last_offered_at: Mapped[datetime | None]
    last_assigned_at: Mapped[datetime | None]
    # The claim that filled the weekly cap: the weekly_cap-th most recent claimed_at among their
    # COUNTED offers (None with fewer claims, or a cap of 0). They are at their cap while it lies in
    # the last 7 days. Database triggers keep it right on every change to offers or to the cap, so
    # matching reads one column instead of counting every candidate's offers.
    cap_filled_at: Mapped[datetime | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=now)
    # Care: when a heavy week last brought the offer of a rest, when they last took one (REST),
    # and when the monthly thank-you last went to them.
    rest_offered_at: Mapped[datetime | None]
    rested_at: Mapped[datetime | None]
    thanked_at: Mapped[datetime | None]

    contact: Mapped[Contact] = relationship()
    skills: Mapped[list["VolunteerSkill"]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    languages: Mapped[list["VolunteerLanguage"]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    areas: Mapped[list["VolunteerArea"]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    availability: Mapped[list["Availability"]] = relationship(cascade="all, delete-orphan", lazy="selectin")


# Matching walks volunteers in this order (least recently given work, then least recently asked)
# and stops at the first few who fit, instead of sorting everyone who fits.
Index("ix_volunteers_next_up", Volunteer.last_assigned_at.asc().nulls_first(),
      Volunteer.last_offered_at.asc().nulls_first(), Volunteer.id)


@compiles(CreateIndex, "sqlite")
def _create_index_on_sqlite(create, compiler, **kw) -> str:
    """Leave out NULLS FIRST: SQLite sorts NULL first in ascending order already and refuses it in an index."""
    return compiler.visit_create_index(create, **kw).replace(" ASC NULLS FIRST", "")


class VolunteerSkill(Base):
    __tablename__ = "volunteer_skills"
    # Who has a skill, read from the index alone (matching).
    __table_args__ = (Index("ix_volunteer_skills_skill_volunteer", "skill", "volunteer_id"),)

    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True)
    skill: Mapped[str] = mapped_column(String(24), primary_key=True)


class VolunteerLanguage(Base):
    __tablename__ = "volunteer_languages"
    # Who speaks a language, read from the index alone (matching).
    __table_args__ = (Index("ix_volunteer_languages_language_volunteer", "language", "volunteer_id"),)

    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(16), primary_key=True)


class VolunteerArea(Base):
    """An area a volunteer covers: a ZIP code, a neighbourhood name, or "*" for anywhere."""

    __tablename__ = "volunteer_areas"

    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True)
    area: Mapped[str] = mapped_column(String(64), primary_key=True)
    label: Mapped[str] = mapped_column(String(64), default="")
    # The volunteer's own last_assigned_at and last_offered_at, copied here by database triggers
    # (migration 0014) whenever either changes or an area is added: never written from Python.
    # With them ix_volunteer_areas_next_up lists an area's volunteers in rotation order.
    last_assigned_at: Mapped[datetime | None]
    last_offered_at: Mapped[datetime | None]


# Matching walks the volunteers of a ZIP code or a neighbourhood in rotation order and stops at the
# first few who fit, however many live there; also who covers an area, from the index alone.
Index("ix_volunteer_areas_next_up", VolunteerArea.area, VolunteerArea.last_assigned_at.asc().nulls_first(),
      VolunteerArea.last_offered_at.asc().nulls_first(), VolunteerArea.volunteer_id)


class Availability(Base):
    """A weekly window, in local time, when a volunteer can help (minutes from midnight)."""

    __tablename__ = "availability"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)  # Monday is 0
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)


# Offers in these states count against a volunteer's weekly cap, from when they were claimed.
# The triggers that keep Volunteer.cap_filled_at (migration 0013) list the same two: change both.
COUNTED = ("claimed", "done")


class Offer(Base):
    """A need offered to one volunteer, with the code they reply to claim it."""

    __tablename__ = "offers"
    __table_args__ = (
        Index("uq_offers_need_volunteer", "need_id", "volunteer_id", unique=True),
        Index("ix_offers_volunteer_status", "volunteer_id", "status"),
        Index("ix_offers_volunteer_claimed_at", "volunteer_id", "claimed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"))
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(8))
    # offered, claimed, passed, taken, expired, failed, done, dropped, cancelled
    status: Mapped[str] = mapped_column(String(16), default="offered")
    wave: Mapped[int] = mapped_column(Integer, default=1)
    offered_at: Mapped[datetime] = mapped_column(default=now)
    claimed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    need: Mapped[Need] = relationship(back_populates="offers")
    volunteer: Mapped[Volunteer] = relationship()


class Ask(Base):
    """A question the hotline sent someone outside their conversation, waiting for a 1 or a 2."""

    __tablename__ = "asks"
    __table_args__ = (Index("ix_asks_contact_open", "contact_id", "answered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    subject_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    answer: Mapped[str | None] = mapped_column(String(24))


class CheckIn(Base):
    """A resident's regular wellness check-in: when they are asked, how, and who looks in when they do not answer."""

    __tablename__ = "checkins"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), unique=True)
    # active, paused (until paused_until, or until they text CHECKIN when empty), stopped
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    # The local weekdays it is asked on, Monday 0: "0123456" every day, "0" on Mondays.
    days: Mapped[str] = mapped_column(String(7), default="0123456")
    # The wall-clock time and its zone are the truth ("09:00", "America/New_York"); next_at is the
    # next moment in UTC worked out from them, for ordering and the sweep.
    local_time: Mapped[str] = mapped_column(String(5))
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    channel: Mapped[str] = mapped_column(String(8), default="sms")  # sms, call
    # Who is asked to look in when nobody answers: "volunteer" (the one chosen, else one who does
    # check-ins in their area and language) or "coordinators".
    escalate_to: Mapped[str] = mapped_column(String(16), default="coordinators")
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteers.id", ondelete="SET NULL"))
    # Where a neighbour looking in should go, and the name they are greeted by ("" when not known).
    location: Mapped[str] = mapped_column(Text, default="")
    name: Mapped[str] = mapped_column(String(64), default="")
    paused_until: Mapped[datetime | None]
    next_at: Mapped[datetime | None] = mapped_column(index=True)
    # "resident" when set up by text, else the coordinator's email.
    created_by: Mapped[str] = mapped_column(String(254), default="resident")
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)

    contact: Mapped[Contact] = relationship()
    volunteer: Mapped["Volunteer | None"] = relationship()
    rounds: Mapped[list["CheckInRound"]] = relationship(
        back_populates="checkin", order_by="CheckInRound.id", cascade="all, delete-orphan"
    )


class CheckInRound(Base):
    """One check-in as it happened: asked, tried again, answered, missed, looked in on."""

    __tablename__ = "checkin_rounds"
    # One round per check-in and local moment, however often its job runs.
    __table_args__ = (UniqueConstraint("checkin_id", "wall"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None once its resident was erased: the round stays, counted in the public figures, with only
    # `erased_plan`, a random mark shared by the rounds of one erased plan, so people can be counted.
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"), index=True)
    erased_plan: Mapped[str | None] = mapped_column(String(16))
    # The local wall-clock moment it was for, "2027-03-14T09:00", and that moment in UTC.
    wall: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime]
    # asked, retried, ok, help (answered 2), escalated, skipped (its moment passed in an outage)
    status: Mapped[str] = mapped_column(String(16), default="asked")
    tries: Mapped[int] = mapped_column(Integer, default=0)
    asked_at: Mapped[datetime | None]
    retried_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    answer: Mapped[str | None] = mapped_column(String(8))
    answer_channel: Mapped[str | None] = mapped_column(String(8))
    escalated_at: Mapped[datetime | None]
    # The look-in (or the call asked for with a 2), a need like any other.
    need_id: Mapped[int | None] = mapped_column(ForeignKey("needs.id", ondelete="SET NULL"))

    checkin: Mapped[CheckIn | None] = relationship(back_populates="rounds")
    need: Mapped["Need | None"] = relationship()


class OutboxMessage(Base):
    """A message to someone other than the person being answered, from queued to delivered.

    `status` walks pending -> submitting -> queued -> sending -> sent -> delivered; it ends in
    delivered, failed, undelivered, expired or skipped. `unknown` means a send timed out after
    the request left: the row waits for Twilio's message list to say whether it exists.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(8), default="sms")
    kind: Mapped[str] = mapped_column(String(24))
    # Who it goes to: the contact, never the number (a number lives only in `contacts`).
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text, default="")
    # Answers someone who wrote in: exempt from the per-recipient burst cap.
    reply: Mapped[bool] = mapped_column(default=False)
    need_id: Mapped[int | None] = mapped_column(ForeignKey("needs.id", ondelete="SET NULL"), index=True)
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    reason: Mapped[str | None] = mapped_column(Text)
    error_code: Mapped[int | None] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Times Twilio's message list was asked about an ambiguous send.
    checks: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)
    send_after: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    # When the next job for this row is due; the sweep re-enqueues rows long past it.
    next_attempt_at: Mapped[datetime] = mapped_column(default=now)
    # Pacing reservations already held, so a rescheduled job does not reserve twice.
    recipient_slot_at: Mapped[datetime | None]
    sender_slot_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    from_number: Mapped[str | None] = mapped_column(String(64))
    twilio_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    segments: Mapped[int | None] = mapped_column(Integer)
    # The budget that last held it back ("sms:day", "call:month"...); kept once it went out or expired.
    held_for: Mapped[str | None] = mapped_column(String(16))

    contact: Mapped[Contact | None] = relationship()
    # The number it goes to, read from its contact when the row is loaded ("" once the contact is erased).
    to: Mapped[str] = column_property(func.coalesce(
        select(Contact.phone).where(Contact.id == contact_id).correlate_except(Contact).scalar_subquery(), ""))


class DeliveryReport(Base):
    """A status callback from Twilio, kept once per (MessageSid, MessageStatus)."""

    __tablename__ = "delivery_reports"
    __table_args__ = (UniqueConstraint("message_sid", "message_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_sid: Mapped[str] = mapped_column(String(64))
    message_status: Mapped[str] = mapped_column(String(24))
    error_code: Mapped[int | None] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(default=now)

class Spend(Base):
    """What Twilio bills, per local day: SMS segments sent or replied, call minutes rounded up per call."""

    __tablename__ = "spend"

    # The day in HOTLINE_TIMEZONE, "2026-03-08"; a month is the days that start with "2026-03".
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    measure: Mapped[str] = mapped_column(String(8), primary_key=True)  # sms, call
    units: Mapped[int] = mapped_column(Integer, default=0)


class BudgetPeriod(Base):
    """One budget in one period: a raise an admin gave it, and when coordinators were warned."""

    __tablename__ = "budget_periods"

    measure: Mapped[str] = mapped_column(String(8), primary_key=True)  # sms, call
    span: Mapped[str] = mapped_column(String(8), primary_key=True)  # day, month
    period: Mapped[str] = mapped_column(String(10), primary_key=True)  # "2026-03-08", "2026-03"
    # The budget for this period only, as an admin raised it (None: the configured one).
    raised_to: Mapped[int | None] = mapped_column(Integer)
    raised_by: Mapped[str | None] = mapped_column(String(254))
    raised_at: Mapped[datetime | None]
    # Coordinators are told once a period at 80 % and once at 100 % (again after a raise).
    warned_at: Mapped[datetime | None]
    reached_at: Mapped[datetime | None]


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
    # Reminders sent and answers given; each reminder goes out once, for the time it was for.
    evening_reminded_at: Mapped[datetime | None]
    hour_reminded_at: Mapped[datetime | None]
    driver_checked_at: Mapped[datetime | None]
    driver_confirmed_at: Mapped[datetime | None]
    rider_confirmed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)

    need: Mapped[Need] = relationship(backref=backref("ride", uselist=False))
    return_of: Mapped["Ride | None"] = relationship(
        remote_side=[id], backref=backref("return_ride", uselist=False)
    )


class User(Base):
    """Someone who runs the hotline from the console: an admin, a coordinator or a viewer."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    # The console's language for them; empty: their browser's.
    language: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = mapped_column(default=now)
    last_login_at: Mapped[datetime | None]
    # Bumped when they are disabled or their password changes: every session they had ends.
    session_version: Mapped[int] = mapped_column(Integer, default=0)
    # Their own phone (E.164), which the hotline rings to put them through to a resident.
    phone: Mapped[str | None] = mapped_column(String(32))


class AuditEntry(Base):
    """One action that changed data or showed what is private: who, when, what, before and after.

    Append-only: the database refuses to update or delete a row (a trigger on each engine).
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Who: a console user's email, or "command line (<login>)".
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(48), index=True)
    # What it was done to, e.g. "need 123456", "volunteer 12", "user ana@example.org".
    subject: Mapped[str] = mapped_column(String(128), default="")
    before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(default=dict)
    address: Mapped[str] = mapped_column(String(64), default="")


class LoginThrottle(Base):
    """Failed logins counted per account and per address, and how long each is locked out."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(320), primary_key=True)  # "account:<email>", "address:<ip>"
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[datetime] = mapped_column(default=now)
    locked_until: Mapped[datetime | None]


class SetupToken(Base):
    """A one-time link that creates the first admin of a fresh install."""

    __tablename__ = "setup_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class FundEntry(Base):
    """One line of the emergency fund's ledger: money in, money out to pay a request, or the reversal of a line.

    Never edited or deleted (a trigger on each engine refuses it), except the one step that approves a
    disbursement entered above FUND_SECOND_APPROVAL_ABOVE. Amounts are whole minor units (cents).
    """

    __tablename__ = "fund_entries"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("direction IN ('in', 'out')", name="direction"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(3))  # "in" or "out"
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    # The day the money came in or went out, on the hotline's clock.
    on_date: Mapped[date] = mapped_column(Date, index=True)
    # Money in: donation, grant, event or other. Money out: cash, check, bank transfer, mobile payment, gift card.
    source: Mapped[str | None] = mapped_column(String(16))
    method: Mapped[str | None] = mapped_column(String(16))
    # Money in: a note anyone may read. The donor's name only when they agreed to it being public.
    note: Mapped[str] = mapped_column(Text, default="")
    donor_name: Mapped[str | None] = mapped_column(String(120))
    # Money out: the request it pays (an erased resident's request stays, tied to nobody).
    need_id: Mapped[int | None] = mapped_column(ForeignKey("needs.id"), index=True)
    # A reversal names the entry it cancels, and why; an entry is reversed at most once.
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("fund_entries.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_by: Mapped[str] = mapped_column(String(254))
    entered_at: Mapped[datetime] = mapped_column(default=now)
    # Set when the amount was above the second-approval threshold: it counts once another account approves.
    needs_approval: Mapped[bool] = mapped_column(default=False)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_by: Mapped[str | None] = mapped_column(String(254))
    approved_at: Mapped[datetime | None]

    need: Mapped[Need | None] = relationship()
    reverses: Mapped["FundEntry | None"] = relationship(remote_side=[id], backref=backref("reversed_by", uselist=False))


class Broadcast(Base):
    """One text a coordinator sent from the console to many volunteers at once, in each one's language."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by: Mapped[str] = mapped_column(String(254))
    audience: Mapped[str] = mapped_column(String(16), default="volunteers")
    # What was chosen (skill, area, language, status) and the words for each language, as sent.
    filters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    texts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    # Recipients not queued because the budget would have been passed (sent later with "send the rest").
    held: Mapped[int] = mapped_column(Integer, default=0)
    segments: Mapped[int] = mapped_column(Integer, default=0)
    # The preview it was sent from: a second click on the same preview finds this row and sends nothing.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    # A volunteer's texts until then (that are no command or task code) are replies to it.
    replies_until: Mapped[datetime]

    sent_to: Mapped[list["BroadcastRecipient"]] = relationship(
        back_populates="broadcast", order_by="BroadcastRecipient.id", cascade="all, delete-orphan")
    replies: Mapped[list["BroadcastReply"]] = relationship(
        back_populates="broadcast", order_by="BroadcastReply.id", cascade="all, delete-orphan")


class BroadcastRecipient(Base):
    """One person a broadcast went to (or waits for the budget to go to): one outbox row each, at most."""

    __tablename__ = "broadcast_recipients"
    __table_args__ = (UniqueConstraint("broadcast_id", "contact_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"), index=True)
    language: Mapped[str] = mapped_column(String(16))
    segments: Mapped[int] = mapped_column(Integer, default=1)
    # The text queued for them; None while held by the budget.
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now)

    broadcast: Mapped[Broadcast] = relationship(back_populates="sent_to")
    outbox: Mapped["OutboxMessage | None"] = relationship()


class BroadcastReply(Base):
    """What a volunteer texted back to a broadcast: for the coordinators, never for a resident's flow."""

    __tablename__ = "broadcast_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(64), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(default=now)

    broadcast: Mapped[Broadcast] = relationship(back_populates="replies")


class UpdateConsent(Base):
    """A resident's yes or no to broadcast updates about one kind of need (RESIDENT_UPDATES), and when."""

    __tablename__ = "update_consents"

    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    wanted: Mapped[bool] = mapped_column(default=False)
    # "asked" (the question after a request), "keyword" (UPDATES) or "stop" (STOP then START took a yes
    # back), for whoever checks consent later.
    source: Mapped[str] = mapped_column(String(16), default="asked")
    at: Mapped[datetime] = mapped_column(default=now)

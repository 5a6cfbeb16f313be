"""What one turn costs the database: SQL round trips per kind of turn, BEGIN and COMMIT included.

On PostgreSQL an ordinary turn (a menu choice, free text) is six round trips: BEGIN; one statement
that locks the conversation and reads the contact, the retried message if any, whether they
volunteer, their open question and whether they have a request in play; the recent texts the
guards weigh; the message written together with the conversation's and the contact's changes;
the day's spend; COMMIT. SQLite has no UPDATE inside WITH, so there those rows are written by
separate statements (in process, no round trip). A confirmation stores the request and answers: the
matching runs after, in the first-wave job, counted apart.
"""
from __future__ import annotations

from contextlib import contextmanager

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select, text

from hotline.models import Offer

from .conftest import Phone, run_first_waves
from .scenario import AFTERNOON, add_volunteer, offer_code

RESIDENT = "+15551230000"
VOLUNTEER = "+16175550142"
POSTGRESQL = "postgresql"


class Statements:
    """Count the round trips the app makes to the database while a block runs."""

    def __init__(self, engine):
        self.engine = engine
        self.seen: list[str] = []

    def _statement(self, conn, cursor, statement, parameters, context, executemany):
        self.seen.append(statement.split(None, 1)[0].upper())

    def _begin(self, conn):
        self.seen.append("BEGIN")

    def _commit(self, conn):
        self.seen.append("COMMIT")

    def _rollback(self, conn):
        self.seen.append("ROLLBACK")

    @contextmanager
    def counting(self):
        self.seen = []
        listeners = [("before_cursor_execute", self._statement), ("commit", self._commit),
                     ("rollback", self._rollback)]
        if self.engine.dialect.name == POSTGRESQL:
            # psycopg sends BEGIN as a round trip of its own; on SQLite, BEGIN IMMEDIATE is a statement.
            listeners.append(("begin", self._begin))
        for name, handler in listeners:
            event.listen(self.engine, name, handler)
        try:
            yield self
        finally:
            for name, handler in listeners:
                event.remove(self.engine, name, handler)

    @property
    def count(self) -> int:
        return len(self.seen)


# Round trips per kind of turn: (PostgreSQL, SQLite).
EXPECTED = {
    "first text": (11, 12),  # the contact and the conversation are made
    "menu choice": (6, 7),
    "free text": (6, 7),
    "confirm": (11, 13),  # the request stored, and one look for anyone who could help
    "status": (8, 8),
    "claim": (23, 23),  # the claim, the winner's details, the resident told
    "duplicate": (3, 3),  # a retried webhook: the stored reply, read with the lock
}


@pytest.fixture
def turns(monkeypatch, app, db):
    """A resident's phone and a volunteer's, on a plain client: first waves go out only when told."""
    monkeypatch.setattr(Flask, "test_client_class", FlaskClient)
    client = app.test_client()
    traveller = time_machine.travel(AFTERNOON, tick=False)
    traveller.start()
    add_volunteer(db, VOLUNTEER, "Rosa")
    yield Phone(client, RESIDENT), Phone(client, VOLUNTEER)
    traveller.stop()


def expected(db, kind: str) -> int:
    postgresql, sqlite = EXPECTED[kind]
    return postgresql if db.engine.dialect.name == POSTGRESQL else sqlite


def test_each_kind_of_turn_costs_the_round_trips_pinned_here(turns, app, db):
    resident, volunteer = turns
    statements = Statements(db.engine)
    spent = {}

    def turn(kind, phone, words, **extra):
        with statements.counting():
            reply = phone.text(words, **extra)
        spent.setdefault(kind, (statements.count, statements.seen))
        return reply

    volunteer.text("hi")  # a volunteer who has texted the hotline before
    turn("first text", resident, "hi")
    resident.text("1")  # English: the first reply in a language also says how long things are kept
    turn("menu choice", resident, "1")  # food
    turn("free text", resident, "groceries for 3")
    turn("free text", resident, "Elm St, 02139")
    confirmed = turn("confirm", resident, "1")
    assert "We are looking for a neighbor" in confirmed
    with statements.counting():
        run_first_waves(app)
    first_wave = statements.count
    turn("status", resident, "STATUS")
    code = offer_code(db, VOLUNTEER)
    turn("claim", volunteer, code)
    with statements.counting():
        again = resident.post("STATUS", sid=resident.last_sid)
    spent["duplicate"] = (statements.count, statements.seen)
    assert again.status_code == 200

    counts = {kind: count for kind, (count, _) in spent.items()}
    assert counts == {kind: expected(db, kind) for kind in EXPECTED}, {k: s for k, (_, s) in spent.items()}
    if db.engine.dialect.name == POSTGRESQL:
        assert counts["menu choice"] <= 6 and counts["free text"] <= 6
    # The matching happened after the answer, in the job: offers went out.
    assert first_wave > counts["menu choice"]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Offer)) == 1


@pytest.mark.skipif(not __import__("os").environ.get("TEST_DATABASE_URL"), reason="PostgreSQL needs TEST_DATABASE_URL")
def test_a_text_after_the_database_dropped_every_connection_is_answered(app, db, phone):
    """No ping before each checkout: a connection the server ended fails once, and the turn runs again."""
    assert "English" in phone.text("hello")
    with db.engine.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
        connection.commit()
    # Every pooled connection but the one just used is dead now; the next turn meets one.
    assert phone.text("1")

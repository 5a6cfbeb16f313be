"""What a delivered text costs: Redis commands and SQL statements, counted, from commit to record."""
from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from dataclasses import replace

import pytest
import redis
from sqlalchemy import event

# Per delivered text, all of it: the kick after the row commits, the RQ job that sends it, pacing,
# recording. A job per text cost about 51 Redis commands and 11 SQL statements.
MAX_REDIS_COMMANDS = 15
MAX_SQL_STATEMENTS = 4
TEXTS = 40
# Transaction control is not a statement of the work (PostgreSQL's BEGIN is not even sent alone).
_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@pytest.fixture
def backend():
    return "rq"


@contextmanager
def redis_commands(counts: Counter):
    """Count every command any Redis connection in this process sends, pipelined ones one by one."""
    # Every command, alone or in a pipeline, is packed by one of these before it is written.
    packers = [redis.connection.PythonRespSerializer, redis.connection.HiredisRespSerializer]
    originals = [packer.pack for packer in packers]

    def counting(pack):
        def packed(self, *args):
            counts[str(args[0]).upper()] += 1
            return pack(self, *args)
        return packed

    for packer, pack in zip(packers, originals):
        packer.pack = counting(pack)
    try:
        yield counts
    finally:
        for packer, pack in zip(packers, originals):
            packer.pack = pack


@contextmanager
def sql_statements(engine, counts: Counter):
    """Count the statements sent on an engine; an executemany counts each row it updates."""

    def count(conn, cursor, statement, parameters, context, executemany):
        word = statement.lstrip().split(None, 1)[0].upper()
        if word not in _CONTROL:
            counts[word] += len(parameters) if executemany else 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield counts
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.mark.parametrize("rate", [1.0, 1000.0], ids=["one a second", "as fast as twilio takes them"])
def test_a_delivered_text_costs_a_few_redis_commands_and_sql_statements(harness, rate):
    harness.hotline.settings = replace(harness.settings, sms_rate_per_second=rate)
    commands, statements = Counter(), Counter()
    with redis_commands(commands):
        ids = [harness.queue(f"+1555800{n:04d}", f"Food run near Elm St? Reply {n} to take it.") for n in range(TEXTS)]
        with sql_statements(harness.db.engine, statements):
            harness.settle(120)
    assert [harness.row(i).status for i in ids] == ["queued"] * TEXTS
    assert len(harness.fake.requests) == TEXTS
    assert sum(commands.values()) <= MAX_REDIS_COMMANDS * TEXTS, commands
    assert sum(statements.values()) <= MAX_SQL_STATEMENTS * TEXTS, statements

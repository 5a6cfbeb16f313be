"""matching reads a bounded number of rows: the claim that filled each weekly cap, kept by triggers,
and an index in rotation order

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 06:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import hotline.models

revision: str = '0013'
down_revision: Union[str, None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

COUNTED = "('claimed', 'done')"
# Who has a skill, speaks a language, covers an area: read from the index alone.
TABLES = (("volunteer_skills", "skill"), ("volunteer_languages", "language"), ("volunteer_areas", "area"))

# The weekly_cap-th most recent claim among the volunteer's counted offers: the latest claim such
# that at least weekly_cap counted claims are as recent. Written with a count rather than OFFSET
# weekly_cap - 1 because SQLite's OFFSET cannot read the row being updated. Walked newest first
# on ix_offers_volunteer_claimed_at, it stops after weekly_cap claims.
CAP_FILLED_AT = f"""CASE WHEN volunteers.weekly_cap > 0 THEN (
    SELECT o.claimed_at FROM offers o
    WHERE o.volunteer_id = volunteers.id AND o.status IN {COUNTED} AND o.claimed_at IS NOT NULL
      AND (SELECT count(*) FROM offers p WHERE p.volunteer_id = volunteers.id AND p.status IN {COUNTED}
           AND p.claimed_at >= o.claimed_at) >= volunteers.weekly_cap
    ORDER BY o.claimed_at DESC LIMIT 1) END"""


def upgrade() -> None:
    with op.batch_alter_table('volunteers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cap_filled_at', hotline.models.UTCDateTime(), nullable=True))
        # Replaced by ix_volunteers_next_up: with status first it could give the rotation order for
        # one status only, and matching takes active volunteers and paused ones whose pause is over.
        # No index on status alone: SQLite would pick it for that OR and then sort everyone found.
        batch_op.drop_index('ix_volunteers_rotation')
    for table, column in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_{column}')
            batch_op.create_index(f'ix_{table}_{column}_volunteer', [column, 'volunteer_id'], unique=False)
    op.execute(f"UPDATE volunteers SET cap_filled_at = {CAP_FILLED_AT}")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""CREATE INDEX ix_volunteers_next_up ON volunteers
                      (last_assigned_at ASC NULLS FIRST, last_offered_at ASC NULLS FIRST, id)""")
        _postgresql_triggers()
    else:
        # SQLite sorts NULL first in ascending order already (and takes no NULLS FIRST in an index).
        op.execute("CREATE INDEX ix_volunteers_next_up ON volunteers (last_assigned_at, last_offered_at, id)")
        _sqlite_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in ("offers_cap_filled_insert", "offers_cap_filled_update", "offers_cap_filled_delete"):
            op.execute(f"DROP TRIGGER {name} ON offers")
        op.execute("DROP TRIGGER volunteers_cap_filled ON volunteers")
        op.execute("DROP FUNCTION offers_cap_filled()")
        op.execute("DROP FUNCTION volunteers_cap_filled()")
        op.execute("DROP FUNCTION refresh_cap_filled(integer)")
    else:
        for name in ("offers_cap_filled_insert", "offers_cap_filled_update", "offers_cap_filled_delete",
                     "volunteers_cap_filled"):
            op.execute(f"DROP TRIGGER {name}")
    op.drop_index('ix_volunteers_next_up', table_name='volunteers')
    for table, column in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_{column}_volunteer')
            batch_op.create_index(f'ix_{table}_{column}', [column], unique=False)
    with op.batch_alter_table('volunteers', schema=None) as batch_op:
        batch_op.create_index('ix_volunteers_rotation', ['status', 'last_assigned_at', 'last_offered_at'], unique=False)
        batch_op.drop_column('cap_filled_at')


def _postgresql_triggers() -> None:
    # PL/pgSQL, not SQL: it keeps the statement's plan from one call to the next. The volunteer's
    # row is locked first, so the count is taken after any other transaction changing their offers
    # has committed (its trigger held the same lock): two claims at once are both counted.
    op.execute(f"""
        CREATE FUNCTION refresh_cap_filled(volunteer integer) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM 1 FROM volunteers WHERE volunteers.id = volunteer FOR UPDATE;
            UPDATE volunteers SET cap_filled_at = {CAP_FILLED_AT} WHERE volunteers.id = volunteer;
        END $$
    """)
    op.execute("""
        CREATE FUNCTION offers_cap_filled() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN PERFORM refresh_cap_filled(OLD.volunteer_id); END IF;
            IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.volunteer_id <> OLD.volunteer_id) THEN
                PERFORM refresh_cap_filled(NEW.volunteer_id);
            END IF;
            RETURN NULL;
        END $$
    """)
    # Only changes that can move a count fire: an offer counted before or after.
    for name, event, when in (
        ("offers_cap_filled_insert", "INSERT", f"NEW.status IN {COUNTED}"),
        ("offers_cap_filled_update", "UPDATE OF status, claimed_at, volunteer_id",
         f"OLD.status IN {COUNTED} OR NEW.status IN {COUNTED}"),
        ("offers_cap_filled_delete", "DELETE", f"OLD.status IN {COUNTED}"),
    ):
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON offers FOR EACH ROW WHEN ({when}) "
                   "EXECUTE FUNCTION offers_cap_filled()")
    op.execute("""
        CREATE FUNCTION volunteers_cap_filled() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM refresh_cap_filled(NEW.id); RETURN NULL; END $$
    """)
    op.execute("""
        CREATE TRIGGER volunteers_cap_filled AFTER UPDATE OF weekly_cap ON volunteers
        FOR EACH ROW WHEN (NEW.weekly_cap IS DISTINCT FROM OLD.weekly_cap) EXECUTE FUNCTION volunteers_cap_filled()
    """)


def _sqlite_triggers() -> None:
    refresh = "UPDATE volunteers SET cap_filled_at = {cap} WHERE volunteers.id = {row}.volunteer_id{unless};"
    op.execute(f"""
        CREATE TRIGGER offers_cap_filled_insert AFTER INSERT ON offers
        WHEN NEW.status IN {COUNTED}
        BEGIN {refresh.format(cap=CAP_FILLED_AT, row="NEW", unless="")} END
    """)
    op.execute(f"""
        CREATE TRIGGER offers_cap_filled_update AFTER UPDATE OF status, claimed_at, volunteer_id ON offers
        WHEN OLD.status IN {COUNTED} OR NEW.status IN {COUNTED}
        BEGIN {refresh.format(cap=CAP_FILLED_AT, row="NEW", unless="")}
              {refresh.format(cap=CAP_FILLED_AT, row="OLD", unless=" AND OLD.volunteer_id <> NEW.volunteer_id")} END
    """)
    op.execute(f"""
        CREATE TRIGGER offers_cap_filled_delete AFTER DELETE ON offers
        WHEN OLD.status IN {COUNTED}
        BEGIN {refresh.format(cap=CAP_FILLED_AT, row="OLD", unless="")} END
    """)
    op.execute(f"""
        CREATE TRIGGER volunteers_cap_filled AFTER UPDATE OF weekly_cap ON volunteers
        WHEN NEW.weekly_cap IS NOT OLD.weekly_cap
        BEGIN UPDATE volunteers SET cap_filled_at = {CAP_FILLED_AT} WHERE volunteers.id = NEW.id; END
    """)

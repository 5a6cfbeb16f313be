"""the first wave walks one area's volunteers in rotation order: the rotation columns copied into
volunteer_areas by triggers, and an index on (area, rotation order)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 09:45:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import hotline.models

revision: str = '0014'
down_revision: Union[str, None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

COLUMNS = ("last_assigned_at", "last_offered_at")
FROM_VOLUNTEER = ", ".join(
    f"{c} = (SELECT v.{c} FROM volunteers v WHERE v.id = volunteer_areas.volunteer_id)" for c in COLUMNS)


def upgrade() -> None:
    with op.batch_alter_table('volunteer_areas', schema=None) as batch_op:
        for column in COLUMNS:
            batch_op.add_column(sa.Column(column, hotline.models.UTCDateTime(), nullable=True))
        # ix_volunteer_areas_next_up starts with the area too, and ends with the volunteer.
        batch_op.drop_index('ix_volunteer_areas_area_volunteer')
    op.execute(f"UPDATE volunteer_areas SET {FROM_VOLUNTEER}")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""CREATE INDEX ix_volunteer_areas_next_up ON volunteer_areas
                      (area, last_assigned_at ASC NULLS FIRST, last_offered_at ASC NULLS FIRST, volunteer_id)""")
        _postgresql_triggers()
    else:
        # SQLite sorts NULL first in ascending order already (and takes no NULLS FIRST in an index).
        op.execute("""CREATE INDEX ix_volunteer_areas_next_up ON volunteer_areas
                      (area, last_assigned_at, last_offered_at, volunteer_id)""")
        _sqlite_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER volunteers_next_up ON volunteers")
        op.execute("DROP TRIGGER volunteer_areas_next_up ON volunteer_areas")
        op.execute("DROP FUNCTION volunteers_next_up()")
        op.execute("DROP FUNCTION volunteer_areas_next_up()")
    else:
        for name in ("volunteers_next_up", "volunteer_areas_next_up_insert", "volunteer_areas_next_up_update"):
            op.execute(f"DROP TRIGGER {name}")
    op.drop_index('ix_volunteer_areas_next_up', table_name='volunteer_areas')
    with op.batch_alter_table('volunteer_areas', schema=None) as batch_op:
        batch_op.create_index('ix_volunteer_areas_area_volunteer', ['area', 'volunteer_id'], unique=False)
        for column in COLUMNS:
            batch_op.drop_column(column)


def _postgresql_triggers() -> None:
    # An area row takes its volunteer's values whenever it is written, whatever it was given.
    op.execute("""
        CREATE FUNCTION volunteer_areas_next_up() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            SELECT v.last_assigned_at, v.last_offered_at INTO NEW.last_assigned_at, NEW.last_offered_at
            FROM volunteers v WHERE v.id = NEW.volunteer_id;
            RETURN NEW;
        END $$
    """)
    op.execute("""
        CREATE TRIGGER volunteer_areas_next_up BEFORE INSERT OR UPDATE ON volunteer_areas
        FOR EACH ROW EXECUTE FUNCTION volunteer_areas_next_up()
    """)
    op.execute("""
        CREATE FUNCTION volunteers_next_up() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE volunteer_areas SET last_assigned_at = NEW.last_assigned_at, last_offered_at = NEW.last_offered_at
            WHERE volunteer_id = NEW.id;
            RETURN NULL;
        END $$
    """)
    op.execute("""
        CREATE TRIGGER volunteers_next_up AFTER UPDATE OF last_assigned_at, last_offered_at ON volunteers
        FOR EACH ROW WHEN (NEW.last_assigned_at IS DISTINCT FROM OLD.last_assigned_at
                           OR NEW.last_offered_at IS DISTINCT FROM OLD.last_offered_at)
        EXECUTE FUNCTION volunteers_next_up()
    """)


def _sqlite_triggers() -> None:
    # SQLite's triggers cannot change the row being written: it is corrected just after, when its
    # values are not its volunteer's (so the copy made from a volunteer's row costs nothing more).
    differs = " OR ".join(f"NEW.{c} IS NOT (SELECT v.{c} FROM volunteers v WHERE v.id = NEW.volunteer_id)"
                          for c in COLUMNS)
    for name, event in (("volunteer_areas_next_up_insert", "INSERT"),
                        ("volunteer_areas_next_up_update", "UPDATE OF volunteer_id, last_assigned_at, last_offered_at")):
        op.execute(f"""
            CREATE TRIGGER {name} AFTER {event} ON volunteer_areas WHEN {differs}
            BEGIN UPDATE volunteer_areas SET {FROM_VOLUNTEER}
                  WHERE volunteer_id = NEW.volunteer_id AND area = NEW.area; END
        """)
    op.execute("""
        CREATE TRIGGER volunteers_next_up AFTER UPDATE OF last_assigned_at, last_offered_at ON volunteers
        WHEN NEW.last_assigned_at IS NOT OLD.last_assigned_at OR NEW.last_offered_at IS NOT OLD.last_offered_at
        BEGIN UPDATE volunteer_areas SET last_assigned_at = NEW.last_assigned_at, last_offered_at = NEW.last_offered_at
              WHERE volunteer_id = NEW.id; END
    """)

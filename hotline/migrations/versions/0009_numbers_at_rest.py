"""numbers at rest: outbox and inbound rows name the contact, not the number; old audit entries may be purged
and an erased person's entries redacted;
contacts remember when they were told how long things are kept

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 02:40:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0009'
down_revision: Union[str, None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Nothing younger than this may leave the audit log, whatever the retention setting says.
AUDIT_FLOOR_DAYS = 30


def upgrade() -> None:
    # Every outbox row already names its contact; rows whose contact is gone keep no number.
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('to')
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.drop_column('sender')
    _audit_triggers(purge_after_days=AUDIT_FLOOR_DAYS)
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('privacy_told_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_column('privacy_told_at')
    _audit_triggers(purge_after_days=None)
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sender', sa.String(length=64), nullable=False, server_default=''))
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('to', sa.String(length=32), nullable=False, server_default=''))
    op.execute("UPDATE outbox SET \"to\" = COALESCE((SELECT phone FROM contacts WHERE contacts.id = outbox.contact_id), '')")


def _audit_triggers(purge_after_days: int | None) -> None:
    """The audit log stays append-only; with `purge_after_days`, entries older than that may be
    deleted, and an entry about an erased person may have its details (before, after) replaced
    by {"redacted": true}, nothing else of it changed."""
    if op.get_bind().dialect.name == "postgresql":
        allow = ""
        if purge_after_days:
            allow = (
                f"IF TG_OP = 'DELETE' AND OLD.at < (now() AT TIME ZONE 'utc') - interval '{purge_after_days} days' "
                "THEN RETURN OLD; END IF; "
                "IF TG_OP = 'UPDATE' AND NEW.\"after\" = '{\"redacted\": true}'::jsonb AND NEW.\"before\" = '{}'::jsonb "
                "AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.actor = OLD.actor AND NEW.action = OLD.action "
                "AND NEW.subject = OLD.subject AND NEW.address = OLD.address "
                "AND NEW.user_id IS NOT DISTINCT FROM OLD.user_id THEN RETURN NEW; END IF;"
            )
        op.execute(f"""
            CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN {allow} RAISE EXCEPTION 'the audit log is append-only'; END $$
        """)
        return
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    delete_when = f" WHEN OLD.at >= datetime('now', '-{purge_after_days} days')" if purge_after_days else ""
    update_when = (
        """ WHEN NOT (NEW."after" = '{"redacted": true}' AND NEW."before" = '{}' AND NEW.id = OLD.id """
        """AND NEW.at = OLD.at AND NEW.actor = OLD.actor AND NEW.action = OLD.action AND NEW.subject = OLD.subject """
        """AND NEW.address = OLD.address AND NEW.user_id IS OLD.user_id)""" if purge_after_days else ""
    )
    op.execute(f"""
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log{delete_when}
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
    """)
    op.execute(f"""
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log{update_when}
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
    """)

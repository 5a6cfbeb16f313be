"""fund ledger: the emergency fund's money in and out, append-only but for the second approval

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 09:30:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import hotline.models

revision: str = '0017'
down_revision: Union[str, None] = '0016'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Every column but the three the approval fills in: none of them may ever change.
FIXED = ("id", "direction", "amount_cents", "currency", "on_date", "source", "method", "note", "donor_name",
         "need_id", "reverses_id", "reason", "entered_by_id", "entered_by", "entered_at", "needs_approval")
MESSAGE = "the fund ledger is append-only: reverse an entry with a new one"


def upgrade() -> None:
    op.create_table('fund_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=True),
    sa.Column('method', sa.String(length=16), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('donor_name', sa.String(length=120), nullable=True),
    sa.Column('need_id', sa.Integer(), nullable=True),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_by', sa.String(length=254), nullable=False),
    sa.Column('entered_at', hotline.models.UTCDateTime(), nullable=False),
    sa.Column('needs_approval', sa.Boolean(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_by', sa.String(length=254), nullable=True),
    sa.Column('approved_at', hotline.models.UTCDateTime(), nullable=True),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_fund_entries_amount_positive')),
    sa.CheckConstraint("direction IN ('in', 'out')", name=op.f('ck_fund_entries_direction')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_fund_entries_approved_by_id_users')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_fund_entries_entered_by_id_users')),
    sa.ForeignKeyConstraint(['need_id'], ['needs.id'], name=op.f('fk_fund_entries_need_id_needs')),
    sa.ForeignKeyConstraint(['reverses_id'], ['fund_entries.id'], name=op.f('fk_fund_entries_reverses_id_fund_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_entries')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_fund_entries_reverses_id'))
    )
    with op.batch_alter_table('fund_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_entries_need_id'), ['need_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_entries_on_date'), ['on_date'], unique=False)
    _triggers()


def _triggers() -> None:
    """No DELETE ever; an UPDATE only to approve a pending disbursement, by another account, nothing else changed."""
    if op.get_bind().dialect.name == "postgresql":
        same = " AND ".join(f'NEW."{c}" IS NOT DISTINCT FROM OLD."{c}"' for c in FIXED)
        op.execute(f"""
            CREATE FUNCTION fund_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP = 'UPDATE' AND OLD.needs_approval AND OLD.approved_at IS NULL
                 AND NEW.approved_at IS NOT NULL AND NEW.approved_by_id IS NOT NULL AND NEW.approved_by IS NOT NULL
                 AND NEW.approved_by_id IS DISTINCT FROM OLD.entered_by_id AND {same}
              THEN RETURN NEW; END IF;
              RAISE EXCEPTION '{MESSAGE}';
            END $$
        """)
        op.execute("""
            CREATE TRIGGER fund_entries_append_only BEFORE UPDATE OR DELETE ON fund_entries
            FOR EACH ROW EXECUTE FUNCTION fund_entries_append_only()
        """)
        return
    same = " AND ".join(f'NEW."{c}" IS OLD."{c}"' for c in FIXED)
    op.execute(f"""
        CREATE TRIGGER fund_entries_no_delete BEFORE DELETE ON fund_entries
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """)
    op.execute(f"""
        CREATE TRIGGER fund_entries_no_update BEFORE UPDATE ON fund_entries
        WHEN NOT (OLD.needs_approval AND OLD.approved_at IS NULL AND NEW.approved_at IS NOT NULL
                  AND NEW.approved_by_id IS NOT NULL AND NEW.approved_by IS NOT NULL
                  AND NEW.approved_by_id IS NOT OLD.entered_by_id AND {same})
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER fund_entries_append_only ON fund_entries")
        op.execute("DROP FUNCTION fund_entries_append_only()")
    else:
        op.execute("DROP TRIGGER fund_entries_no_update")
        op.execute("DROP TRIGGER fund_entries_no_delete")
    with op.batch_alter_table('fund_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_entries_on_date'))
        batch_op.drop_index(batch_op.f('ix_fund_entries_need_id'))
    op.drop_table('fund_entries')

"""a budget: spend per day, raises and warnings per period, rows held by it

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-10 09:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import hotline.models

revision: str = '0012'
down_revision: Union[str, None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'spend',
        sa.Column('day', sa.String(length=10), nullable=False),
        sa.Column('measure', sa.String(length=8), nullable=False),
        sa.Column('units', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day', 'measure', name=op.f('pk_spend')),
    )
    op.create_table(
        'budget_periods',
        sa.Column('measure', sa.String(length=8), nullable=False),
        sa.Column('span', sa.String(length=8), nullable=False),
        sa.Column('period', sa.String(length=10), nullable=False),
        sa.Column('raised_to', sa.Integer(), nullable=True),
        sa.Column('raised_by', sa.String(length=254), nullable=True),
        sa.Column('raised_at', hotline.models.UTCDateTime(), nullable=True),
        sa.Column('warned_at', hotline.models.UTCDateTime(), nullable=True),
        sa.Column('reached_at', hotline.models.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('measure', 'span', 'period', name=op.f('pk_budget_periods')),
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_for', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('held_for')
    op.drop_table('budget_periods')
    op.drop_table('spend')

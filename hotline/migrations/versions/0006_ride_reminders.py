"""ride reminders and confirmations

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 16:22:33.821807
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import hotline.models


revision: str = '0006'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    
    with op.batch_alter_table('rides', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evening_reminded_at', hotline.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('hour_reminded_at', hotline.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('driver_checked_at', hotline.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('driver_confirmed_at', hotline.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('rider_confirmed_at', hotline.models.UTCDateTime(), nullable=True))

    


def downgrade() -> None:
    
    with op.batch_alter_table('rides', schema=None) as batch_op:
        batch_op.drop_column('rider_confirmed_at')
        batch_op.drop_column('driver_confirmed_at')
        batch_op.drop_column('driver_checked_at')
        batch_op.drop_column('hour_reminded_at')
        batch_op.drop_column('evening_reminded_at')

    

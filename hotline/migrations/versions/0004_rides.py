"""rides: a ride per need, with its wall-clock time, zone, return link and mobility needs

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 16:07:49.519953
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import hotline.models
from sqlalchemy.dialects import postgresql

revision: str = '0004'
down_revision: Union[str, None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('rides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('pickup', sa.Text(), nullable=False),
    sa.Column('destination', sa.Text(), nullable=False),
    sa.Column('pickup_at', hotline.models.UTCDateTime(), nullable=True),
    sa.Column('local_time', sa.String(length=16), nullable=True),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('return_plan', sa.String(length=16), nullable=False),
    sa.Column('return_of_id', sa.Integer(), nullable=True),
    sa.Column('mobility', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('riders', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', hotline.models.UTCDateTime(), nullable=False),
    sa.Column('updated_at', hotline.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['need_id'], ['needs.id'], name=op.f('fk_rides_need_id_needs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['return_of_id'], ['rides.id'], name=op.f('fk_rides_return_of_id_rides'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rides')),
    sa.UniqueConstraint('need_id', name=op.f('uq_rides_need_id')),
    sa.UniqueConstraint('return_of_id', name=op.f('uq_rides_return_of_id'))
    )
    with op.batch_alter_table('rides', schema=None) as batch_op:
        batch_op.create_index('ix_rides_status_pickup_at', ['status', 'pickup_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('rides', schema=None) as batch_op:
        batch_op.drop_index('ix_rides_status_pickup_at')

    op.drop_table('rides')

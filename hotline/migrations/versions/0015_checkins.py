"""wellness check-ins: a resident's plan, and each check-in as it happened

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 09:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import hotline.models

revision: str = '0015'
down_revision: Union[str, None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'checkins',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('days', sa.String(length=7), nullable=False),
        sa.Column('local_time', sa.String(length=5), nullable=False),
        sa.Column('time_zone', sa.String(length=64), nullable=False),
        sa.Column('channel', sa.String(length=8), nullable=False),
        sa.Column('escalate_to', sa.String(length=16), nullable=False),
        sa.Column('volunteer_id', sa.Integer(), nullable=True),
        sa.Column('location', sa.Text(), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('paused_until', hotline.models.UTCDateTime(), nullable=True),
        sa.Column('next_at', hotline.models.UTCDateTime(), nullable=True),
        sa.Column('created_by', sa.String(length=254), nullable=False),
        sa.Column('created_at', hotline.models.UTCDateTime(), nullable=False),
        sa.Column('updated_at', hotline.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_checkins_contact_id_contacts'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'],
                                name=op.f('fk_checkins_volunteer_id_volunteers'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_checkins')),
        sa.UniqueConstraint('contact_id', name=op.f('uq_checkins_contact_id')),
    )
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkins_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_checkins_next_at'), ['next_at'], unique=False)
    op.create_table(
        'checkin_rounds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('checkin_id', sa.Integer(), nullable=False),
        sa.Column('wall', sa.String(length=16), nullable=False),
        sa.Column('due_at', hotline.models.UTCDateTime(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('tries', sa.Integer(), nullable=False),
        sa.Column('asked_at', hotline.models.UTCDateTime(), nullable=True),
        sa.Column('retried_at', hotline.models.UTCDateTime(), nullable=True),
        sa.Column('answered_at', hotline.models.UTCDateTime(), nullable=True),
        sa.Column('answer', sa.String(length=8), nullable=True),
        sa.Column('answer_channel', sa.String(length=8), nullable=True),
        sa.Column('escalated_at', hotline.models.UTCDateTime(), nullable=True),
        sa.Column('need_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['checkin_id'], ['checkins.id'],
                                name=op.f('fk_checkin_rounds_checkin_id_checkins'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['need_id'], ['needs.id'], name=op.f('fk_checkin_rounds_need_id_needs'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_checkin_rounds')),
        sa.UniqueConstraint('checkin_id', 'wall', name=op.f('uq_checkin_rounds_checkin_id')),
    )
    with op.batch_alter_table('checkin_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkin_rounds_checkin_id'), ['checkin_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('checkin_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkin_rounds_checkin_id'))
    op.drop_table('checkin_rounds')
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkins_next_at'))
        batch_op.drop_index(batch_op.f('ix_checkins_status'))
    op.drop_table('checkins')

"""volunteers, offers, asks, dispatch columns on needs

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 16:06:29.133779
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import hotline.models


revision: str = '0003'
down_revision: Union[str, None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    
    op.create_table('asks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('created_at', hotline.models.UTCDateTime(), nullable=False),
    sa.Column('expires_at', hotline.models.UTCDateTime(), nullable=False),
    sa.Column('answered_at', hotline.models.UTCDateTime(), nullable=True),
    sa.Column('answer', sa.String(length=24), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_asks_contact_id_contacts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asks'))
    )
    with op.batch_alter_table('asks', schema=None) as batch_op:
        batch_op.create_index('ix_asks_contact_open', ['contact_id', 'answered_at'], unique=False)

    op.create_table('volunteers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('paused_until', hotline.models.UTCDateTime(), nullable=True),
    sa.Column('any_time', sa.Boolean(), nullable=False),
    sa.Column('weekly_cap', sa.Integer(), nullable=False),
    sa.Column('quiet_start', sa.Integer(), nullable=False),
    sa.Column('quiet_end', sa.Integer(), nullable=False),
    sa.Column('wheelchair_vehicle', sa.Boolean(), nullable=False),
    sa.Column('consent_at', hotline.models.UTCDateTime(), nullable=True),
    sa.Column('consent_method', sa.String(length=64), nullable=False),
    sa.Column('last_offered_at', hotline.models.UTCDateTime(), nullable=True),
    sa.Column('last_assigned_at', hotline.models.UTCDateTime(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', hotline.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_volunteers_contact_id_contacts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteers')),
    sa.UniqueConstraint('contact_id', name=op.f('uq_volunteers_contact_id'))
    )
    with op.batch_alter_table('volunteers', schema=None) as batch_op:
        batch_op.create_index('ix_volunteers_rotation', ['status', 'last_assigned_at', 'last_offered_at'], unique=False)

    op.create_table('availability',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('start_minute', sa.Integer(), nullable=False),
    sa.Column('end_minute', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_availability_volunteer_id_volunteers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_availability'))
    )
    with op.batch_alter_table('availability', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_availability_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('wave', sa.Integer(), nullable=False, server_default='0'),
    sa.Column('offered_at', hotline.models.UTCDateTime(), nullable=False),
    sa.Column('claimed_at', hotline.models.UTCDateTime(), nullable=True),
    sa.Column('closed_at', hotline.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['need_id'], ['needs.id'], name=op.f('fk_offers_need_id_needs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_offers_volunteer_id_volunteers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offers'))
    )
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.create_index('ix_offers_volunteer_claimed_at', ['volunteer_id', 'claimed_at'], unique=False)
        batch_op.create_index('ix_offers_volunteer_status', ['volunteer_id', 'status'], unique=False)
        batch_op.create_index('uq_offers_need_volunteer', ['need_id', 'volunteer_id'], unique=True)

    op.create_table('volunteer_areas',
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_volunteer_areas_volunteer_id_volunteers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('volunteer_id', 'area', name=op.f('pk_volunteer_areas'))
    )
    with op.batch_alter_table('volunteer_areas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_areas_area'), ['area'], unique=False)

    op.create_table('volunteer_languages',
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_volunteer_languages_volunteer_id_volunteers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('volunteer_id', 'language', name=op.f('pk_volunteer_languages'))
    )
    with op.batch_alter_table('volunteer_languages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_languages_language'), ['language'], unique=False)

    op.create_table('volunteer_skills',
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('skill', sa.String(length=24), nullable=False),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_volunteer_skills_volunteer_id_volunteers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('volunteer_id', 'skill', name=op.f('pk_volunteer_skills'))
    )
    with op.batch_alter_table('volunteer_skills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_skills_skill'), ['skill'], unique=False)

    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('capacity', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('claimed_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('urgent', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('wave', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('next_wave_at', hotline.models.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_needs_next_wave_at'), ['next_wave_at'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_needs_next_wave_at'))
        batch_op.drop_column('next_wave_at')
        batch_op.drop_column('wave')
        batch_op.drop_column('urgent')
        batch_op.drop_column('claimed_count')
        batch_op.drop_column('capacity')

    with op.batch_alter_table('volunteer_skills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_skills_skill'))

    op.drop_table('volunteer_skills')
    with op.batch_alter_table('volunteer_languages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_languages_language'))

    op.drop_table('volunteer_languages')
    with op.batch_alter_table('volunteer_areas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_areas_area'))

    op.drop_table('volunteer_areas')
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.drop_index('uq_offers_need_volunteer')
        batch_op.drop_index('ix_offers_volunteer_status')
        batch_op.drop_index('ix_offers_volunteer_claimed_at')

    op.drop_table('offers')
    with op.batch_alter_table('availability', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_availability_volunteer_id'))

    op.drop_table('availability')
    with op.batch_alter_table('volunteers', schema=None) as batch_op:
        batch_op.drop_index('ix_volunteers_rotation')

    op.drop_table('volunteers')
    with op.batch_alter_table('asks', schema=None) as batch_op:
        batch_op.drop_index('ix_asks_contact_open')

    op.drop_table('asks')
    

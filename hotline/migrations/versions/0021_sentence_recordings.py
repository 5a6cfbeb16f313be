"""sentence recordings and recorders: people's recordings of the hotline's sentences for languages without a voice

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 12:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import hotline.models

revision: str = '0021'
down_revision: Union[str, None] = '0020'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('recorders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('approved_by', sa.String(length=254), nullable=False),
    sa.Column('approved_at', hotline.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_recorders_contact_id_contacts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recorders')),
    sa.UniqueConstraint('contact_id', 'language', name=op.f('uq_recorders_contact_id'))
    )
    with op.batch_alter_table('recorders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recorders_contact_id'), ['contact_id'], unique=False)

    op.create_table('sentence_recordings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=16), nullable=False),
    sa.Column('sentence', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('recording_sid', sa.String(length=64), nullable=True),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('call_sid', sa.String(length=64), nullable=True),
    sa.Column('recorder_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_by', sa.String(length=254), nullable=False),
    sa.Column('audio_type', sa.String(length=4), nullable=True),
    sa.Column('audio', sa.LargeBinary(), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('fetch_error', sa.String(length=200), nullable=True),
    sa.Column('created_at', hotline.models.UTCDateTime(), nullable=False),
    sa.Column('decided_by', sa.String(length=254), nullable=True),
    sa.Column('decided_at', hotline.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['recorder_id'], ['recorders.id'], name=op.f('fk_sentence_recordings_recorder_id_recorders'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sentence_recordings')),
    sa.UniqueConstraint('recording_sid', name=op.f('uq_sentence_recordings_recording_sid'))
    )
    with op.batch_alter_table('sentence_recordings', schema=None) as batch_op:
        batch_op.create_index('ix_sentence_recordings_language_key_status', ['language', 'key', 'status'], unique=False)
        batch_op.create_index('uq_sentence_recordings_approved', ['language', 'key'], unique=True,
                              sqlite_where=sa.text("status = 'approved'"),
                              postgresql_where=sa.text("status = 'approved'"))


def downgrade() -> None:
    with op.batch_alter_table('sentence_recordings', schema=None) as batch_op:
        batch_op.drop_index('uq_sentence_recordings_approved')
        batch_op.drop_index('ix_sentence_recordings_language_key_status')
    op.drop_table('sentence_recordings')
    with op.batch_alter_table('recorders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recorders_contact_id'))
    op.drop_table('recorders')

"""broadcasts: one text to many from the console, whom it went to, volunteers' replies, residents' consent to updates

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 11:51:26.535062
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import hotline.models
from sqlalchemy.dialects import postgresql

revision: str = '0019'
down_revision: Union[str, None] = '0018'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('broadcasts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', hotline.models.UTCDateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=254), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('filters', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('texts', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('held', sa.Integer(), nullable=False),
    sa.Column('segments', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('replies_until', hotline.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_broadcasts_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcasts')),
    sa.UniqueConstraint('token', name=op.f('uq_broadcasts_token'))
    )
    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_broadcasts_created_at'), ['created_at'], unique=False)

    op.create_table('broadcast_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('broadcast_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('received_at', hotline.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['broadcast_id'], ['broadcasts.id'], name=op.f('fk_broadcast_replies_broadcast_id_broadcasts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_broadcast_replies_contact_id_contacts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcast_replies'))
    )
    with op.batch_alter_table('broadcast_replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_broadcast_replies_broadcast_id'), ['broadcast_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_broadcast_replies_contact_id'), ['contact_id'], unique=False)

    op.create_table('broadcast_recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('broadcast_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('segments', sa.Integer(), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('created_at', hotline.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['broadcast_id'], ['broadcasts.id'], name=op.f('fk_broadcast_recipients_broadcast_id_broadcasts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_broadcast_recipients_contact_id_contacts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], name=op.f('fk_broadcast_recipients_outbox_id_outbox'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcast_recipients')),
    sa.UniqueConstraint('broadcast_id', 'contact_id', name=op.f('uq_broadcast_recipients_broadcast_id'))
    )
    with op.batch_alter_table('broadcast_recipients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_broadcast_recipients_broadcast_id'), ['broadcast_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_broadcast_recipients_contact_id'), ['contact_id'], unique=False)

    op.create_table('update_consents',
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('wanted', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('at', hotline.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_update_consents_contact_id_contacts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contact_id', 'kind', name=op.f('pk_update_consents'))
    )



def downgrade() -> None:
    op.drop_table('update_consents')
    with op.batch_alter_table('broadcast_recipients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_broadcast_recipients_contact_id'))
        batch_op.drop_index(batch_op.f('ix_broadcast_recipients_broadcast_id'))

    op.drop_table('broadcast_recipients')
    with op.batch_alter_table('broadcast_replies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_broadcast_replies_contact_id'))
        batch_op.drop_index(batch_op.f('ix_broadcast_replies_broadcast_id'))

    op.drop_table('broadcast_replies')
    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_broadcasts_created_at'))

    op.drop_table('broadcasts')

"""guards on the way in: blocks, mutes, the too-fast note and the reply budget per number

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 04:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from hotline.models import UTCDateTime

revision: str = '0011'
down_revision: Union[str, None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('blocked_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('blocked_until', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('block_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('muted_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('muted_until', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('muted_reason', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('slowed_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('replies_since', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('replies_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_index('ix_contacts_created_at', ['created_at'], unique=False)
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.create_index('ix_inbound_messages_contact_received', ['contact_id', 'received_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_inbound_messages_contact_received')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index('ix_contacts_created_at')
        for column in ('replies_count', 'replies_since', 'slowed_at', 'muted_reason', 'muted_until', 'muted_at',
                       'block_reason', 'blocked_until', 'blocked_at'):
            batch_op.drop_column(column)

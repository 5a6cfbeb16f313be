"""how a contact language was set

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 16:18:21.217625
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import hotline.models


revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language_source', sa.String(length=16), nullable=True))

    


def downgrade() -> None:
    
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_column('language_source')

    

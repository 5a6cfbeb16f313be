"""volunteer care: when a heavy week brought the offer of a rest, the last rest taken, the last
monthly thank-you

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 09:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import hotline.models

revision: str = '0016'
down_revision: Union[str, None] = '0015'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

COLUMNS = ('rest_offered_at', 'rested_at', 'thanked_at')


def upgrade() -> None:
    # Plain ADD COLUMN, never a copied table: SQLite would lose the weekly cap's triggers with it.
    for name in COLUMNS:
        op.add_column('volunteers', sa.Column(name, hotline.models.UTCDateTime(), nullable=True))


def downgrade() -> None:
    for name in reversed(COLUMNS):
        op.drop_column('volunteers', name)

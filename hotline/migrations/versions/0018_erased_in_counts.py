"""what an erased resident leaves in the counts: check-in rounds outlive their plan with only an
anonymous mark that groups them, and their requests share one, so the fund counts one household

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 12:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0018'
down_revision: Union[str, None] = '0017'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('checkin_rounds', schema=None) as batch_op:
        batch_op.alter_column('checkin_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('erased_plan', sa.String(length=16), nullable=True))
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_household', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.drop_column('erased_household')
    # Rounds of erased plans have nothing to belong to once the column is required again.
    op.execute("DELETE FROM checkin_rounds WHERE checkin_id IS NULL")
    with op.batch_alter_table('checkin_rounds', schema=None) as batch_op:
        batch_op.drop_column('erased_plan')
        batch_op.alter_column('checkin_id', existing_type=sa.Integer(), nullable=False)

"""closed accounts: when a citizen closed their account (personal data erased)

Revision ID: ed5b0003754e
Revises: 5d5de6b38156
Create Date: 2026-11-24 12:15:32.294957

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ed5b0003754e'
down_revision = '5d5de6b38156'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('closed_at')

"""the per-recipient mail count's index, where an earlier SQLite upgrade lost it

Revision ID: b8d4f0a2c6e1
Revises: a7c3e9f1b5d2
Create Date: 2026-12-08 02:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8d4f0a2c6e1'
down_revision = 'a7c3e9f1b5d2'
branch_labels = None
depends_on = None


def upgrade():
    # A SQLite database taken through revision a49018d52c35 before that revision set this
    # expression index aside around its table copy lacks it (SQLite cannot reflect it); any
    # other database has it, and is left as it is.
    op.create_index('ix_queued_mail_recipient_created_at', 'queued_mail',
                    [sa.text('lower(recipient)'), 'created_at'], unique=False,
                    if_not_exists=True)


def downgrade():
    pass  # the index belongs to revision b3f1c2d4e5a6 and stays until that one is undone

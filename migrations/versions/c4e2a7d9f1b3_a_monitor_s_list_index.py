"""a monitor's list: sub category followed by date, in place of the sub category alone

Revision ID: c4e2a7d9f1b3
Revises: 6510ff1e35ba
Create Date: 2026-11-24 22:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4e2a7d9f1b3'
down_revision = '6510ff1e35ba'
branch_labels = None
depends_on = None


def upgrade():
    # The monitor's list asks for its sub categories newest first: with the date in the index
    # the database reads the 25 rows it shows instead of walking the whole date index. The new
    # index answers every lookup the old one did, so the old one goes.
    op.create_index('ix_message_subcategory_id_created_at', 'message',
                    ['subcategory_id', 'created_at'], unique=False)
    op.drop_index('ix_message_subcategory_id', table_name='message')


def downgrade():
    op.create_index('ix_message_subcategory_id', 'message', ['subcategory_id'], unique=False)
    op.drop_index('ix_message_subcategory_id_created_at', table_name='message')

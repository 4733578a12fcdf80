"""a queued mail's kind: mail about one's own account is counted apart from notices

Revision ID: e6a4c9d1b2f7
Revises: d5f3b8e0a2c4
Create Date: 2026-12-08 01:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e6a4c9d1b2f7'
down_revision = 'd5f3b8e0a2c4'
branch_labels = None
depends_on = None


def upgrade():
    # Rows queued before this column existed were counted as notices: they stay notices.
    with op.batch_alter_table('queued_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False,
                                      server_default='notice'))


def downgrade():
    # Dropping a column copies the table on SQLite, as reflected: an index on an expression
    # cannot be reflected there, so it is set aside around the copy.
    op.drop_index('ix_queued_mail_recipient_created_at', table_name='queued_mail')
    with op.batch_alter_table('queued_mail', schema=None) as batch_op:
        batch_op.drop_column('kind')
    op.create_index('ix_queued_mail_recipient_created_at', 'queued_mail',
                    [sa.text('lower(recipient)'), 'created_at'], unique=False)

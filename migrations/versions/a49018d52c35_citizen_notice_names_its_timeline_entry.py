"""citizen notices name their timeline entry (when the publish step ended)

Revision ID: a49018d52c35
Revises: b3f1c2d4e5a6
Create Date: 2026-11-24 14:52:11.314851

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a49018d52c35'
down_revision = 'b3f1c2d4e5a6'
branch_labels = None
depends_on = None


# On SQLite the batch copies the table as reflected, and an index on an expression cannot be
# reflected there: it would be lost with a warning. It is set aside around the batch instead.
EXPRESSION_INDEX = 'ix_queued_mail_recipient_created_at'


def drop_expression_index():
    op.drop_index(EXPRESSION_INDEX, table_name='queued_mail')


def create_expression_index():
    op.create_index(EXPRESSION_INDEX, 'queued_mail',
                    [sa.text('lower(recipient)'), 'created_at'], unique=False)


def upgrade():
    drop_expression_index()
    with op.batch_alter_table('queued_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_queued_mail_event_id'), ['event_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_queued_mail_event_id_message_event'),
                                    'message_event', ['event_id'], ['id'], ondelete='SET NULL')
    create_expression_index()


def downgrade():
    drop_expression_index()
    with op.batch_alter_table('queued_mail', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_queued_mail_event_id_message_event'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_queued_mail_event_id'))
        batch_op.drop_column('event_id')
    create_expression_index()

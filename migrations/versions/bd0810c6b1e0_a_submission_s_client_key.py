"""a submission's client key (a phone's resend is answered with the first message)

Revision ID: bd0810c6b1e0
Revises: bc7850b19006
Create Date: 2026-11-24 18:45:43.850844

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bd0810c6b1e0'
down_revision = 'bc7850b19006'
branch_labels = None
depends_on = None


def upgrade():
    # A column and a unique index: plain ALTER TABLE and CREATE INDEX, no table rebuild.
    op.add_column('message', sa.Column('client_key', sa.String(length=36), nullable=True))
    op.create_index(op.f('ix_message_client_key'), 'message', ['client_key'], unique=True)


def downgrade():
    op.drop_index(op.f('ix_message_client_key'), table_name='message')
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_column('client_key')

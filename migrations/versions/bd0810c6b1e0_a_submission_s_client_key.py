"""a submission's client key (a phone's resend is answered with the first message)

Revision ID: bd0810c6b1e0
Revises: a49018d52c35
Create Date: 2026-11-24 18:45:43.850844

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bd0810c6b1e0'
down_revision = 'a49018d52c35'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_key', sa.String(length=36), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_message_client_key'), ['client_key'])


def downgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_message_client_key'), type_='unique')
        batch_op.drop_column('client_key')

"""Open311: the reporter's suggested service code and the media URL a client sent

Revision ID: f3a1b5c7d9e2
Revises: e7a4c1d9b2f0
Create Date: 2026-12-08 02:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f3a1b5c7d9e2'
down_revision = 'e7a4c1d9b2f0'
branch_labels = None
depends_on = None


def upgrade():
    # Two nullable columns: plain ALTER TABLE, no table rebuild however many messages exist.
    op.add_column('message', sa.Column('suggested_service_code', sa.String(length=40), nullable=True))
    op.add_column('message', sa.Column('media_url', sa.String(length=2048), nullable=True))


def downgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_column('media_url')
        batch_op.drop_column('suggested_service_code')

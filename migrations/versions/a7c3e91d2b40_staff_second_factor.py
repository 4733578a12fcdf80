"""second factor for sign-in: authenticator secret and recovery codes

Revision ID: a7c3e91d2b40
Revises: ed5b0003754e
Create Date: 2026-11-24 12:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e91d2b40'
down_revision = 'ed5b0003754e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tf_primary_method', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('tf_totp_secret', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('tf_phone_number', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('mf_recovery_codes', sa.UnicodeText(), nullable=True))
        batch_op.add_column(sa.Column('tf_totp_last_counter', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('tf_totp_last_counter')
        batch_op.drop_column('mf_recovery_codes')
        batch_op.drop_column('tf_phone_number')
        batch_op.drop_column('tf_totp_secret')
        batch_op.drop_column('tf_primary_method')

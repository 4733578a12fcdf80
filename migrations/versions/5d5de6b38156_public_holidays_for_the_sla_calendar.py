"""public holidays for the SLA calendar

Revision ID: 5d5de6b38156
Revises: 0c6c7de94ff7
Create Date: 2026-11-22 10:54:42.884337

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d5de6b38156'
down_revision = '0c6c7de94ff7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('holiday',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holiday')),
    sa.UniqueConstraint('day', name=op.f('uq_holiday_day'))
    )


def downgrade():
    op.drop_table('holiday')

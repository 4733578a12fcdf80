"""pending announcements: a submission's notifications and receipt are written by the worker

Revision ID: bc7850b19006
Revises: a49018d52c35
Create Date: 2026-11-24 18:45:29.796638

"""
from alembic import op
import sqlalchemy as sa


revision = 'bc7850b19006'
down_revision = 'a49018d52c35'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'pending_announcement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('by_stranger', sa.Boolean(), nullable=False),
        sa.Column('base_url', sa.String(length=255), nullable=True),
        sa.Column('locale', sa.String(length=10), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['message_event.id'],
                                name=op.f('fk_pending_announcement_event_id_message_event'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['message_id'], ['message.id'],
                                name=op.f('fk_pending_announcement_message_id_message'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_announcement')))


def downgrade():
    op.drop_table('pending_announcement')

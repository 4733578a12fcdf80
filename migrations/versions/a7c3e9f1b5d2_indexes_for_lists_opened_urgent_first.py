"""indexes for lists opened with what is pressing: scope, status and deadline

Revision ID: a7c3e9f1b5d2
Revises: f3a1b5c7d9e2
Create Date: 2026-12-08 02:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7c3e9f1b5d2'
down_revision = 'f3a1b5c7d9e2'
branch_labels = None
depends_on = None


def upgrade():
    # An OPD's list and a monitor's list read the messages waiting or overdue in one status of
    # their OPD or sub categories in deadline order, straight from these indexes. The OPD's
    # index starts with (opd_id, status), so it answers every lookup the old one did.
    op.create_index('ix_message_opd_id_status_answer_due_at', 'message',
                    ['opd_id', 'status', 'answer_due_at'], unique=False)
    op.drop_index('ix_message_opd_id_status', table_name='message')
    op.create_index('ix_message_subcategory_id_status_triage_due_at', 'message',
                    ['subcategory_id', 'status', 'triage_due_at'], unique=False)
    op.create_index('ix_message_subcategory_id_status_answer_due_at', 'message',
                    ['subcategory_id', 'status', 'answer_due_at'], unique=False)


def downgrade():
    op.drop_index('ix_message_subcategory_id_status_answer_due_at', table_name='message')
    op.drop_index('ix_message_subcategory_id_status_triage_due_at', table_name='message')
    op.create_index('ix_message_opd_id_status', 'message', ['opd_id', 'status'], unique=False)
    op.drop_index('ix_message_opd_id_status_answer_due_at', table_name='message')

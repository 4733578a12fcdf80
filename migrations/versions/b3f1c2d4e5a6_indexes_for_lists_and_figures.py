"""indexes that match each list's filter and order, the unread badge and the figures' version

Revision ID: b3f1c2d4e5a6
Revises: a7c3e91d2b40
Create Date: 2026-11-24 14:40:00.000000

Plain CREATE/DROP INDEX (no table rebuild), so it runs in seconds on a large table.
"""
from alembic import op
import sqlalchemy as sa


revision = 'b3f1c2d4e5a6'
down_revision = 'a7c3e91d2b40'
branch_labels = None
depends_on = None

# Single-column indexes that the composite ones below begin with.
REPLACED = [('message', 'ix_message_status', ['status']),
            ('message', 'ix_message_opd_id', ['opd_id']),
            ('message', 'ix_message_triage_due_at', ['triage_due_at']),
            ('message', 'ix_message_answer_due_at', ['answer_due_at']),
            ('notification', 'ix_notification_user_id', ['user_id'])]
ADDED = [('message', 'ix_message_updated_at', ['updated_at']),
         ('message', 'ix_message_status_created_at', ['status', 'created_at']),
         ('message', 'ix_message_opd_id_created_at', ['opd_id', 'created_at']),
         ('message', 'ix_message_opd_id_status', ['opd_id', 'status']),
         ('message', 'ix_message_status_triage_due_at', ['status', 'triage_due_at']),
         ('message', 'ix_message_status_answer_due_at', ['status', 'answer_due_at']),
         ('notification', 'ix_notification_user_id_read_at', ['user_id', 'read_at']),
         ('notification', 'ix_notification_message_id_user_id', ['message_id', 'user_id']),
         ('roles_users', 'ix_roles_users_role_id', ['role_id'])]


def upgrade():
    for table, name, columns in ADDED:
        op.create_index(name, table, columns, unique=False)
    op.create_index('ix_queued_mail_recipient_created_at', 'queued_mail',
                    [sa.text('lower(recipient)'), 'created_at'], unique=False)
    for table, name, _columns in REPLACED:
        op.drop_index(name, table_name=table)


def downgrade():
    for table, name, columns in REPLACED:
        op.create_index(name, table, columns, unique=False)
    op.drop_index('ix_queued_mail_recipient_created_at', table_name='queued_mail')
    for table, name, _columns in ADDED:
        op.drop_index(name, table_name=table)

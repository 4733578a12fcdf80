"""notes for the OPD stay internal: a forwarding note moves to an internal note step

Revision ID: e7a4c1d9b2f0
Revises: e6a4c9d1b2f7
Create Date: 2026-12-08 01:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e7a4c1d9b2f0'
down_revision = 'e6a4c9d1b2f7'
branch_labels = None
depends_on = None

event = sa.table('message_event', sa.column('id', sa.Integer), sa.column('message_id', sa.Integer),
                 sa.column('created_at', sa.DateTime), sa.column('actor_id', sa.Integer),
                 sa.column('action', sa.String), sa.column('from_status', sa.String),
                 sa.column('to_status', sa.String), sa.column('note', sa.Text),
                 sa.column('public', sa.Boolean), sa.column('opd_id', sa.Integer))

# A note written when forwarding or rerouting was addressed to the OPD, yet was stored on the
# public step that the tracking page, Open311 and the citizen's mail read. No admin ever chose
# to publish one (there was no such choice), so every one of them goes inside: an internal
# note step at the same moment, by the same officer; the public step keeps no note.
FORWARDING_NOTES = sa.and_(event.c.action.in_(('forward', 'reroute')),
                           event.c.public.is_(sa.true()), event.c.note.isnot(None),
                           event.c.note != '')


def upgrade():
    columns = ('message_id', 'created_at', 'actor_id', 'action', 'from_status', 'to_status',
               'note', 'public', 'opd_id')
    internal = sa.select(event.c.message_id, event.c.created_at, event.c.actor_id,
                         sa.literal('note'), event.c.to_status, event.c.to_status, event.c.note,
                         sa.false(), event.c.opd_id).where(FORWARDING_NOTES)
    op.execute(event.insert().from_select(columns, internal))
    op.execute(event.update().where(FORWARDING_NOTES).values(note=None))


def downgrade():
    # The notes stay internal: the steps they came from are no longer told apart from notes
    # written on their own, and publishing a note is the admin's choice, not a schema's.
    pass

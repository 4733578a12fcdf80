"""the public list's search: an FTS5 trigram index of the subjects on SQLite

Revision ID: c9e5a1b3d7f2
Revises: b8d4f0a2c6e1
Create Date: 2026-12-08 03:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c9e5a1b3d7f2'
down_revision = 'b8d4f0a2c6e1'
branch_labels = None
depends_on = None

# The subjects, indexed by the message's id, kept by the triggers below (models/search.py).
# A later migration that copies `message` in batch mode drops the triggers and must create
# them again.
CREATE = [
    "CREATE VIRTUAL TABLE message_search USING fts5(perihal, content='message', "
    "content_rowid='id', tokenize='trigram case_sensitive 0')",
    "INSERT INTO message_search (message_search) VALUES ('rebuild')",
    "CREATE TRIGGER message_search_insert AFTER INSERT ON message BEGIN "
    "INSERT INTO message_search (rowid, perihal) VALUES (new.id, new.perihal); END",
    "CREATE TRIGGER message_search_delete AFTER DELETE ON message BEGIN "
    "INSERT INTO message_search (message_search, rowid, perihal) "
    "VALUES ('delete', old.id, old.perihal); END",
    "CREATE TRIGGER message_search_update AFTER UPDATE OF perihal ON message BEGIN "
    "INSERT INTO message_search (message_search, rowid, perihal) "
    "VALUES ('delete', old.id, old.perihal); "
    "INSERT INTO message_search (rowid, perihal) VALUES (new.id, new.perihal); END",
]
DROP = ["DROP TRIGGER IF EXISTS message_search_update",
        "DROP TRIGGER IF EXISTS message_search_delete",
        "DROP TRIGGER IF EXISTS message_search_insert",
        "DROP TABLE IF EXISTS message_search"]


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        for statement in CREATE:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for statement in DROP:
            op.execute(statement)

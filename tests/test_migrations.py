"""The schema the Alembic migrations build, compared with the models."""
import pytest

from models import db


def test_migrations_match_the_models(app):
    """Does the schema built by the Alembic migrations match the models (no missing change)?"""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


@pytest.mark.slow
def test_db_upgrade_keeps_the_expression_index_without_a_warning(tmp_path):
    """Does `flask db upgrade` on a new SQLite database finish without SQLAlchemy's warning
    about an expression index it could not reflect, and keep that index (the per-recipient
    mail count's)? Down to the first revision and up again, too."""
    import os
    import sqlite3
    import subprocess
    import sys
    from pathlib import Path

    database = tmp_path / "aspirasi.db"
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "migration-secret",
           "DATABASE_URL": f"sqlite:///{database}"}
    env.pop("TEST_DATABASE_URL", None)
    for command in (["upgrade"], ["downgrade", "0c6c7de94ff7"], ["upgrade"]):
        result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", *command],
                                cwd=Path(__file__).resolve().parent.parent, env=env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-3000:]
        assert "Warning" not in result.stderr, (command, result.stderr[-3000:])
    with sqlite3.connect(database) as connection:
        indexes = {name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'queued_mail'")}
    assert "ix_queued_mail_recipient_created_at" in indexes

"""The schema the Alembic migrations build, compared with the models."""
import pytest

from models import db


def test_migrations_match_the_models(app):
    """Does the schema built by the Alembic migrations match the models (no missing change)?"""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from aspirasi import described_by_models

    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": False, "include_name": described_by_models})
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


def test_upgrade_restores_the_mail_recipient_index_an_earlier_upgrade_lost(tmp_path):
    """Does `db upgrade` give back the per-recipient mail count's index to a SQLite database
    that an earlier upgrade left without it, and leave one that has it as it is?"""
    import sqlite3

    from flask_migrate import upgrade

    from aspirasi import create_app

    database = tmp_path / "earlier.db"
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "UPLOAD_DIR": str(tmp_path / "up"),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})

    def indexes():
        with sqlite3.connect(database) as connection:
            return {name for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'queued_mail'")}

    with app.app_context():
        upgrade(revision="a7c3e9f1b5d2")
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP INDEX ix_queued_mail_recipient_created_at")
        assert "ix_queued_mail_recipient_created_at" not in indexes()
        upgrade()
        db.engine.dispose()
    assert "ix_queued_mail_recipient_created_at" in indexes()

"""The schema the Alembic migrations build, compared with the models."""
from models import db


def test_migrations_match_the_models(app):
    """Does the schema built by the Alembic migrations match the models (no missing change)?"""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        diff = compare_metadata(context, db.metadata)
    assert diff == []

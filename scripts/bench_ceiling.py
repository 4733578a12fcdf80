"""The benchmark's ceiling: a bare Flask app answering one SELECT by primary key.

Served by the same gunicorn settings on the same database as the real app, so each page's
requests/s can be read as a fraction of what this stack can do at all.
"""
from flask import Flask, abort, jsonify
from sqlalchemy import create_engine, text

from aspirasi.config import database_url

engine = create_engine(database_url(), pool_pre_ping=True)
app = Flask(__name__)
QUERY = text("SELECT id, tracking, status FROM message WHERE id = :id")


@app.get("/message/<int:message_id>")
def message(message_id):
    with engine.connect() as conn:
        row = conn.execute(QUERY, {"id": message_id}).first()
    if row is None:
        abort(404)
    return jsonify(id=row.id, tracking=row.tracking, status=row.status)

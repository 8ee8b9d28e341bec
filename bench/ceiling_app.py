"""The stack's own ceiling, served by the same gunicorn configuration as the real app.

`/bare` is a Flask endpoint that does nothing; `/lock-count-insert` is the least work a
booking can be: lock the course row, count its bookings, insert one row, commit (on SQLite
the lock is BEGIN IMMEDIATE, through the same engine hooks the app uses).
"""

from __future__ import annotations

import os

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

import booking.services.db  # noqa: F401 - installs the SQLite BEGIN IMMEDIATE / WAL hooks
from booking.services.db import _sqlite_immediate

app = Flask(__name__)
url = os.environ["DATABASE_URL"]
app.config["SQLALCHEMY_DATABASE_URI"] = url
app.config["SQLALCHEMY_ENGINE_OPTIONS"] = (
    {"connect_args": {"timeout": 30, "check_same_thread": False}, "pool_pre_ping": True}
    if url.startswith("sqlite")
    else {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20}
)
db = SQLAlchemy(app)


@app.get("/bare")
def bare():
    return "ok"


@app.post("/lock-count-insert")
def lock_count_insert():
    token = _sqlite_immediate.set(True)
    try:
        lock = "" if db.engine.dialect.name == "sqlite" else " FOR UPDATE"
        db.session.execute(text(f"SELECT id FROM courses WHERE id = 1{lock}"))  # noqa: S608
        taken = db.session.execute(
            text("SELECT count(*) FROM ceiling_rows WHERE course_id = 1")
        ).scalar()
        db.session.execute(
            text("INSERT INTO ceiling_rows (course_id, position) VALUES (1, :n)"), {"n": taken + 1}
        )
        db.session.commit()
    finally:
        _sqlite_immediate.reset(token)
    return "ok"

"""Fixtures for the operations tests (health, status, doctor, logs, metrics, deployment)."""

from __future__ import annotations

import pytest
from flask_migrate import stamp
from sqlalchemy import text

from booking.extensions import db


@pytest.fixture
def stamped(app):
    """The test database marked as migrated to `revision` (the latest unless given)."""

    def mark(revision: str = "head"):
        stamp(revision=revision)

    yield mark
    db.session.remove()
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))

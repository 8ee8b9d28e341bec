"""A second app with a big enough pool for booking calls run at the same moment (with
tests/support/parallel.py), each thread with its own app context and connection."""

from __future__ import annotations

import os

import pytest

#: How many connections the worker app may open: enough that dozens of requests really do
#: run at once, while leaving room on a PostgreSQL server shared with other test runs.
POOL = {"pool_size": 40, "max_overflow": 0, "pool_timeout": 120, "pool_pre_ping": True}


@pytest.fixture
def worker_app(make_app, app, db):
    """A second app on the same database with a pool big enough for parallel work.

    Depends on `app` so the tables are emptied afterwards. Keyword settings go to the factory.
    """
    made = []

    def build(**settings):
        db.session.commit()  # nothing of the test's own left open
        worker = make_app(SQLALCHEMY_ENGINE_OPTIONS=dict(POOL), **settings)
        made.append(worker)
        return worker

    yield build
    for worker in made:
        with worker.app_context():
            db.engine.dispose()


def on_postgres() -> bool:
    return os.environ.get("TEST_DB", "sqlite") == "postgres"

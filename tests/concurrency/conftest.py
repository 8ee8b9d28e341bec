"""Run many booking calls at the same moment, each thread with its own app context and connection."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from booking.extensions import db

#: How many connections the worker app may open: enough that dozens of requests really do
#: run at once, while leaving room on a PostgreSQL server shared with other test runs.
POOL = {"pool_size": 40, "max_overflow": 0, "pool_timeout": 120, "pool_pre_ping": True}


@dataclass
class Outcome:
    results: list = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)


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


def run_at_once(app, calls: list[Callable[[], object]], *, timeout: float = 180) -> Outcome:
    """Start one thread per call, hold them all at a barrier, release them together.

    Each thread pushes its own app context, so it has its own session and connection.
    The calls must load what they need themselves (after the barrier), so no thread holds
    a connection while the others are still arriving.
    """
    barrier = threading.Barrier(len(calls))
    outcome = Outcome(results=[None] * len(calls))
    lock = threading.Lock()

    def work(index: int, call: Callable[[], object]) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=timeout)
                outcome.results[index] = call()
            except BaseException as error:  # noqa: BLE001 - the test reports every failure
                with lock:
                    outcome.errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(i, c), daemon=True) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "some requests never finished"
    db.session.rollback()  # the test's own session: leave any older snapshot behind
    return outcome


def on_postgres() -> bool:
    return os.environ.get("TEST_DB", "sqlite") == "postgres"

"""Run several calls at the same moment, each in its own thread with its own app context,
session and database connection: for the tests that two people (or workers) acting at once
get the right result."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask

from booking.extensions import db


@dataclass
class Outcome:
    """What each call returned (in the order given) and every error any of them raised."""

    results: list = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)


def run_at_once(app: Flask, calls: list[Callable[[], object]], *, timeout: float = 180) -> Outcome:
    """Start one thread per call, hold them all at a barrier, release them together.

    Each thread pushes its own app context, so it has its own session and connection.
    The calls must load what they need themselves (after the barrier), so no thread holds
    a connection while the others are still arriving. `timeout` only stops a stuck run
    from hanging the suite; nothing is measured.
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
    assert not any(thread.is_alive() for thread in threads), "some calls never finished"
    db.session.rollback()  # the test's own session: leave any older snapshot behind
    return outcome

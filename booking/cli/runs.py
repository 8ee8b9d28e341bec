"""Recording each scheduled command's run, for the status page (services/jobs.py).

Recording must never change what a command does or its exit code: if the database cannot
take the note (it is down, say), the command carries on as it would have and a warning is
logged.
"""

from __future__ import annotations

from flask import current_app

from .. import clock
from ..extensions import db
from ..services import jobs


def record(name: str, *, succeeded: bool = True) -> None:
    """Note that the command `name` finished now, with or without an error."""
    try:
        jobs.record_run(name, now=clock.now(), succeeded=succeeded)
    except Exception as exc:  # noqa: BLE001 - a note about the run must not fail the run
        db.session.rollback()
        current_app.logger.warning("Could not record that %s ran (%s).", name, type(exc).__name__)

"""The scheduled commands note when they last ran, for the status page and monitoring."""

from __future__ import annotations

from datetime import timedelta

import pytest

from booking.extensions import db
from booking.services import jobs


def _runs():
    db.session.expire_all()
    return jobs.last_runs()


@pytest.mark.parametrize(
    "args, name",
    [
        (["bookings", "tick"], jobs.TICK),
        (["privacy", "purge"], jobs.PURGE),
        (["outbox", "reminders"], jobs.REMINDERS),
    ],
)
def test_each_scheduled_command_records_when_it_last_succeeded(runner, clock, args, name):
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    assert _runs()[name].last_succeeded_at == clock()

    later = clock.advance(minutes=5)
    again = runner.invoke(args=args)

    assert again.exit_code == 0, again.output
    run = _runs()[name]
    assert run.last_succeeded_at == later
    assert run.last_failed_at is None


def test_a_poll_that_cannot_reach_the_mailbox_records_a_failure(app, runner, clock):
    saved = dict(app.config)
    # Nothing listens on port 1 of this machine: the mailbox cannot be reached.
    app.config.update(MAILBOX_IMAP_HOST="127.0.0.1", MAILBOX_IMAP_PORT=1, MAILBOX_IMAP_USER="x")
    try:
        result = runner.invoke(args=["mailbox", "poll"])
    finally:
        app.config.clear()
        app.config.update(saved)

    assert result.exit_code == 75, result.output
    run = _runs()[jobs.MAILBOX_POLL]
    assert run.last_failed_at == clock()
    assert run.last_succeeded_at is None


def test_two_records_of_the_same_command_at_once_keep_one_row(app, clock):
    jobs.record_run(jobs.TICK, now=clock())
    jobs.record_run(jobs.TICK, now=clock() + timedelta(seconds=1), succeeded=False)

    runs = _runs()
    assert list(runs) == [jobs.TICK]
    assert runs[jobs.TICK].last_succeeded_at == clock()
    assert runs[jobs.TICK].last_failed_at == clock() + timedelta(seconds=1)


def test_a_command_still_works_when_its_run_cannot_be_recorded(make_app, tmp_path):
    """The database refuses the note (no job_runs table): the tick's own result stands."""
    from sqlalchemy import text

    url = f"sqlite:///{tmp_path / 'no-job-runs.db'}"
    other = make_app(SQLALCHEMY_DATABASE_URI=url)
    with other.app_context():
        db.create_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE job_runs"))
        result = other.test_cli_runner().invoke(args=["bookings", "tick"])
        db.session.remove()
        db.engine.dispose()

    assert result.exit_code == 0, result.output
    assert "Offers that ran out: 0" in result.output

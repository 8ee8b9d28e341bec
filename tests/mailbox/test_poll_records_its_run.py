"""A successful `flask mailbox poll` is noted for the status page (services/jobs.py)."""

from __future__ import annotations

from booking.extensions import db
from booking.services import jobs


def test_a_poll_that_reads_the_mailbox_records_its_success(imap_app, dovecot, clock):
    result = imap_app.test_cli_runner().invoke(args=["mailbox", "poll"])

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert jobs.last_runs()[jobs.MAILBOX_POLL].last_succeeded_at == clock()

"""`flask mailbox ingest`: one message on standard input, exit codes a mail server understands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from booking.extensions import db
from booking.models import InboundMessage, InboundOutcome

from .conftest import message_bytes, outbox_rows

ROOT = Path(__file__).resolve().parents[2]


def _count() -> int:
    return db.session.scalar(select(func.count(InboundMessage.id)))


def test_a_message_on_standard_input_is_handled(runner, courses, clock):
    result = runner.invoke(args=["mailbox", "ingest"], input=message_bytes("outlook_request.eml"))
    assert result.exit_code == 0, result.output
    assert "booking link sent" in result.output
    assert [r.kind for r in outbox_rows()] == ["mailbox_booking_link"]


def test_a_second_delivery_exits_0_and_does_nothing(runner, courses, clock):
    raw = message_bytes("outlook_request.eml")
    runner.invoke(args=["mailbox", "ingest"], input=raw)
    again = runner.invoke(args=["mailbox", "ingest"], input=raw)
    assert again.exit_code == 0
    assert "Already handled" in again.output
    assert _count() == 1
    assert len(outbox_rows()) == 1


def test_bad_mail_is_recorded_and_exits_0(runner, courses, clock):
    for raw in (b"", b"\x00\xff garbage \xfe", message_bytes("broken_mime.eml")):
        result = runner.invoke(args=["mailbox", "ingest"], input=raw)
        assert result.exit_code == 0, result.output
    assert _count() == 3


def test_an_oversized_message_is_read_to_the_end_and_recorded(app, runner, courses, clock):
    app.config["MAILBOX_MAX_MESSAGE_BYTES"] = 20_000
    try:
        result = runner.invoke(args=["mailbox", "ingest"], input=message_bytes("oversized.eml"))
    finally:
        app.config["MAILBOX_MAX_MESSAGE_BYTES"] = 5 * 1024 * 1024
    assert result.exit_code == 0
    [message] = db.session.scalars(select(InboundMessage)).all()
    assert message.outcome == InboundOutcome.REJECTED


def test_when_the_database_is_down_the_mail_server_is_told_to_retry(tmp_path):
    """A real `flask` process, as the mail server would run it: exit 75 (EX_TEMPFAIL)."""
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "FLASK_CONFIG": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path}/no-such-folder/booking.db",
        "INSTANCE_PATH": str(tmp_path / "instance"),
    }
    flask = Path(sys.executable).parent / "flask"
    done = subprocess.run(
        [str(flask), "mailbox", "ingest"],
        input=message_bytes("outlook_request.eml"),
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert done.returncode == 75, done.stderr.decode()
    assert b"try again later" in done.stderr


def test_a_fault_while_handling_a_message_is_logged_without_what_it_said(
    runner, courses, clock, monkeypatch, caplog
):
    """The error's text can quote the message, so only where it failed is logged."""
    import booking.cli.mailbox as cli

    def fails(raw, **_kwargs):
        sender = raw.split(b"From: ", 1)[1].split(b"\r\n", 1)[0].decode()
        raise RuntimeError(f"could not read {sender}")

    monkeypatch.setattr(cli, "ingest", fails)  # a fault of ours, which the real code has not got
    result = runner.invoke(args=["mailbox", "ingest"], input=message_bytes("outlook_request.eml"))

    assert result.exit_code == 75
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Could not handle an incoming message (RuntimeError)." in logged
    assert "in fails" in logged  # where it happened is kept
    assert "jo.bloggs" not in logged.lower()

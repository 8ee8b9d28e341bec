"""Real `flask outbox` processes: killed mid-send, stopped politely, and two at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from booking.extensions import db
from booking.mail.outbound import composing
from booking.models import BookingStatus, OutboxStatus

from .conftest import MAILBOX
from .helpers import rows, send_all, statuses

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def flask_command(database_url, smtp, tmp_path):
    """Start `flask outbox ...` in its own process, pointed at the test database and server."""
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "FLASK_CONFIG": "development",
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp_path),
        "MAIL_SUPPRESS_SEND": "0",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp.port),
        "MAIL_TIMEOUT": "30",
        "TRAINING_MAILBOX": MAILBOX,
        "RATELIMIT_ENABLED": "0",
    }
    started = []

    def start(*args: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "outbox", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)


def _queue(make, count: int, now: datetime) -> None:
    course = make.course(total_places=count + 5)
    for _ in range(count):
        composing.reminder(
            make.booking(course, status=BookingStatus.CONFIRMED), now=now, days_before=7
        )
    db.session.commit()


def test_a_worker_killed_mid_send_loses_nothing(mail_app, make, smtp, flask_command):
    now = datetime.now(UTC)
    _queue(make, 1, now)
    smtp.handler.hold.set()  # the server will sit on the message once it starts arriving

    worker = flask_command("worker", "--interval", "0.2")
    assert smtp.handler.data_started.wait(timeout=60), "the worker never started sending"
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    smtp.handler.hold.clear()
    smtp.handler.release.set()

    [row] = rows()
    assert row.status == OutboxStatus.SENDING  # claimed by a sender that no longer exists
    assert not smtp.received

    assert send_all(now=now + timedelta(minutes=5)).claimed == 0
    assert send_all(now=now + timedelta(minutes=11)).sent == 1
    assert len(smtp.received) == 1
    assert statuses() == {"sent": 1}


def test_a_worker_stops_cleanly_when_asked(mail_app, make, smtp, flask_command):
    worker = flask_command("worker", "--interval", "0.2")
    assert worker.stdout.readline().startswith("Outbox worker ")
    worker.send_signal(signal.SIGTERM)
    out, err = worker.communicate(timeout=30)
    assert worker.returncode == 0, err
    assert "Outbox worker stopped." in out


def test_two_sender_processes_never_send_a_message_twice(mail_app, make, smtp, flask_command):
    count = 30
    _queue(make, count, datetime.now(UTC))

    senders = [flask_command("send", "--limit", "4", "--no-reminders") for _ in range(2)]
    for sender in senders:
        out, err = sender.communicate(timeout=120)
        assert sender.returncode == 0, out + err

    ids = Counter(r.message_id for r in smtp.received)
    assert len(smtp.received) == count
    assert len(ids) == count and set(ids.values()) == {1}
    assert statuses() == {"sent": count}

"""`flask outbox send | worker | status | reminders` through the CLI runner."""

from __future__ import annotations

from booking.extensions import db
from booking.mail.outbound import composing
from booking.models import BookingStatus

from .helpers import NOW, statuses


def _queue(make, count=2):
    course = make.course()
    for _ in range(count):
        composing.reminder(
            make.booking(course, status=BookingStatus.CONFIRMED), now=NOW, days_before=7
        )
    db.session.commit()


def test_send_delivers_what_is_due_and_says_so(mail_app, make, smtp):
    mail_app.config["CLOCK_OVERRIDE"] = NOW
    _queue(make)
    result = mail_app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "2 sent" in result.output
    assert len(smtp.received) == 2


def test_send_exits_non_zero_when_the_server_is_down(mail_app, make, smtp):
    mail_app.config["CLOCK_OVERRIDE"] = NOW
    _queue(make)
    smtp.stop()
    result = mail_app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 1
    assert "2 to try again later" in result.output
    assert statuses() == {"pending": 2}


def test_send_with_sending_turned_off_keeps_the_mail(runner, make, clock):
    _queue(make)
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0
    assert "stays in the outbox" in result.output
    assert statuses() == {"pending": 2}


def test_worker_runs_the_number_of_passes_asked_for(mail_app, make, smtp):
    mail_app.config["CLOCK_OVERRIDE"] = NOW
    _queue(make, 3)
    result = mail_app.test_cli_runner().invoke(
        args=["outbox", "worker", "--interval", "0", "--max-loops", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "3 sent" in result.output
    assert "Outbox worker stopped." in result.output


def test_status_counts_each_state(runner, make, clock):
    _queue(make, 2)
    result = runner.invoke(args=["outbox", "status"])
    assert "2 waiting to be sent" in result.output
    assert "0 failed (a coordinator can retry them)" in result.output


def test_reminders_command_queues_without_sending(runner, make, clock):
    result = runner.invoke(args=["outbox", "reminders"])
    assert result.exit_code == 0
    assert "0 reminders and 0 after-course messages queued" in result.output

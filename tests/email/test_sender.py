"""The outbox sender under faults: server down, refused addresses, dead workers, two workers."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from booking.extensions import db
from booking.mail.outbound import composing, sending
from booking.models import AuditEvent, BookingStatus, OutboxStatus
from booking.services import emails, outbox
from booking.services.errors import NotAllowed

from ..support.parallel import run_at_once
from .helpers import NOW, committed, rows, send_all, statuses


def _queue_confirmations(make, count: int) -> list:
    course = make.course(total_places=count + 5)
    bookings = [make.booking(course, status=BookingStatus.CONFIRMED) for _ in range(count)]
    for booking in bookings:
        emails.place_confirmed(booking, now=NOW)
    db.session.commit()
    return bookings


def _queue_plain(make, count: int) -> list:
    """Messages without invitations or copies: one row per person."""
    course = make.course(total_places=count + 5)
    bookings = [make.booking(course, status=BookingStatus.CONFIRMED) for _ in range(count)]
    for booking in bookings:
        composing.reminder(booking, now=NOW, days_before=7)
    db.session.commit()
    return bookings


def test_retry_delays_grow_and_stop_at_the_cap():
    policy = outbox.RetryPolicy(
        first_delay=timedelta(minutes=1), max_delay=timedelta(minutes=30), max_attempts=10
    )
    assert [policy.delay_after(n).total_seconds() / 60 for n in range(1, 8)] == [
        1,
        2,
        4,
        8,
        16,
        30,
        30,
    ]


def test_mail_waits_while_the_server_is_down_and_goes_once_it_is_back(mail_app, make, smtp):
    bookings = _queue_confirmations(make, 3)
    smtp.stop()

    summary = send_all()

    assert summary.sent == 0 and summary.retrying == 12
    assert statuses() == {"pending": 12}
    assert {row.attempts for row in rows()} == {1}
    assert {row.next_attempt_at for row in rows()} == {NOW + timedelta(minutes=1)}
    assert "did not answer" in rows()[0].last_error or "refused" in rows()[0].last_error

    smtp.start()
    assert send_all(now=NOW + timedelta(seconds=30)).claimed == 0  # not due yet
    summary = send_all(now=NOW + timedelta(minutes=1))
    assert summary.sent == 12
    assert send_all(now=NOW + timedelta(hours=1)).claimed == 0

    ids = Counter(r.message_id for r in smtp.received)
    assert len(ids) == 12 and set(ids.values()) == {1}
    for booking in bookings:
        assert len(smtp.to(booking.person.email)) == 3
    assert statuses() == {"sent": 12}


def test_a_message_that_keeps_failing_is_marked_failed_after_the_limit(mail_app, make, smtp):
    mail_app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    try:
        _queue_plain(make, 1)
        smtp.stop()
        moment = NOW
        for expected_wait in (1, 2):
            send_all(now=moment)
            [row] = rows()
            assert row.status == OutboxStatus.PENDING
            assert row.next_attempt_at == moment + timedelta(minutes=expected_wait)
            moment = row.next_attempt_at
        summary = send_all(now=moment)
        assert summary.failed == 1
        [row] = rows()
        assert row.status == OutboxStatus.FAILED and row.attempts == 3
    finally:
        mail_app.config["OUTBOX_MAX_ATTEMPTS"] = 10


def test_a_refused_address_fails_alone_and_the_others_are_delivered(mail_app, make, smtp):
    bookings = _queue_plain(make, 3)
    refused = bookings[1].person.email
    smtp.handler.refuse[refused] = "550 5.1.1 No such person here"

    summary = send_all()

    assert summary.sent == 2 and summary.failed == 1
    assert len(smtp.received) == 2
    assert not smtp.to(refused)
    [failed] = rows(status=OutboxStatus.FAILED)
    assert failed.to_address == refused
    assert "refused the address (code 550)" in failed.last_error
    assert refused not in failed.last_error


def test_an_address_refused_for_now_is_tried_again_later(mail_app, make, smtp):
    bookings = _queue_plain(make, 2)
    busy = bookings[0].person.email
    smtp.handler.refuse[busy] = "450 4.2.1 Mailbox busy, try later"

    summary = send_all()
    assert summary.sent == 1 and summary.retrying == 1

    smtp.handler.refuse.clear()
    assert send_all(now=NOW + timedelta(minutes=1)).sent == 1
    assert len(smtp.to(busy)) == 1


def test_a_row_left_mid_send_by_a_dead_worker_is_sent_again_after_a_while(mail_app, make, smtp):
    _queue_plain(make, 2)
    # A worker claims the batch and dies before sending anything.
    claimed = outbox.claim_due(now=NOW, worker_id="dead-worker", limit=1)
    assert len(claimed) == 1
    db.session.expire_all()

    summary = send_all(now=NOW + timedelta(minutes=5))
    assert summary.sent == 1  # only the unclaimed one: the other still looks in progress
    assert statuses() == {"sending": 1, "sent": 1}

    summary = send_all(now=NOW + timedelta(minutes=11))
    assert summary.sent == 1
    assert statuses() == {"sent": 2}
    assert len(smtp.received) == 2
    assert {row.attempts for row in rows()} == {1, 2}


def test_a_row_that_keeps_killing_its_sender_is_given_up(mail_app, make, smtp):
    mail_app.config["OUTBOX_MAX_ATTEMPTS"] = 2
    try:
        _queue_plain(make, 1)
        outbox.claim_due(now=NOW, worker_id="dead-1")
        outbox.claim_due(now=NOW + timedelta(minutes=11), worker_id="dead-2")
        summary = send_all(now=NOW + timedelta(minutes=30))
        assert summary.claimed == 0
        [row] = rows()
        assert row.status == OutboxStatus.FAILED
        assert not smtp.received
    finally:
        mail_app.config["OUTBOX_MAX_ATTEMPTS"] = 10


def test_two_workers_at_once_never_send_a_message_twice(mail_app, make, smtp):
    count = 40
    _queue_plain(make, count)

    def worker(name: str):
        def call():
            while sending.send_due_now(now=NOW, limit=3, worker_id=name).claimed:
                pass

        return call

    outcome = run_at_once(mail_app, [worker(f"worker-{n}") for n in range(2)])

    assert outcome.errors == []
    ids = Counter(r.message_id for r in smtp.received)
    assert len(smtp.received) == count
    assert len(ids) == count and set(ids.values()) == {1}
    assert statuses() == {"sent": count}


def test_a_coordinator_can_send_a_failed_message_again(mail_app, make, smtp):
    coordinator = make.coordinator()
    bookings = _queue_plain(make, 1)
    smtp.handler.refuse[bookings[0].person.email] = "550 No such person"
    send_all()
    [row] = rows()
    assert row.status == OutboxStatus.FAILED

    smtp.handler.refuse.clear()
    outbox.retry_failed(row.id, actor=coordinator, now=NOW + timedelta(hours=1))
    [row] = rows()
    assert row.status == OutboxStatus.PENDING and row.attempts == 0
    assert send_all(now=NOW + timedelta(hours=1)).sent == 1
    assert db.session.query(AuditEvent).filter_by(action="outbox.retried").count() == 1


def test_only_failed_messages_can_be_retried(mail_app, make):
    _queue_plain(make, 1)
    [row] = rows()
    with pytest.raises(NotAllowed):
        outbox.retry_failed(row.id, actor="coordinator", now=NOW)


def test_suppressed_sending_leaves_mail_in_the_outbox(app, make):
    committed(composing.reminder, make.booking(make.course()), now=NOW, days_before=7)
    assert sending.send_due_now(now=NOW).claimed == 0
    assert statuses() == {"pending": 1}

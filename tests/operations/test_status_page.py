"""The coordinators' status page: the outbox's backlog and failures, and when each scheduled
job last finished, with an alert for anything older than it should be."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from booking.extensions import db
from booking.mail.outbound import composing
from booking.models import BookingStatus, OutboxMessage, OutboxStatus
from booking.services import jobs


@pytest.fixture
def coordinator_client(client, make, sign_in_coordinator, clock):
    return sign_in_coordinator(make.coordinator())


def _page(client) -> str:
    response = client.get("/coordinator/status")
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def _queue(make, count: int, now) -> list[OutboxMessage]:
    course = make.course(total_places=count + 5)
    for _ in range(count):
        composing.reminder(
            make.booking(course, status=BookingStatus.CONFIRMED), now=now, days_before=7
        )
    db.session.commit()
    return list(db.session.query(OutboxMessage))


def test_only_coordinators_see_the_status_page(client):
    response = client.get("/coordinator/status")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/coordinator/sign-in")


def test_a_service_running_as_it_should_shows_no_alert(app, coordinator_client, clock):
    app.config["MAILBOX_IMAP_HOST"] = "imap.example.org"
    try:
        for name in jobs.SCHEDULED:
            jobs.record_run(name, now=clock() - timedelta(minutes=3))
        page = _page(coordinator_client)
    finally:
        app.config["MAILBOX_IMAP_HOST"] = ""

    assert "Everything is running as it should." in page
    assert "govuk-tag--red" not in page
    assert page.count("Running") == 4
    assert "(3 minutes ago)" in page


def test_the_outbox_backlog_and_its_oldest_message_are_shown(coordinator_client, make, clock):
    for name in jobs.SCHEDULED:
        jobs.record_run(name, now=clock())
    _queue(make, 3, clock() - timedelta(minutes=40))

    page = _page(coordinator_client)

    assert 'Waiting to be sent</dt> <dd class="govuk-summary-list__value">3<' in page
    assert "(40 minutes ago)" in page
    assert "The oldest email has waited 40 minutes." in page
    assert "Something needs attention: 1 problem below." in page


def test_emails_that_could_not_be_sent_raise_an_alert(coordinator_client, make, clock):
    for name in jobs.SCHEDULED:
        jobs.record_run(name, now=clock())
    [message, *_] = _queue(make, 2, clock())
    message.status = OutboxStatus.FAILED
    db.session.commit()

    page = _page(coordinator_client)

    assert "1 email could not be sent." in page
    assert 'href="/coordinator/outbox"' in page


def test_a_job_that_stopped_running_raises_an_alert_with_its_age(coordinator_client, clock):
    jobs.record_run(jobs.TICK, now=clock() - timedelta(hours=2))
    jobs.record_run(jobs.TICK, now=clock() - timedelta(minutes=1), succeeded=False)
    jobs.record_run(jobs.REMINDERS, now=clock())
    jobs.record_run(jobs.PURGE, now=clock() - timedelta(days=3))

    page = _page(coordinator_client)

    assert (
        "Ending offers and offering free places last finished 2 hours ago, more than "
        "15 minutes. Its timer (flask bookings tick) may have stopped." in page
    )
    assert "Last try stopped with an error" in page
    assert "Deleting personal data no longer needed last finished 3 days ago" in page
    assert "Queueing reminder emails last finished" not in page
    # No IMAP mailbox is set up here, so not polling it is no problem.
    assert "Not set up" in page
    assert "Reading the training mailbox has never finished" not in page
    assert "Something needs attention: 2 problems below." in page


def test_jobs_that_never_ran_are_alerts(app, coordinator_client):
    app.config["MAILBOX_IMAP_HOST"] = "imap.example.org"
    try:
        page = _page(coordinator_client)
    finally:
        app.config["MAILBOX_IMAP_HOST"] = ""

    assert "Reading the training mailbox has never finished." in page
    assert page.count("has never finished") == 4

"""`/metrics` for Prometheus: requests by route, bookings, the outbox and the mailbox, and
who may read it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from booking.extensions import db
from booking.mail.outbound import composing
from booking.models import (
    BookingStatus,
    InboundMessage,
    InboundOutcome,
    OutboxMessage,
    OutboxStatus,
)
from booking.services import jobs

from .test_request_logs import FORM, _link


def _metrics(client, **kwargs) -> str:
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    return response.get_data(as_text=True)


def _value(text: str, sample: str) -> float:
    match = re.search(rf"^{re.escape(sample)} (\S+)$", text, re.M)
    assert match, f"{sample} is not in the metrics"
    return float(match.group(1))


def _value_or_zero(text: str, sample: str) -> float:
    match = re.search(rf"^{re.escape(sample)} (\S+)$", text, re.M)
    return float(match.group(1)) if match else 0.0


def test_requests_are_counted_and_timed_by_route_never_by_token(client, make, clock):
    # The metrics live in the process, so other tests' requests are counted too: compare
    # the counts before and after this test's own requests.
    rule = 'method="GET",status="200",url_rule="/b/<token>"'
    book = 'method="POST",status="302",url_rule="/courses/<id:course_id>/book"'
    pages = f"sos_http_request_duration_seconds_count{{{rule}}}"
    books = f"sos_http_request_duration_seconds_count{{{book}}}"
    before = _metrics(client)
    course = make.course()
    client.post(f"/courses/{course.id}/book", data=FORM)
    confirm = _link("confirm_your_email")
    manage = client.post(confirm).headers["Location"]
    client.get(manage)

    text = _metrics(client)

    assert _value(text, pages) - _value_or_zero(before, pages) == 1
    assert _value(text, books) - _value_or_zero(before, books) == 1
    assert _value(text, 'sos_http_request_total{method="POST",status="302"}') >= 2
    for token in (confirm.rsplit("/", 1)[1], manage.rsplit("/", 1)[1]):
        assert token not in text
    assert FORM["email"].lower() not in text.lower()


def test_bookings_made_are_counted_by_outcome(client, make, clock):
    course = make.course(total_places=1, partner_places=0)
    make.booking(course, status=BookingStatus.CONFIRMED)  # made by a coordinator: not counted
    for email in ("first@cumberland.gov.uk", "second@cumberland.gov.uk"):
        client.post(f"/courses/{course.id}/book", data={**FORM, "email": email})
        client.post(_link("confirm_your_email"))

    text = _metrics(client)

    # The factory's booking filled the only place, so both people were put on the waitlist.
    assert _value(text, 'sos_bookings_made_total{outcome="place"}') == 0
    assert _value(text, 'sos_bookings_made_total{outcome="waitlist"}') == 2
    assert _value(text, 'sos_bookings{status="waitlisted"}') == 2
    assert _value(text, 'sos_bookings{status="confirmed"}') == 1


def test_the_outbox_backlog_its_age_and_failures_are_shown(client, make, clock):
    course = make.course(total_places=5)
    booked = [make.booking(course, status=BookingStatus.CONFIRMED) for _ in range(3)]
    for booking in booked:
        composing.reminder(booking, now=clock() - timedelta(minutes=10), days_before=7)
    db.session.commit()
    message = db.session.query(OutboxMessage).filter_by(booking_id=booked[0].id).one()
    message.status = OutboxStatus.FAILED
    db.session.commit()

    text = _metrics(client)

    assert _value(text, "sos_outbox_waiting") == 2
    assert _value(text, "sos_outbox_oldest_waiting_seconds") == 600
    assert _value(text, 'sos_outbox_messages{status="failed"}') == 1
    assert _value(text, 'sos_outbox_messages{status="pending"}') == 2


def test_mailbox_messages_are_counted_by_outcome_and_jobs_by_last_success(client, clock):
    for number, outcome in enumerate(
        [InboundOutcome.BOOKING_LINK_SENT, InboundOutcome.IGNORED, InboundOutcome.IGNORED]
    ):
        db.session.add(InboundMessage(fingerprint=f"<m{number}@example.org>", outcome=outcome))
    db.session.commit()
    jobs.record_run(jobs.TICK, now=clock())

    text = _metrics(client)

    assert _value(text, 'sos_mailbox_messages{outcome="ignored"}') == 2
    assert _value(text, 'sos_mailbox_messages{outcome="booking_link_sent"}') == 1
    assert _value(text, 'sos_job_last_success_timestamp_seconds{job="bookings tick"}') == (
        clock().timestamp()
    )
    assert _value(text, "sos_database_up") == 1


def test_a_scrape_says_when_the_database_is_down(make_app):
    down = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")

    text = _metrics(down.test_client())

    assert _value(text, "sos_database_up") == 0


@pytest.mark.parametrize(
    "address, headers, allowed",
    [
        ("127.0.0.1", {}, True),
        ("10.20.0.7", {}, True),
        ("81.2.69.160", {}, False),
        ("127.0.0.1", {"X-Forwarded-For": "81.2.69.160"}, False),  # came through the proxy
    ],
)
def test_without_a_token_only_private_addresses_may_read_the_metrics(
    client, address, headers, allowed
):
    response = client.get("/metrics", headers=headers, environ_base={"REMOTE_ADDR": address})
    assert response.status_code == (200 if allowed else 404)


def test_with_a_token_only_requests_that_give_it_may_read_the_metrics(app, client):
    app.config["METRICS_TOKEN"] = "a-long-random-token-for-the-monitoring"
    try:
        missing = client.get("/metrics")
        wrong = client.get("/metrics", headers={"Authorization": "Bearer not-it"})
        right = client.get(
            "/metrics",
            headers={"Authorization": "Bearer a-long-random-token-for-the-monitoring"},
            environ_base={"REMOTE_ADDR": "81.2.69.160"},
        )
    finally:
        app.config["METRICS_TOKEN"] = ""

    assert (missing.status_code, wrong.status_code, right.status_code) == (404, 404, 200)

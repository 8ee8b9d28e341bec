"""Rate limits on booking, link requests and sign-in trigger, show a plain page, and recover.

Recovery is shown with a clock we move by hand for the in-memory store, and with the
limiter's own reset for Redis (whose keys expire on the server's clock).
"""

from __future__ import annotations

import re
import socket
import types

import pytest
import redis

from booking.extensions import db as _db
from booking.extensions import limiter
from booking.models import OutboxMessage
from booking.security import limit_booking
from booking.services import signin

LIMITS = {
    "RATELIMIT_SIGN_IN_PER_ACCOUNT": "3 per minute",
    "RATELIMIT_SIGN_IN_PER_ADDRESS": "100 per minute",
    "RATELIMIT_LINKS_PER_EMAIL": "2 per minute",
    "RATELIMIT_LINKS_PER_ADDRESS": "100 per minute",
    "RATELIMIT_BOOKING_PER_EMAIL": "2 per minute",
    "RATELIMIT_BOOKING_PER_ADDRESS": "3 per minute",
}


class LimiterClock:
    """Stands in for the `time` module inside the in-memory limit store."""

    def __init__(self, start: float = 1_800_000_000.0):
        self.now = start

    def time(self) -> float:
        return self.now


@pytest.fixture
def limiter_clock(monkeypatch):
    import limits.storage.memory as memory

    fake = LimiterClock()
    monkeypatch.setattr(memory, "time", types.SimpleNamespace(time=fake.time))
    return fake


@pytest.fixture
def memory_app(limited_app, limiter_clock):
    return limited_app(RATELIMIT_STORAGE_URI="memory://", **LIMITS)


def _wrong_password(client, email="someone@cumbria.gov.uk", address="10.0.0.1"):
    return client.post(
        "/coordinator/sign-in",
        data={"email": email, "password": "wrong password here"},
        environ_base={"REMOTE_ADDR": address},
    )


def test_sign_in_attempts_are_limited_per_account_then_recover(memory_app, limiter_clock):
    client = memory_app.test_client()
    for _ in range(3):
        assert _wrong_password(client).status_code == 200
    # a different address does not help: the limit counts the account
    blocked = _wrong_password(client, address="10.9.9.9")
    assert blocked.status_code == 429
    assert b"Please wait a moment" in blocked.data
    assert b"Traceback" not in blocked.data
    assert _wrong_password(client, email="other@cumbria.gov.uk").status_code == 200
    limiter_clock.now += 61
    assert _wrong_password(client).status_code == 200


def test_looking_at_the_sign_in_page_is_never_limited(memory_app):
    client = memory_app.test_client()
    for _ in range(10):
        assert client.get("/coordinator/sign-in").status_code == 200


def test_link_requests_are_limited_per_email_address(memory_app, limiter_clock):
    client = memory_app.test_client()
    for _ in range(2):
        assert client.post("/sign-in", data={"email": "ann@nhs.net"}).status_code == 302
    assert client.post("/sign-in", data={"email": "ANN@nhs.net "}).status_code == 429
    assert client.post("/sign-in", data={"email": "bob@nhs.net"}).status_code == 302
    limiter_clock.now += 61
    assert client.post("/sign-in", data={"email": "ann@nhs.net"}).status_code == 302


def test_booking_limit_counts_per_address_and_per_email(limited_app, limiter_clock):
    app = limited_app(RATELIMIT_STORAGE_URI="memory://", **LIMITS)

    @app.post("/test-only/book")
    @limit_booking
    def book():
        return "booked"

    client = app.test_client()
    assert client.post("/test-only/book", data={"email": "a@nhs.net"}).status_code == 200
    assert client.post("/test-only/book", data={"email": "a@nhs.net"}).status_code == 200
    assert client.post("/test-only/book", data={"email": "a@nhs.net"}).status_code == 429
    assert client.post("/test-only/book", data={"email": "b@nhs.net"}).status_code == 200
    # fourth request from this address: the per-address limit (3) is reached
    assert client.post("/test-only/book", data={"email": "c@nhs.net"}).status_code == 429
    limiter_clock.now += 61
    assert client.post("/test-only/book", data={"email": "a@nhs.net"}).status_code == 200


def _new_link(person, clock) -> str:
    tokens = []
    signin.request_sign_in_link(person.email, link_for=tokens.append, now=clock.now)
    return tokens[0]


def test_forty_people_in_one_office_can_each_ask_for_a_link_and_sign_in(limited_app, make, clock):
    """Council offices share one internet address: the default limits let them all in."""
    app = limited_app(RATELIMIT_STORAGE_URI="memory://")
    app.config["CLOCK_OVERRIDE"] = clock.now
    office = {"REMOTE_ADDR": "192.0.2.10"}
    people = [make.person(email=f"worker{n}@cumberland.gov.uk") for n in range(40)]
    for person in people:
        browser = app.test_client()
        with browser.post("/sign-in", data={"email": person.email}, environ_base=office) as asked:
            assert asked.status_code == 302, person.email
        used = browser.post(f"/sign-in/{_latest_sign_in_token()}", environ_base=office)
        assert used.status_code == 302, person.email
        assert used.headers["Location"] == "/my-bookings"


def test_using_sign_in_links_is_limited_per_person_from_any_address(limited_app, make, clock):
    app = limited_app(RATELIMIT_STORAGE_URI="memory://", **LIMITS)  # 3 a minute per account
    app.config["CLOCK_OVERRIDE"] = clock.now
    ann, bob = make.person(), make.person()
    client = app.test_client()
    for n in range(3):
        used = client.post(
            f"/sign-in/{_new_link(ann, clock)}", environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}
        )
        assert used.status_code == 302
    fourth = client.post(
        f"/sign-in/{_new_link(ann, clock)}", environ_base={"REMOTE_ADDR": "10.0.9.9"}
    )
    assert fourth.status_code == 429
    assert client.post(f"/sign-in/{_new_link(bob, clock)}").status_code == 302


def test_using_sign_in_links_is_limited_per_address(limited_app, make, clock):
    app = limited_app(
        RATELIMIT_STORAGE_URI="memory://",
        **{**LIMITS, "RATELIMIT_LINKS_PER_ADDRESS": "2 per minute"},
    )
    app.config["CLOCK_OVERRIDE"] = clock.now
    client = app.test_client()
    for _ in range(2):
        assert client.post(f"/sign-in/{_new_link(make.person(), clock)}").status_code == 302
    assert client.post(f"/sign-in/{_new_link(make.person(), clock)}").status_code == 429
    # made-up links count against the address too, each as its own "account"
    assert (
        client.post("/sign-in/" + "x" * 43, environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code
        == 404
    )


def test_the_test_suite_app_is_never_limited(app, client, memory_app):
    memory_app.test_client()  # limits are on in another app in this process
    for _ in range(6):
        assert _wrong_password(client).status_code == 200


@pytest.fixture
def redis_server():
    server = redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1)
    try:
        server.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    yield server
    server.close()


def test_limits_are_kept_in_redis_when_configured(limited_app, redis_server, redis_prefix):
    app = limited_app(
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379",
        RATELIMIT_STORAGE_OPTIONS={"key_prefix": redis_prefix},
        **LIMITS,
    )
    try:
        client = app.test_client()
        for _ in range(3):
            assert _wrong_password(client).status_code == 200
        assert _wrong_password(client).status_code == 429
        assert redis_server.keys(f"{redis_prefix}:*")  # shared by every worker
        limiter.reset()
        assert not redis_server.keys(f"{redis_prefix}:*")
        assert _wrong_password(client).status_code == 200
    finally:
        for key in redis_server.scan_iter(f"{redis_prefix}:*"):
            redis_server.delete(key)


# --- Redis down: limits fall back to each worker's memory ----------------------------------

BOOKING_FORM = {
    "full_name": "Jo Bloggs",
    "job_title": "Social Worker",
    "team": "Carlisle Children's Services",
    "organisation": "",
    "line_manager_email": "",
    "support_needs": "",
    "consent": "y",
}


@pytest.fixture
def nowhere():
    """A Redis address where nothing listens (a port the system just gave out and freed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def _latest_sign_in_token() -> str:
    _db.session.rollback()  # see what the other app wrote since this session last looked
    message = OutboxMessage.query.order_by(OutboxMessage.id.desc()).first()
    return re.search(r"/sign-in/([A-Za-z0-9_-]+)", message.text_body).group(1)


def test_with_redis_down_booking_and_signing_in_work_and_limits_come_from_memory(
    limited_app, nowhere, make, clock, caplog
):
    app = limited_app(RATELIMIT_STORAGE_URI=nowhere, **LIMITS)
    app.config["CLOCK_OVERRIDE"] = clock.now
    client = app.test_client()
    course = make.course()
    person = make.person(email="ann@cumberland.gov.uk")

    with caplog.at_level("WARNING"):
        booked = client.post(
            f"/courses/{course.id}/book", data={**BOOKING_FORM, "email": "jo@cumberland.gov.uk"}
        )
    assert booked.status_code == 302, booked.status_code
    assert booked.headers["Location"].endswith("/book/check-your-email")
    assert any("falling back to in-memory storage" in r.getMessage() for r in caplog.records)

    with client.post("/sign-in", data={"email": person.email}) as asked:
        assert asked.status_code == 302
    signed_in = client.post(f"/sign-in/{_latest_sign_in_token()}")
    assert signed_in.headers["Location"] == "/my-bookings"
    assert client.get("/my-bookings").status_code == 200

    # the limits still apply, counted in this worker's memory
    assert client.post("/sign-in", data={"email": person.email}).status_code == 302
    assert client.post("/sign-in", data={"email": person.email}).status_code == 429
    for _ in range(3):
        assert _wrong_password(client).status_code == 200
    assert _wrong_password(client).status_code == 429

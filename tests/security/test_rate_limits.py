"""Rate limits on booking, link requests and sign-in trigger, show a plain page, and recover.

Recovery is shown with a clock we move by hand for the in-memory store, and with the
limiter's own reset for Redis (whose keys expire on the server's clock).
"""

from __future__ import annotations

import types

import pytest
import redis

from booking.extensions import limiter
from booking.security import limit_booking

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

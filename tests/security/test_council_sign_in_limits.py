"""Council sign-in is rate limited like other sign-ins: going to the provider and coming back."""

from __future__ import annotations

import socket

from booking.models import AuditEvent


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_council_sign_in_attempts_are_limited_per_address(limited_app):
    app = limited_app(
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_SIGN_IN_PER_ADDRESS="2 per minute",
        OIDC_PROVIDERS=[
            {
                "name": "cumberland",
                "issuer": f"http://127.0.0.1:{_closed_port()}/cumberland/v2.0",
                "client_id": "booking-app",
                "domains": ["cumberland.gov.uk"],
            }
        ],
    )
    client = app.test_client()
    here = {"REMOTE_ADDR": "10.0.0.7"}
    answers = [
        client.get("/sign-in/council/cumberland", environ_base=here).status_code,
        client.get("/sign-in/council/cumberland/callback?state=x", environ_base=here).status_code,
        client.get("/sign-in/council/cumberland", environ_base=here).status_code,
    ]
    assert answers == [503, 400, 429]
    assert b"Please wait" in client.get("/sign-in/council/cumberland", environ_base=here).data
    other = client.get("/sign-in/council/cumberland", environ_base={"REMOTE_ADDR": "10.0.0.8"})
    assert other.status_code == 503  # another address is not held up
    with app.app_context():
        assert AuditEvent.query.filter_by(action="sign_in.council_refused").count() == 3

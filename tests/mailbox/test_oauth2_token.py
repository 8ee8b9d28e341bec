"""`flask mailbox poll` gets a fresh OAuth2 access token itself (the client-credentials
grant, as Microsoft 365 mailboxes need) from a real token endpoint on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from .conftest import message_bytes
from .imap_server import GOOD_TOKEN


class TokenEndpoint:
    """A tiny token endpoint: answers POST /token with `token` and keeps each request."""

    def __init__(self, token: str = GOOD_TOKEN, status: int = 200):
        self.token, self.status, self.requests = token, status, []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the name http.server calls
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                endpoint.requests.append((self.path, parse_qs(body)))
                if endpoint.status == 200:
                    answer = {
                        "access_token": endpoint.token,
                        "token_type": "Bearer",
                        "expires_in": 3599,
                    }
                else:
                    answer = {"error": "invalid_client", "error_description": "Bad secret."}
                data = json.dumps(answer).encode()
                self.send_response(endpoint.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/tenant-id/oauth2/v2.0/token"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@pytest.fixture
def token_app(imap_app):
    imap_app.config.update(
        MAILBOX_IMAP_PASSWORD="",
        MAILBOX_IMAP_OAUTH2_TOKEN="",
        MAILBOX_OAUTH2_CLIENT_ID="client-id-123",
        MAILBOX_OAUTH2_CLIENT_SECRET="client-secret-456",
    )
    return imap_app


def test_poll_fetches_a_fresh_token_with_the_client_credentials_grant(
    token_app, dovecot, courses, clock
):
    dovecot.deliver(message_bytes("apple_mail_request.eml"))
    with TokenEndpoint() as endpoint:
        token_app.config["MAILBOX_OAUTH2_TOKEN_URL"] = endpoint.url
        result = token_app.test_cli_runner().invoke(args=["mailbox", "poll"])

    assert result.exit_code == 0, result.output
    assert "Handled 1 of 1 new messages" in result.output
    [(path, form)] = endpoint.requests
    assert path == "/tenant-id/oauth2/v2.0/token"
    assert form["grant_type"] == ["client_credentials"]
    assert form["client_id"] == ["client-id-123"]
    assert form["client_secret"] == ["client-secret-456"]
    assert form["scope"] == ["https://outlook.office365.com/.default"]


def test_a_refused_token_request_asks_to_try_again_later_without_the_secret(
    token_app, dovecot, courses, clock
):
    dovecot.deliver(message_bytes("apple_mail_request.eml"))
    with TokenEndpoint(status=401) as endpoint:
        token_app.config["MAILBOX_OAUTH2_TOKEN_URL"] = endpoint.url
        result = token_app.test_cli_runner().invoke(args=["mailbox", "poll"])

    assert result.exit_code == 75
    assert "Could not get a token to read the mailbox" in result.output
    assert "client-secret-456" not in result.output
    assert dovecot.count("INBOX", "UNSEEN") == 1


def test_the_token_address_comes_from_the_tenant():
    from booking.mail.inbound.fetching import OAuth2Client

    client = OAuth2Client(tenant="contoso.onmicrosoft.com", client_id="a", client_secret="b")
    assert (
        client.url == "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
    )
    assert client.scope == "https://outlook.office365.com/.default"

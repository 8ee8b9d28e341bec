""" "Email me a link": how long the answer takes for a known and an unknown address.

Not part of `make bench` (run it alone: `.venv/bin/python bench/sign_in_link.py sqlite
postgres`). The app runs under gunicorn (1 sync worker); one client sends POST /sign-in,
alternating an address we know and one we do not, one request at a time, and times each
answer as the client sees it. The two medians should be the same: a difference tells
someone outside which addresses have booked training.
"""

from __future__ import annotations

import http.client
import secrets
import statistics
import sys
import time
import urllib.parse

from common import Gunicorn, app_env, database, dispose, migrate, table

ROUNDS = 300
KNOWN = "known.person@cumberland.gov.uk"


def seed(url: str, env: dict[str, str]):
    """One person who has booked; returns the app (for its secret key) to sign cookies."""
    from common import make_app

    from booking.extensions import db
    from booking.models import Group, Person

    app = make_app(url, env)
    with app.app_context():
        db.session.add(Person(email=KNOWN, full_name="Known Person", group=Group.STAFF))
        db.session.commit()
    return app


def request_body(app) -> tuple[dict[str, str], dict[str, str]]:
    """A session cookie holding a CSRF token, and that token signed for the form."""
    from flask.sessions import SecureCookieSessionInterface
    from itsdangerous import URLSafeTimedSerializer

    raw = secrets.token_hex(20)
    cookie = SecureCookieSessionInterface().get_signing_serializer(app).dumps({"csrf_token": raw})
    headers = {
        "Cookie": f"session={cookie}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    token = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)
    return headers, {"csrf_token": token}


def ask(port: int, headers: dict[str, str], form: dict[str, str], email: str) -> float:
    body = urllib.parse.urlencode({**form, "email": email}).encode()
    began = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/sign-in", body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    elapsed = (time.perf_counter() - began) * 1000
    conn.close()
    assert response.status == 302, response.status
    return elapsed


def run(kind: str) -> list:
    with database(kind) as url:
        env = app_env(url)
        migrate(env)
        app = seed(url, env)
        headers, form = request_body(app)
        times: dict[str, list[float]] = {"known": [], "unknown": []}
        with Gunicorn("wsgi:app", 1, env) as server:
            for n in range(20):  # warm up
                ask(server.port, headers, form, KNOWN if n % 2 else f"warm{n}@nhs.net")
            for n in range(ROUNDS):
                times["known"].append(ask(server.port, headers, form, KNOWN))
                times["unknown"].append(ask(server.port, headers, form, f"nobody{n}@nhs.net"))
        dispose(app)
    rows = []
    for label, values in times.items():
        ordered = sorted(values)
        p95 = ordered[int(0.95 * len(ordered)) - 1]
        rows.append([kind, label, f"{statistics.median(values):.1f}", f"{p95:.1f}"])
    return rows


def main(kinds: list[str]) -> None:
    rows = [row for kind in kinds for row in run(kind)]
    print(table("Email me a link", ["database", "address", "median ms", "p95 ms"], rows))


if __name__ == "__main__":
    main(sys.argv[1:] or ["sqlite"])

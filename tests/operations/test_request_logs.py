"""Logs: a request id people can quote, one line per request (JSON when asked), and no
personal data anywhere in the logs of a whole booking journey."""

from __future__ import annotations

import json
import logging
import re

import pytest
from sqlalchemy import select

from booking import logs
from booking.extensions import db
from booking.models import OutboxMessage

NAME = "Philippa Quartermaine"
EMAIL = "philippa.quartermaine@cumberland.gov.uk"
SUPPORT_NEEDS = "I use a wheelchair and need a hearing loop"
FORM = {
    "full_name": NAME,
    "email": EMAIL,
    "job_title": "Family Support Worker",
    "team": "Kendal Family Help",
    "organisation": "",
    "line_manager_email": "",
    "support_needs": SUPPORT_NEEDS,
    "consent": "y",
}


@pytest.fixture
def json_app(make_app, app, capsys, clock):
    """An app writing JSON logs to standard error (captured); logging put back afterwards."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    built = make_app(LOG_FORMAT="json")
    built.config["CLOCK_OVERRIDE"] = clock()
    yield built
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


def _json_lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]


def _link(kind: str) -> str:
    db.session.rollback()  # see what the other app's requests committed
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id.desc())
    ).first()
    return re.search(r"https?://[^/\s]+(/[^\s\"<>]+)", message.text_body).group(1)


def test_every_response_carries_a_request_id(client):
    first = client.get("/courses").headers["X-Request-ID"]
    second = client.get("/courses").headers["X-Request-ID"]

    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_the_proxys_request_id_is_kept_when_it_is_sensible(client):
    sent = "0123456789abcdef0123456789abcdef"
    assert client.get("/courses", headers={"X-Request-ID": sent}).headers["X-Request-ID"] == sent

    odd = client.get("/courses", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert re.fullmatch(r"[0-9a-f]{32}", odd.headers["X-Request-ID"])


def test_the_error_page_shows_the_request_id_and_the_log_keeps_no_error_message(
    make_app, app, caplog
):
    broken = make_app()

    def fails():
        raise RuntimeError(f"could not save {EMAIL}")

    broken.add_url_rule("/test-only/fails", view_func=fails)
    caplog.set_level(logging.INFO)

    response = broken.test_client().get("/test-only/fails")

    request_id = response.headers["X-Request-ID"]
    assert response.status_code == 500
    assert request_id in response.get_data(as_text=True)
    [error] = [r for r in caplog.records if r.exc_info]
    formatted = logs.JsonFormatter().format(error)
    assert json.loads(formatted)["error"] == "RuntimeError"
    assert json.loads(formatted)["request_id"] == request_id
    assert "fails" in json.loads(formatted)["traceback"]  # where it happened, for IT
    assert EMAIL not in formatted
    assert EMAIL not in logs.TextFormatter().format(error)


def test_one_json_line_per_request_with_what_to_search_by(json_app, capsys, make, clock):
    course = make.course()
    client = json_app.test_client()

    client.get(f"/courses/{course.id}/book?email={EMAIL}", headers={"X-Request-ID": "abcdef0123"})

    [line] = [entry for entry in _json_lines(capsys) if entry["logger"] == "booking.requests"]
    assert line["request_id"] == "abcdef0123"
    assert line["method"] == "GET"
    assert line["path"] == f"/courses/{course.id}/book"  # no query string
    assert line["route"] == "/courses/<id:course_id>/book"
    assert line["status"] == 200
    assert line["user"] == "anonymous"
    assert isinstance(line["duration_ms"], float)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])


def test_a_whole_booking_journey_leaves_no_personal_data_in_the_logs(
    json_app, capsys, caplog, make, clock
):
    """Book with support needs, confirm, open and cancel the booking, sign in with a link."""
    caplog.set_level(logging.DEBUG)
    course = make.course()
    client = json_app.test_client()
    tokens = []

    client.post(f"/courses/{course.id}/book", data={**FORM, "email": "not an address " + NAME})
    client.post(f"/courses/{course.id}/book", data=FORM)
    confirm = _link("confirm_your_email")
    tokens.append(confirm.rsplit("/", 1)[1])
    client.get(confirm)
    manage = client.post(confirm).headers["Location"]
    tokens.append(manage.rsplit("/", 1)[1])
    client.get(manage)
    client.post(manage + "/cancel")
    client.post("/sign-in", data={"email": EMAIL})
    sign_in = _link("sign_in_link")
    tokens.append(sign_in.rsplit("/", 1)[1])
    client.get(sign_in)
    assert client.post(sign_in).status_code == 302
    client.get("/my-bookings")
    client.get(f"/b/{tokens[1]}x")  # a mistyped link

    written = capsys.readouterr().err
    records = caplog.records
    everything = "\n".join(
        [written]
        + [r.getMessage() for r in records]
        + [logs.JsonFormatter().format(r) for r in records]
        + [logs.TextFormatter().format(r) for r in records]
    ).lower()
    request_lines = [
        json.loads(line) for line in written.splitlines() if '"booking.requests"' in line
    ]
    assert all(len(t) >= 16 for t in tokens)
    for secret in [NAME, EMAIL, "philippa", "quartermaine", SUPPORT_NEEDS, "wheelchair", *tokens]:
        assert secret.lower() not in everything, f"{secret!r} is in the logs"
    # The journey really was logged: a line per request, and the kinds of user.
    assert len(request_lines) == 11
    assert {line["user"] for line in request_lines} == {"anonymous", "attendee"}
    assert "/b/<token>/cancel" in {line["path"] for line in request_lines}

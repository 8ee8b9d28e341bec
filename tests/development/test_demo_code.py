"""The demo coordinator's second sign-in step (issue 15, item 23): on a developer's
computer the code page says how to get a code without an app, and `flask demo code` prints
the code an authenticator app would show; the demo coordinator signs in with it."""

from __future__ import annotations

import re

import pytest

from booking.cli.demo import (
    DEMO_COORDINATOR_EMAIL,
    DEMO_COORDINATOR_PASSWORD,
    make_demo_coordinator,
)
from booking.clock import now


@pytest.fixture
def dev_app(make_app, app):
    return make_app("testing", DEVELOPMENT_TOOLS=True)


def test_the_demo_coordinator_signs_in_with_the_code_flask_demo_code_prints(dev_app):
    with dev_app.app_context():
        make_demo_coordinator(now())
        client = dev_app.test_client()
        signed_in = client.post(
            "/coordinator/sign-in",
            data={"email": DEMO_COORDINATOR_EMAIL, "password": DEMO_COORDINATOR_PASSWORD},
        )
        assert signed_in.headers["Location"].endswith("/coordinator/sign-in/code")
        code_page = client.get("/coordinator/sign-in/code").get_data(as_text=True)
        assert ".venv/bin/flask demo code" in code_page

        printed = dev_app.test_cli_runner().invoke(args=["demo", "code"])
        assert printed.exit_code == 0, printed.output
        code = printed.output.splitlines()[0]
        assert re.fullmatch(r"\d{6}", code)
        assert DEMO_COORDINATOR_EMAIL in printed.output

        entered = client.post("/coordinator/sign-in/code", data={"code": code})
        assert entered.status_code == 302, entered.get_data(as_text=True)
        assert client.get("/coordinator").status_code == 200


def test_the_code_page_says_nothing_of_flask_demo_code_outside_development(client, make):
    user = make.coordinator(password="correct horse battery staple")
    client.post(
        "/coordinator/sign-in",
        data={"email": user.email, "password": "correct horse battery staple"},
    )
    assert "flask demo code" not in client.get("/coordinator/sign-in/set-up-app").get_data(
        as_text=True
    )


def test_flask_demo_code_refuses_outside_development(runner):
    result = runner.invoke(args=["demo", "code"])
    assert result.exit_code == 1
    assert "developer's computer" in result.output


def test_flask_demo_code_explains_an_account_with_no_app_yet(dev_app, make):
    user = make.coordinator()
    with dev_app.app_context():
        result = dev_app.test_cli_runner().invoke(args=["demo", "code", user.email])
        missing = dev_app.test_cli_runner().invoke(args=["demo", "code", "nobody@cumbria.gov.uk"])
    assert result.exit_code == 1
    assert "Sign in with the password first" in result.output
    assert missing.exit_code == 1 and "There is no account" in missing.output

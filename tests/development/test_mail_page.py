"""The development mail page (issue 15, item 22): in development, every email the service
writes can be read at /development/mail, newest first, with its links clickable; it does
not exist in testing or production unless switched on, and production refuses it."""

from __future__ import annotations

import re
import secrets

import pytest

from booking import create_app
from config import CONFIGS


@pytest.fixture
def dev_client(make_app, app):
    """A client of an app with the development tools on, on the test database."""
    return make_app("testing", DEVELOPMENT_TOOLS=True).test_client()


def _ask_for_a_sign_in_link(client, email: str) -> None:
    response = client.post("/sign-in", data={"email": email})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_development_tools_are_on_in_development_only():
    assert CONFIGS["development"].DEVELOPMENT_TOOLS is True
    assert CONFIGS["testing"].DEVELOPMENT_TOOLS is False
    assert CONFIGS["production"].DEVELOPMENT_TOOLS is False


def test_the_mail_page_lists_every_email_newest_first(dev_client, make):
    first, second = make.person(), make.person()
    _ask_for_a_sign_in_link(dev_client, first.email)
    _ask_for_a_sign_in_link(dev_client, second.email)
    page = dev_client.get("/development/mail").get_data(as_text=True)
    assert "Emails written on this computer" in page
    assert page.index(f"To {second.email}") < page.index(f"To {first.email}")


def test_an_email_on_the_mail_page_has_links_that_work(dev_client, make):
    person = make.person()
    _ask_for_a_sign_in_link(dev_client, person.email)
    listing = dev_client.get("/development/mail").get_data(as_text=True)
    message_path = re.search(r'href="(/development/mail/\d+)"', listing).group(1)
    message = dev_client.get(message_path)
    assert message.status_code == 200
    text = message.get_data(as_text=True)
    assert person.email in text
    link = re.search(r'<a class="govuk-link" href="http://localhost(/sign-in/[^"]+)"', text)
    assert link, text
    assert "Sign in" in dev_client.get(link.group(1)).get_data(as_text=True)


def test_the_footer_names_the_mail_page_in_development(dev_client, client):
    assert 'href="/development/mail"' in dev_client.get("/courses").get_data(as_text=True)
    assert "/development/mail" not in client.get("/courses").get_data(as_text=True)


def test_links_in_an_email_are_escaped_and_end_before_punctuation():
    from booking.views.development import with_links

    shown = str(with_links("Go to https://x.test/a?b=1&c=2. <b>Bold</b>"))
    assert '<a class="govuk-link" href="https://x.test/a?b=1&amp;c=2">' in shown
    assert "</a>. &lt;b&gt;Bold&lt;/b&gt;" in shown


def test_the_mail_page_does_not_exist_in_testing(client, make):
    _ask_for_a_sign_in_link(client, make.person().email)
    assert client.get("/development/mail").status_code == 404
    assert client.get("/development/mail/1").status_code == 404


def test_the_mail_page_does_not_exist_in_production(tmp_path):
    app = create_app(
        "production",
        SECRET_KEY=secrets.token_urlsafe(48),
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/x.db",
        RATELIMIT_STORAGE_URI="memory://",
    )
    client = app.test_client()
    assert client.get("/development/mail").status_code == 404
    assert client.get("/development/mail/1").status_code == 404


def test_production_refuses_to_start_with_the_development_tools_on(tmp_path):
    with pytest.raises(RuntimeError, match="DEVELOPMENT_TOOLS"):
        create_app(
            "production",
            SECRET_KEY=secrets.token_urlsafe(48),
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/x.db",
            DEVELOPMENT_TOOLS=True,
        )


def test_the_mail_page_shows_a_new_booking_s_emails_written_out(dev_client, make, clock):
    """A booking leaves its emails for the sender to write; nothing sends in development,
    so the page writes them before it lists them."""
    from booking.services import requests

    course = make.course()
    person = make.person()
    requests.book_place(course, person, actor="test", now=clock())
    page = dev_client.get("/development/mail").get_data(as_text=True)
    assert "You have a place" in page

"""A wrong password, code or current password is shown at its field as well as in the error
summary (GOV.UK pattern: the summary links to a field that says what is wrong)."""

from __future__ import annotations

import re

from .test_coordinator_sign_in import PASSWORD, _password_step


def field_error(html: str, field: str) -> str:
    """The error message the page shows at `field` ('' if none)."""
    found = re.search(rf'<p id="{field}-error" class="govuk-error-message">(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip() if found else ""


def summary_links(html: str) -> list[str]:
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</div>\n</div>", 1)[0]
    return re.findall(r'href="#([\w-]+)"', summary)


def test_a_wrong_password_is_shown_at_the_password(client, totp_coordinator):
    user = totp_coordinator(password=PASSWORD)
    html = _password_step(client, user.email, "not the password at all").get_data(as_text=True)
    assert "The email address or password is not right" in field_error(html, "password")
    assert summary_links(html) == ["password"]


def test_a_wrong_code_is_shown_at_the_code(client, totp_coordinator):
    user = totp_coordinator(password=PASSWORD)
    _password_step(client, user.email)
    html = client.post("/coordinator/sign-in/code", data={"code": "000000"}).get_data(as_text=True)
    assert field_error(html, "code")
    assert summary_links(html) == ["code"]


def test_a_wrong_code_when_setting_up_the_app_is_shown_at_the_code(client, make):
    user = make.coordinator(password=PASSWORD)
    _password_step(client, user.email)
    html = client.post("/coordinator/sign-in/set-up-app", data={"code": "000000"}).get_data(
        as_text=True
    )
    assert "That code did not work" in field_error(html, "code")
    assert summary_links(html) == ["code"]


def test_a_wrong_current_password_is_shown_at_the_current_password(
    client, make, sign_in_coordinator
):
    user = make.coordinator(password="correct horse battery staple")
    sign_in_coordinator(user)
    html = client.post(
        "/coordinator/account/password",
        data={"current_password": "not it at all", "new_password": "a brand new password"},
    ).get_data(as_text=True)
    assert "Your current password is not right" in field_error(html, "current_password")
    assert summary_links(html) == ["current_password"]

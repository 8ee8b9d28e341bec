"""Changes that would let someone keep or take over an account ask for the password or a
code from the app again: a session alone is not enough (someone may have left a computer
signed in). A wrong answer is shown at the field and changes nothing."""

from __future__ import annotations

import re

import pytest
from werkzeug.security import check_password_hash

from booking.models import AuditEvent, Role, User
from booking.services import accounts

PASSWORD = "a long enough password"
WRONG = "Your password or code is not right"


def error_at_field(response, field: str, text: str) -> bool:
    """The GOV.UK error message under the field (the summary alone is not enough)."""
    pattern = rf'<p id="{field}-error" class="govuk-error-message">.*?{re.escape(text)}'
    return bool(re.search(pattern, response.get_data(as_text=True), re.DOTALL))


def codes_on(response) -> list[bytes]:
    return re.findall(rb"<code>([a-z0-9-]+)</code>", response.data)


def audited(action: str) -> int:
    return AuditEvent.query.filter_by(action=action).count()


# --- New recovery codes ---------------------------------------------------------------------


@pytest.fixture
def coordinator(totp_coordinator, sign_in_coordinator, client, db, clock):
    user = totp_coordinator(password=PASSWORD)
    accounts._replace_recovery_codes(user)
    db.session.commit()
    sign_in_coordinator(user)
    return user


def _new_codes(client, answer=None):
    data = {} if answer is None else {"password_or_code": answer}
    return client.post("/coordinator/account/recovery-codes", data=data)


def test_the_account_page_asks_for_the_password_or_a_code_before_new_recovery_codes(
    client, coordinator
):
    page = client.get("/coordinator/account").get_data(as_text=True)
    assert 'name="password_or_code"' in page
    assert "Your password, or a code from your authenticator app" in page


@pytest.mark.parametrize(
    ("answer", "message"),
    [(None, "Enter your password or a code from your app"), ("not my password", WRONG)],
)
def test_new_recovery_codes_need_the_password_or_a_code_again(
    client, coordinator, db, answer, message
):
    old = {code.code_hash for code in coordinator.recovery_codes}
    response = _new_codes(client, answer)
    assert response.status_code == 200
    assert codes_on(response) == []
    assert error_at_field(response, "password_or_code", message)
    db.session.expire_all()
    assert {code.code_hash for code in db.session.get(User, coordinator.id).recovery_codes} == old
    assert audited("account.recovery_codes_replaced") == 0


def test_new_recovery_codes_with_the_password(client, coordinator, db):
    old = {code.code_hash for code in coordinator.recovery_codes}
    response = _new_codes(client, PASSWORD)
    assert len(codes_on(response)) == 10
    assert response.headers["Cache-Control"] == "no-store"
    db.session.expire_all()
    new = {code.code_hash for code in db.session.get(User, coordinator.id).recovery_codes}
    assert new.isdisjoint(old)
    assert audited("account.recovery_codes_replaced") == 1


def test_new_recovery_codes_with_a_code_from_the_app_which_works_only_once(
    client, coordinator, clock
):
    code = coordinator.totp.at(clock.now)
    assert len(codes_on(_new_codes(client, code))) == 10
    again = _new_codes(client, code)
    assert codes_on(again) == []
    assert error_at_field(again, "password_or_code", WRONG)


def test_a_recovery_code_does_not_make_new_recovery_codes(client, coordinator, db):
    """A recovery code is for a lost phone at sign-in; here it would let someone who found
    the printed codes replace them."""
    codes = accounts._replace_recovery_codes(db.session.get(User, coordinator.id))
    db.session.commit()
    response = _new_codes(client, codes[0])
    assert codes_on(response) == []
    assert error_at_field(response, "password_or_code", WRONG)


# --- Changing the password ------------------------------------------------------------------


def _change(client, current, new="a brand new password"):
    return client.post(
        "/coordinator/account/password", data={"current_password": current, "new_password": new}
    )


def test_a_wrong_current_password_is_shown_at_its_field_and_changes_nothing(
    client, coordinator, db
):
    response = _change(client, "not my password")
    assert response.status_code == 200
    assert error_at_field(response, "current_password", "Your current password is not right")
    db.session.expire_all()
    user = db.session.get(User, coordinator.id)
    assert check_password_hash(user.password_hash, PASSWORD)
    assert audited("account.password_changed") == 0


def test_a_code_from_the_app_is_not_the_current_password(client, coordinator, clock, db):
    response = _change(client, coordinator.totp.at(clock.now))
    assert error_at_field(response, "current_password", "Your current password is not right")
    db.session.expire_all()
    assert check_password_hash(db.session.get(User, coordinator.id).password_hash, PASSWORD)


def test_a_short_new_password_is_shown_at_its_field(client, coordinator):
    response = _change(client, PASSWORD, new="short")
    assert error_at_field(response, "new_password", "12 characters or more")


def test_the_right_current_password_changes_it(client, coordinator):
    response = _change(client, PASSWORD)
    assert response.headers["Location"] == "/coordinator/account"
    assert accounts.authenticate(coordinator.email, "a brand new password") is not None


# --- An administrator resetting someone's authenticator app --------------------------------


@pytest.fixture
def admin(totp_coordinator, sign_in_coordinator):
    user = totp_coordinator(role=Role.ADMINISTRATOR, password=PASSWORD)
    sign_in_coordinator(user)
    return user


@pytest.fixture
def colleague(totp_coordinator):
    return totp_coordinator(password="their own long password")


def _reset(client, user, answer=None):
    data = {} if answer is None else {"password_or_code": answer}
    return client.post(f"/coordinator/accounts/{user.id}/reset-app", data=data)


def still_set_up(db, user) -> bool:
    db.session.expire_all()
    fresh = db.session.get(User, user.id)
    return fresh.totp_confirmed_at is not None and bool(fresh.totp_secret)


def test_reset_app_on_the_accounts_page_leads_to_a_page_asking_again(client, admin, colleague):
    accounts_page = client.get("/coordinator/accounts").get_data(as_text=True)
    assert f'href="/coordinator/accounts/{colleague.id}/reset-app"' in accounts_page
    page = client.get(f"/coordinator/accounts/{colleague.id}/reset-app").get_data(as_text=True)
    assert colleague.email in page
    assert 'name="password_or_code"' in page


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (None, "Enter your password or a code from your app"),
        ("not my password", WRONG),
        ("their own long password", WRONG),  # theirs, not the administrator's
    ],
)
def test_resetting_an_app_needs_the_administrators_password_or_code(
    client, admin, colleague, db, answer, message
):
    response = _reset(client, colleague, answer)
    assert response.status_code == 200
    assert error_at_field(response, "password_or_code", message)
    assert still_set_up(db, colleague)
    assert audited("account.second_factor_reset") == 0


@pytest.mark.parametrize("how", ["password", "code"])
def test_resetting_an_app_with_the_administrators_password_or_code(
    client, admin, colleague, db, clock, how
):
    answer = PASSWORD if how == "password" else admin.totp.at(clock.now)
    response = _reset(client, colleague, answer)
    assert response.headers["Location"] == "/coordinator/accounts"
    assert not still_set_up(db, colleague)
    assert audited("account.second_factor_reset") == 1

"""Coordinators sign in with a password and a second factor; sessions end when they should."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest

from booking.models import AuditEvent, RecoveryCode, Role, User

PASSWORD = "a long enough password"


def _password_step(client, email, password=PASSWORD, **kwargs):
    return client.post(
        "/coordinator/sign-in", data={"email": email, "password": password}, **kwargs
    )


def _sign_in(client, user, clock):
    _password_step(client, user.email)
    return client.post("/coordinator/sign-in/code", data={"code": user.totp.at(clock.now)})


def test_wrong_password_and_unknown_address_get_the_same_answer(client, totp_coordinator):
    user = totp_coordinator(password=PASSWORD)
    wrong_password = _password_step(client, user.email, "not the password at all")
    unknown = _password_step(client, "nobody@cumbria.gov.uk", "not the password at all")
    assert wrong_password.status_code == unknown.status_code == 200
    assert b"The email address or password is not right" in wrong_password.data
    assert wrong_password.data.replace(user.email.encode(), b"EMAIL") == unknown.data.replace(
        b"nobody@cumbria.gov.uk", b"EMAIL"
    )


def test_a_disabled_account_cannot_sign_in_with_the_right_password(client, totp_coordinator):
    user = totp_coordinator(password=PASSWORD, is_enabled=False)
    response = _password_step(client, user.email)
    assert b"The email address or password is not right" in response.data


def test_the_password_then_a_code_from_the_app_signs_in(client, totp_coordinator, clock):
    user = totp_coordinator(password=PASSWORD)
    first = _password_step(client, user.email)
    assert first.headers["Location"] == "/coordinator/sign-in/code"
    assert client.get("/coordinator").status_code == 302  # not yet
    response = _sign_in(client, user, clock)
    assert response.headers["Location"] == "/coordinator"
    assert client.get("/coordinator").status_code == 200


def test_signing_in_starts_a_new_session(client, totp_coordinator, clock):
    user = totp_coordinator(password=PASSWORD)
    with client.session_transaction() as sess:
        sess["planted"] = "by someone else"
    _sign_in(client, user, clock)
    with client.session_transaction() as sess:
        assert "planted" not in sess


def test_a_code_works_only_once(client, totp_coordinator, clock, app):
    user = totp_coordinator(password=PASSWORD)
    code = user.totp.at(clock.now)
    _password_step(client, user.email)
    client.post("/coordinator/sign-in/code", data={"code": code})
    other = app.test_client()
    _password_step(other, user.email)
    response = other.post("/coordinator/sign-in/code", data={"code": code})
    assert response.status_code == 200
    assert b"That code did not work" in response.data


def test_one_step_of_clock_drift_is_allowed_but_not_two(client, totp_coordinator, clock):
    user = totp_coordinator(password=PASSWORD)
    _password_step(client, user.email)
    two_steps_ago = user.totp.at(clock.now - timedelta(seconds=60))
    assert (
        b"That code did not work"
        in client.post("/coordinator/sign-in/code", data={"code": two_steps_ago}).data
    )
    one_step_ago = user.totp.at(clock.now - timedelta(seconds=30))
    response = client.post("/coordinator/sign-in/code", data={"code": one_step_ago})
    assert response.headers["Location"] == "/coordinator"


def test_a_recovery_code_signs_in_once(client, app, make, clock):
    user = make.coordinator(password=PASSWORD)
    _password_step(client, user.email)
    setup = client.get("/coordinator/sign-in/set-up-app")
    secret = re.search(rb'class="app-secret">([A-Z2-7]+)<', setup.data).group(1).decode()
    codes_page = client.post(
        "/coordinator/sign-in/set-up-app", data={"code": pyotp.TOTP(secret).at(clock.now)}
    )
    codes = re.findall(rb"<code>([a-z0-9-]+)</code>", codes_page.data)
    assert len(codes) == 10
    for attempt in (1, 2):
        fresh = app.test_client()
        _password_step(fresh, user.email)
        response = fresh.post("/coordinator/sign-in/code", data={"code": codes[0].decode()})
        if attempt == 1:
            assert response.headers["Location"] == "/coordinator"
        else:
            assert b"That code did not work" in response.data


def test_first_sign_in_sets_up_the_app_with_a_qr_code_drawn_here(client, make, clock, db):
    user = make.coordinator(password=PASSWORD)
    assert _password_step(client, user.email).headers["Location"] == (
        "/coordinator/sign-in/set-up-app"
    )
    page = client.get("/coordinator/sign-in/set-up-app")
    assert b"<svg" in page.data
    assert b'src="http' not in page.data and b"otpauth" not in page.data
    assert page.headers["Cache-Control"] == "no-store"
    secret = db.session.get(User, user.id).totp_secret
    wrong = client.post("/coordinator/sign-in/set-up-app", data={"code": "000000"})
    assert b"That code did not work" in wrong.data
    done = client.post(
        "/coordinator/sign-in/set-up-app", data={"code": pyotp.TOTP(secret).at(clock.now)}
    )
    codes = re.findall(rb"<code>([a-z0-9-]+)</code>", done.data)
    assert len(codes) == 10
    stored = [r.code_hash for r in db.session.query(RecoveryCode).filter_by(user_id=user.id)]
    assert len(stored) == 10
    assert not any(code.decode() in h for code in codes for h in stored)
    assert client.get("/coordinator").status_code == 200


def test_a_pending_sign_in_runs_out_after_ten_minutes(client, totp_coordinator, clock):
    user = totp_coordinator(password=PASSWORD)
    _password_step(client, user.email)
    clock.advance(minutes=11)
    response = client.post("/coordinator/sign-in/code", data={"code": user.totp.at(clock.now)})
    assert response.headers["Location"] == "/coordinator/sign-in"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_sign_in_never_leads_to_another_site(client, totp_coordinator, clock, target):
    user = totp_coordinator(password=PASSWORD)
    _password_step(client, user.email, query_string={"next": target})
    response = client.post("/coordinator/sign-in/code", data={"code": user.totp.at(clock.now)})
    assert response.headers["Location"] == "/coordinator"


def test_sign_in_returns_to_the_page_asked_for(client, totp_coordinator, clock):
    user = totp_coordinator(password=PASSWORD)
    _password_step(client, user.email, query_string={"next": "/coordinator/audit?page=1"})
    response = client.post("/coordinator/sign-in/code", data={"code": user.totp.at(clock.now)})
    assert response.headers["Location"] == "/coordinator/audit?page=1"


def test_signing_out_ends_the_session_even_for_a_copied_cookie(
    app, client, make, sign_in_coordinator, db
):
    user = make.coordinator()
    sign_in_coordinator(user)
    copy = app.test_client()
    sign_in_coordinator(user, copy)  # the same account signed in elsewhere
    response = client.post("/sign-out")
    assert response.status_code == 302
    assert client.get("/coordinator").status_code == 302
    assert copy.get("/coordinator").status_code == 302
    assert db.session.get(User, user.id).session_version == 1


def test_disabling_an_account_ends_its_sessions_at_once(app, client, make, sign_in_coordinator):
    admin = make.coordinator(role=Role.ADMINISTRATOR)
    user = make.coordinator()
    theirs = sign_in_coordinator(user, app.test_client())
    assert theirs.get("/coordinator").status_code == 200
    sign_in_coordinator(admin)
    response = client.post(f"/coordinator/accounts/{user.id}/disable")
    assert response.status_code == 302
    assert theirs.get("/coordinator").status_code == 302
    events = AuditEvent.query.filter_by(action="account.disabled", object_id=user.id).all()
    assert len(events) == 1


def test_administrators_cannot_turn_off_their_own_account(client, make, sign_in_coordinator):
    admin = make.coordinator(role=Role.ADMINISTRATOR)
    sign_in_coordinator(admin)
    client.post(f"/coordinator/accounts/{admin.id}/disable")
    assert client.get("/coordinator").status_code == 200


def test_an_administrator_adds_a_coordinator_who_can_then_sign_in(
    app, client, make, sign_in_coordinator
):
    sign_in_coordinator(make.coordinator(role=Role.ADMINISTRATOR))
    page = client.post(
        "/coordinator/accounts/new",
        data={
            "full_name": "New Person",
            "email": "New.Person@Cumbria.gov.uk",
            "role": "coordinator",
        },
    )
    assert page.status_code == 200
    password = re.search(rb"<code>([^<]+)</code>", page.data).group(1).decode()
    newcomer = app.test_client()
    response = _password_step(newcomer, "new.person@cumbria.gov.uk", password)
    assert response.headers["Location"] == "/coordinator/sign-in/set-up-app"


def test_resetting_the_app_makes_them_set_it_up_again(
    app, client, make, totp_coordinator, sign_in_coordinator, db
):
    user = totp_coordinator(password=PASSWORD)
    sign_in_coordinator(make.coordinator(role=Role.ADMINISTRATOR, password=PASSWORD))
    response = client.post(
        f"/coordinator/accounts/{user.id}/reset-app", data={"password_or_code": PASSWORD}
    )
    assert response.status_code == 302
    fresh = db.session.get(User, user.id)
    assert fresh.totp_secret == "" and fresh.recovery_codes == []
    response = _password_step(app.test_client(), user.email)
    assert response.headers["Location"] == "/coordinator/sign-in/set-up-app"


class TestTimeouts:
    @pytest.fixture(autouse=True)
    def _timeouts_on(self, app, monkeypatch):
        monkeypatch.setitem(app.config, "COORDINATOR_IDLE_TIMEOUT", timedelta(minutes=30))
        monkeypatch.setitem(app.config, "COORDINATOR_ABSOLUTE_TIMEOUT", timedelta(hours=10))

    def test_a_coordinator_is_signed_out_after_thirty_idle_minutes(
        self, client, make, sign_in_coordinator, clock
    ):
        sign_in_coordinator(make.coordinator())
        clock.advance(minutes=29)
        assert client.get("/coordinator").status_code == 200
        clock.advance(minutes=31)
        response = client.get("/coordinator")
        assert response.status_code == 302
        assert client.get("/coordinator").status_code == 302

    def test_a_busy_coordinator_is_still_signed_out_after_ten_hours(
        self, client, make, sign_in_coordinator, clock
    ):
        sign_in_coordinator(make.coordinator())
        start = clock.now
        for _ in range(40):  # every 20 minutes
            clock.advance(minutes=20)
            if client.get("/coordinator").status_code != 200:
                break
        assert timedelta(hours=10) < clock.now - start <= timedelta(hours=10, minutes=20)
        assert client.get("/coordinator").status_code == 302

"""`flask create-coordinator`, and a coordinator's own account pages."""

from __future__ import annotations

import re

from werkzeug.security import check_password_hash

from booking.models import AuditEvent, Role, User
from booking.services import accounts


def test_create_coordinator_reads_the_password_from_standard_input(runner, db):
    result = runner.invoke(
        args=["create-coordinator", "Kim@Cumbria.gov.uk", "--name", "Kim", "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created the coordinator account for kim@cumbria.gov.uk" in result.output
    user = User.query.one()
    assert user.role == Role.COORDINATOR and user.full_name == "Kim"
    assert check_password_hash(user.password_hash, "a long enough password")
    assert AuditEvent.query.filter_by(action="account.created", actor="command line").count() == 1


def test_create_coordinator_can_make_an_administrator_after_asking_twice(runner, db):
    result = runner.invoke(
        args=["create-coordinator", "lee@cumbria.gov.uk", "--administrator"],
        input="a long enough password\na long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert User.query.one().role == Role.ADMINISTRATOR


def test_create_coordinator_refuses_a_short_password_or_a_second_account(runner, make):
    short = runner.invoke(
        args=["create-coordinator", "a@cumbria.gov.uk", "--password-stdin"], input="short\n"
    )
    assert short.exit_code != 0
    assert "12 characters or more" in short.output
    make.coordinator(email="b@cumbria.gov.uk")
    again = runner.invoke(
        args=["create-coordinator", "B@cumbria.gov.uk", "--password-stdin"],
        input="a long enough password\n",
    )
    assert again.exit_code != 0
    assert "already an account" in again.output


def test_new_recovery_codes_replace_the_old_ones(client, make, sign_in_coordinator, clock, db):
    user = make.coordinator()
    sign_in_coordinator(user)
    page = client.get("/coordinator/account")
    assert b"You have 0 recovery codes left" in page.data
    response = client.post(
        "/coordinator/account/recovery-codes",
        data={"password_or_code": "correct horse battery staple"},
    )
    codes = re.findall(rb"<code>([a-z0-9-]+)</code>", response.data)
    assert len(codes) == 10
    assert response.headers["Cache-Control"] == "no-store"
    assert accounts.recovery_codes_left(db.session.get(User, user.id)) == 10


def test_changing_the_password_needs_the_current_one(client, make, sign_in_coordinator, db):
    user = make.coordinator(password="correct horse battery staple")
    sign_in_coordinator(user)
    wrong = client.post(
        "/coordinator/account/password",
        data={"current_password": "not it at all", "new_password": "a brand new password"},
    )
    assert b"Your current password is not right" in wrong.data
    short = client.post(
        "/coordinator/account/password",
        data={"current_password": "correct horse battery staple", "new_password": "short"},
    )
    assert b"12 characters or more" in short.data
    done = client.post(
        "/coordinator/account/password",
        data={
            "current_password": "correct horse battery staple",
            "new_password": "a brand new password",
        },
    )
    assert done.headers["Location"] == "/coordinator/account"
    assert client.get("/coordinator/account").status_code == 200  # still signed in here
    assert accounts.authenticate(user.email, "a brand new password") is not None


def test_create_coordinator_in_the_demo_datas_words_makes_an_administrator(make, clock):
    user = accounts.create_coordinator(
        "demo@cumbria.gov.uk",
        password="a long enough password",
        administrator=True,
        actor="demo data",
        now=clock.now,
    )
    assert user.role == Role.ADMINISTRATOR


def test_a_huge_password_is_refused_quickly_not_hashed_whole(make):
    user = make.coordinator(password="a long enough password")
    assert accounts.authenticate(user.email, "x" * 1_000_000) is None


def test_the_coordinator_layouts_sign_out_address_also_signs_out(client, make, sign_in_coordinator):
    sign_in_coordinator(make.coordinator())
    assert client.post("/coordinator/sign-out").status_code == 302
    assert client.get("/coordinator").status_code == 302

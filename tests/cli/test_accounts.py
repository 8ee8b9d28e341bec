"""`flask create-coordinator`: accounts made from the command line."""

from __future__ import annotations

from sqlalchemy import select

from booking.models import AuditEvent, Role, User
from booking.services.accounts import authenticate

PASSWORD = "a long and memorable password"


def test_a_coordinator_is_created_with_a_hashed_password(runner, db):
    result = runner.invoke(
        args=["create-coordinator", "Sam.Coordinator@Cumbria.gov.uk", "--name", "Sam"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created the coordinator account for sam.coordinator@cumbria.gov.uk" in result.output
    assert PASSWORD not in result.output
    user = db.session.scalars(select(User)).one()
    assert (user.email, user.full_name, user.role) == (
        "sam.coordinator@cumbria.gov.uk",
        "Sam",
        Role.COORDINATOR,
    )
    assert PASSWORD not in user.password_hash
    assert authenticate("SAM.coordinator@cumbria.gov.uk", PASSWORD) == user
    assert db.session.scalar(select(AuditEvent.action)) == "account.created"


def test_the_password_must_be_typed_the_same_twice(runner, db):
    result = runner.invoke(
        args=["create-coordinator", "sam@cumbria.gov.uk"],
        input=f"{PASSWORD}\nsomething else entirely\n{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output.lower() or "don't match" in result.output.lower()


def test_an_administrator_can_be_made_with_the_password_from_standard_input(runner, db):
    result = runner.invoke(
        args=["create-coordinator", "lead@cumbria.gov.uk", "--administrator", "--password-stdin"],
        input=f"{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalars(select(User)).one().role == Role.ADMINISTRATOR


def test_a_second_account_for_the_same_address_is_refused_plainly(runner, make):
    make.coordinator(email="sam@cumbria.gov.uk")
    result = runner.invoke(
        args=["create-coordinator", "SAM@cumbria.gov.uk", "--password-stdin"], input=f"{PASSWORD}\n"
    )
    assert result.exit_code == 1
    assert "There is already an account with that email address" in result.output
    assert "Traceback" not in result.output


def test_an_invalid_address_is_refused_plainly(runner, db):
    result = runner.invoke(
        args=["create-coordinator", "not-an-address", "--password-stdin"], input=f"{PASSWORD}\n"
    )
    assert result.exit_code == 1
    assert "Enter an email address like name@cumbria.gov.uk" in result.output
    assert db.session.scalar(select(User.id)) is None


def test_a_short_password_is_refused(runner, db):
    result = runner.invoke(
        args=["create-coordinator", "sam@cumbria.gov.uk", "--password-stdin"], input="short\n"
    )
    assert result.exit_code == 1
    assert "12 characters or more" in result.output
    assert db.session.scalar(select(User.id)) is None


def test_authenticate_gives_nothing_for_a_wrong_password_or_unknown_address(make):
    user = make.coordinator(email="sam@cumbria.gov.uk")
    assert authenticate("sam@cumbria.gov.uk", "correct horse battery staple") == user
    assert authenticate("sam@cumbria.gov.uk", "wrong") is None
    assert authenticate("nobody@cumbria.gov.uk", "correct horse battery staple") is None
    assert authenticate("", "") is None


def test_a_trainer_account_is_made_with_the_trainer_flag(runner, db):
    result = runner.invoke(
        args=["create-coordinator", "Jo.Trainer@cumbria.gov.uk", "--name", "Jo", "--trainer",
              "--password-stdin"],
        input=f"{PASSWORD}\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Created the trainer account for jo.trainer@cumbria.gov.uk" in result.output
    user = db.session.scalars(select(User)).one()
    assert (user.role, user.is_trainer, user.is_coordinator) == (Role.TRAINER, True, False)
    assert authenticate("jo.trainer@cumbria.gov.uk", PASSWORD) == user


def test_an_account_cannot_be_both_a_trainer_and_an_administrator(runner, db):
    result = runner.invoke(
        args=["create-coordinator", "jo@cumbria.gov.uk", "--trainer", "--administrator",
              "--password-stdin"],
        input=f"{PASSWORD}\n",
    )  # fmt: skip
    assert result.exit_code != 0
    assert "not both" in result.output
    assert db.session.scalars(select(User)).all() == []

"""Trainers see only their own courses' registers, people, support needs and check-in, and
get "not found" for everything else in the coordinators' area.

The URLs are collected from the app, as in test_coordinator_access.py, so a page added
later is covered without editing this file.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from booking.models import AuditEvent, Course, Role
from booking.services import registers

from .test_coordinator_access import COORDINATOR_RULES, SIGN_IN_STEPS, _request

#: A trainer's own account pages.
OWN_ACCOUNT = {"auth.my_account", "auth.new_recovery_codes", "auth.change_password"}
#: The list of registers: open to a trainer, listing only their own courses' days.
REGISTER_LIST = {"registers.index"}


def _trainer(make, db, course=None):
    trainer = make.coordinator(role=Role.TRAINER, full_name="Tess Trainer")
    if course is not None:
        course.trainer_accounts.append(trainer)
        db.session.commit()
    return trainer


def _for_their_course(endpoint):
    return endpoint.startswith("registers.") and endpoint not in REGISTER_LIST


@pytest.mark.parametrize(("endpoint", "method"), COORDINATOR_RULES)
def test_a_trainer_gets_not_found_outside_their_own_courses(
    app, client, db, rows, make, sign_in_coordinator, endpoint, method
):
    sign_in_coordinator(_trainer(make, db, course=make.course()))  # assigned elsewhere only
    response = _request(client, app, rows, endpoint, method)
    if endpoint in SIGN_IN_STEPS | OWN_ACCOUNT | REGISTER_LIST:
        assert response.status_code != 404 or endpoint in SIGN_IN_STEPS
    else:
        assert response.status_code == 404, response.status_code
    assert b"Needs a hearing loop" not in response.data
    assert b"Row Person" not in response.data


@pytest.mark.parametrize(
    ("endpoint", "method"), [p for p in COORDINATOR_RULES if _for_their_course(p.values[0])]
)
def test_a_trainer_can_use_every_register_page_of_their_own_course(
    app, client, db, rows, make, sign_in_coordinator, endpoint, method
):
    sign_in_coordinator(_trainer(make, db, course=db.session.get(Course, rows.ids["course"])))
    response = _request(client, app, rows, endpoint, method)
    assert response.status_code in (200, 302, 400), response.status_code


def test_the_register_list_shows_a_trainer_only_their_own_courses(
    db, client, make, sign_in_coordinator, clock
):
    from datetime import date

    theirs = make.course(date(2026, 1, 12))
    make.course(date(2026, 1, 19))
    trainer = _trainer(make, db, course=theirs)
    sign_in_coordinator(trainer)
    page = client.get("/coordinator/registers").get_data(as_text=True)
    assert page.count("register<span") == 2  # the two days of their course, not four
    assert "Monday 12 January 2026" in page and "19 January" not in page
    assert "Dashboard" not in page and "Mailbox" not in page  # only their part in the menu
    assert [d.course_id for d in registers.course_days_around(clock.now, user=trainer)] == [
        theirs.id,
        theirs.id,
    ]


def test_who_may_take_a_register(db, make, coordinator):
    course, other = make.course(), make.course()
    trainer = _trainer(make, db, course=course)
    assert registers.may_take_register(coordinator, other.id)
    assert registers.may_take_register(trainer, course.id)
    assert not registers.may_take_register(trainer, other.id)


def test_each_look_at_support_needs_by_a_trainer_is_recorded(db, client, make, sign_in_coordinator):
    course = make.course()
    booking = make.booking(course, support_needs="Needs a hearing loop")
    trainer = _trainer(make, db, course=course)
    sign_in_coordinator(trainer)
    for _ in range(2):
        page = client.get(f"/coordinator/registers/bookings/{booking.id}/support-needs")
        assert b"Needs a hearing loop" in page.data
    looks = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "support_needs.viewed")
    ).all()
    assert len(looks) == 2 and all("Tess Trainer" in e.actor for e in looks)


def test_a_trainer_signs_in_like_a_coordinator_and_lands_on_their_registers(
    client, totp_coordinator, clock
):
    trainer = totp_coordinator(role=Role.TRAINER, password="a long enough password")
    first = client.post(
        "/coordinator/sign-in", data={"email": trainer.email, "password": "a long enough password"}
    )
    assert first.headers["Location"] == "/coordinator/sign-in/code"
    response = client.post("/coordinator/sign-in/code", data={"code": trainer.totp.at(clock.now)})
    assert response.headers["Location"] == "/coordinator/registers"
    assert client.get("/coordinator/registers").status_code == 200
    assert client.get("/coordinator").status_code == 404
    assert "Registers" in client.get("/courses").get_data(as_text=True)

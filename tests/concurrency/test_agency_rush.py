"""Never overbook an agency's share: three partner agencies and council staff confirming at
the same moment (issue 17), on SQLite and PostgreSQL, each call on its own connection."""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import select

from booking.extensions import db
from booking.models import Booking, BookingStatus, Course, Group, Person
from booking.services import requests

from ..support.parallel import run_at_once

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # before the release date: the cap applies
DOMAINS = ("nhs.net", "cumbria.police.uk", "barnardos.org.uk")


def _rush(make) -> tuple[int, dict[str, list[int]]]:
    """A course of 20 places, 6 for partners, at most 2 per agency; 60 staff and 30 people
    from each of three agencies."""
    course = make.course(total_places=20, partner_places=6, agency_cap=2)
    people = {"staff": [make.person(Group.STAFF).id for _ in range(60)]}
    for n, domain in enumerate(DOMAINS):
        agency = make.agency(f"Agency {n}", domain)
        people[domain] = [
            make.person(Group.PARTNER, email=f"p{i}@{domain}", agency_id=agency.id).id
            for i in range(30)
        ]
    return course.id, people


def _book(course_id: int, person_id: int, *, after: float = 0.0):
    def call():
        if after:
            time.sleep(after)  # the control only: let the first agency reach the lock first
        course = db.session.get(Course, course_id)
        person = db.session.get(Person, person_id)
        return requests.book_place(course, person, actor="test", now=NOW).status

    return call


def _held(course_id: int) -> tuple[int, Counter]:
    """Staff places held, and partner places held per email domain."""
    db.session.expire_all()
    rows = db.session.execute(
        select(Person.group, Person.email)
        .join(Booking, Booking.person_id == Person.id)
        .where(Booking.course_id == course_id, Booking.status == BookingStatus.CONFIRMED)
    ).all()
    staff = sum(1 for group, _email in rows if group == Group.STAFF)
    return staff, Counter(email.split("@")[1] for group, email in rows if group == Group.PARTNER)


def test_three_agencies_and_staff_at_once_hold_no_more_than_each_agencys_cap(db, make, worker_app):
    course_id, people = _rush(make)
    app = worker_app()
    calls = [_book(course_id, pid) for ids in people.values() for pid in ids]

    outcome = run_at_once(app, calls)

    assert outcome.errors == []
    staff, partners = _held(course_id)
    assert staff == 14
    assert sum(partners.values()) == 6
    assert max(partners.values()) <= 2
    assert db.session.scalar(select(db.func.count(Booking.id))) == 150


def test_without_the_cap_check_the_same_rush_lets_one_agency_take_more(db, make, worker_app):
    """The control: the cap check switched off (a test-only setting), and the people of two
    agencies a moment behind the first, as when one trust sends its staff the link first.
    One agency (usually the first) takes more than its share, so the test above would catch
    a missing or broken cap."""
    course_id, people = _rush(make)
    app = worker_app(AGENCY_CAP_ENABLED=False)
    first, *later = DOMAINS
    calls = [_book(course_id, pid) for pid in people["staff"] + people[first]]
    calls += [_book(course_id, pid, after=0.5) for domain in later for pid in people[domain]]

    outcome = run_at_once(app, calls)

    assert outcome.errors == []
    staff, partners = _held(course_id)
    assert staff == 14 and sum(partners.values()) == 6
    # Usually the first agency; on a loaded machine the later ones can still win the race.
    assert max(partners.values()) > 2, partners

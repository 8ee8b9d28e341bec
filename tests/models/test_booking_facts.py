"""Facts about one booking, each defined once and the same in Python and SQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from booking.models import (
    Booking,
    BookingStatus,
    CompletionSource,
    Group,
    Person,
    TrainingCompletion,
)

from ..support.hybrids import same_in_python_and_sql

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
S = BookingStatus


def completed(db, person, course):
    db.session.add(
        TrainingCompletion(
            person_id=person.id,
            course_type_id=course.course_type_id,
            completed_on=date(2025, 6, 1),
            source=CompletionSource.ELSEWHERE,
        )
    )
    db.session.commit()


@pytest.fixture
def dates(make):
    """Two dates of the introductory training and one course of another training."""
    other_type = make.course_type("Signs of Safety for managers", "managers")
    return (
        make.course(date(2026, 3, 2)),
        make.course(date(2026, 4, 6)),
        make.course(date(2026, 3, 16), type_obj=other_type),
    )


def test_a_place_is_held_while_confirmed_or_offered(make, dates):
    rows = [make.booking(dates[0], status=status) for status in BookingStatus]
    found = same_in_python_and_sql(Booking, rows, Booking.holds_place, lambda b: b.holds_place)
    assert {b.status for b in rows if b.id in found} == {S.CONFIRMED, S.OFFERED}


def test_a_place_on_another_date_of_the_same_training_counts_and_other_trainings_do_not(
    make, dates
):
    first, second, other_training = dates
    has_place, has_offer, only_waits, other_type = (make.person() for _ in range(4))
    rows = {
        "waiting, place elsewhere": make.booking(first, has_place, S.WAITLISTED),
        "the place": make.booking(second, has_place, S.CONFIRMED),
        "waiting, offer elsewhere": make.booking(first, has_offer, S.WAITLISTED),
        "the offer": make.booking(second, has_offer, S.OFFERED),
        "waiting only": make.booking(first, only_waits, S.WAITLISTED),
        "cancelled elsewhere": make.booking(second, only_waits, S.CANCELLED),
        "waiting, other training held": make.booking(first, other_type, S.WAITLISTED),
        "other training": make.booking(other_training, other_type, S.CONFIRMED),
    }
    found = same_in_python_and_sql(
        Booking, rows.values(), Booking.has_place_on_any_date, lambda b: b.has_place_on_any_date
    )
    assert {name for name, b in rows.items() if b.id in found} == {
        "waiting, place elsewhere",
        "the place",
        "waiting, offer elsewhere",
        "the offer",
        "other training",
    }


def test_completion_counts_for_the_same_course_type_only(db, make, dates):
    first, _second, other_training = dates
    trained, untrained = make.person(), make.person()
    completed(db, trained, first)
    rows = [
        make.booking(first, trained, S.WAITLISTED),
        make.booking(other_training, trained, S.WAITLISTED),
        make.booking(first, untrained, S.WAITLISTED),
    ]
    found = same_in_python_and_sql(
        Booking, rows, Booking.person_has_completed, lambda b: b.person_has_completed
    )
    assert found == {rows[0].id}


@pytest.mark.parametrize("released", [False, True])
@pytest.mark.parametrize("open_to", [(Group.STAFF,), (Group.PARTNER,), tuple(Group)])
def test_who_may_be_offered_a_free_place(db, make, dates, open_to, released):
    first, second, _other = dates
    staff, partner, trained, holder = (
        make.person(Group.STAFF),
        make.person(Group.PARTNER),
        make.person(Group.STAFF),
        make.person(Group.PARTNER),
    )
    completed(db, trained, first)
    rows = {
        "staff waiting": make.booking(first, staff, S.WAITLISTED),
        "partner waiting": make.booking(first, partner, S.WAITLISTED),
        "trained, waiting": make.booking(first, trained, S.WAITLISTED),
        "waiting, place elsewhere": make.booking(first, holder, S.WAITLISTED),
        "the place elsewhere": make.booking(second, holder, S.CONFIRMED),
        "cancelled": make.booking(second, staff, S.CANCELLED),
    }
    found = same_in_python_and_sql(
        Booking,
        rows.values(),
        Booking.may_be_offered(open_to, released=released),
        lambda b: b.may_be_offered(open_to, released=released),
    )
    expected = {n for n in ("staff waiting", "partner waiting") if rows[n].person.group in open_to}
    if released and Group.STAFF in open_to:
        expected.add("trained, waiting")
    assert {name for name, b in rows.items() if b.id in found} == expected


def test_the_waitlist_order_is_the_same_sorted_in_python_and_in_sql(db, make, dates):
    first = dates[0]
    asked = NOW - timedelta(days=10)
    trained = make.person(Group.STAFF)
    completed(db, trained, first)
    people_and_fields = [
        (make.person(Group.PARTNER), {"requested_at": asked}),
        (make.person(Group.STAFF), {"requested_at": asked + timedelta(hours=1)}),
        (trained, {"requested_at": asked - timedelta(days=1)}),
        (make.person(Group.PARTNER), {"requested_at": asked, "queue_priority": 2}),
        (
            make.person(Group.STAFF),
            {"requested_at": asked + timedelta(days=2), "queue_priority": 1},
        ),
        (make.person(Group.STAFF), {"requested_at": asked + timedelta(hours=1)}),  # a tie
        (make.person(Group.PARTNER), {"requested_at": asked - timedelta(days=3)}),
    ]
    rows = [make.booking(first, p, S.WAITLISTED, **fields) for p, fields in people_and_fields]
    in_sql = db.session.scalars(
        select(Booking.id)
        .join(Person, Person.id == Booking.person_id)
        .where(Booking.course_id == first.id)
        .order_by(*Booking.waitlist_key())
    ).all()
    in_python = [b.id for b in sorted(rows, key=lambda b: b.waitlist_key())]
    assert in_sql == in_python
    # Set priorities first, then staff, then people not yet trained, then who asked first.
    assert in_python == [rows[i].id for i in (4, 3, 1, 5, 2, 6, 0)]
    known = [b.id for b in sorted(rows, key=lambda b: b.waitlist_key(b.person_has_completed))]
    assert known == in_python


@pytest.mark.parametrize(
    "now", [NOW - timedelta(minutes=1), NOW, NOW + timedelta(hours=1)], ids=str
)
def test_an_offer_runs_out_at_the_moment_it_expires(make, dates, now):
    first = dates[0]
    rows = {
        "ends now": make.booking(first, status=S.OFFERED, offer_expires_at=NOW),
        "ends tomorrow": make.booking(
            first, status=S.OFFERED, offer_expires_at=NOW + timedelta(days=1)
        ),
        "ended yesterday": make.booking(
            first, status=S.OFFERED, offer_expires_at=NOW - timedelta(days=1)
        ),
        "accepted": make.booking(
            first, status=S.CONFIRMED, offer_expires_at=NOW - timedelta(days=1)
        ),
        "marked as run out": make.booking(
            first, status=S.EXPIRED, offer_expires_at=NOW - timedelta(days=1)
        ),
    }
    found = same_in_python_and_sql(
        Booking, rows.values(), Booking.offer_ran_out(now), lambda b: b.offer_ran_out(now)
    )
    expected = {"ended yesterday"} | ({"ends now"} if now >= NOW else set())
    assert {name for name, b in rows.items() if b.id in found} == expected

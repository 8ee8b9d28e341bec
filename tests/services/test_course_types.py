"""Course types and the rules by type: prerequisites (refused, a coordinator's override with
a reason, completed elsewhere), "partners may book" switched off, and "already trained",
"one place per course type" and the waitlist order each by the course's own type."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from booking.models import AuditEvent, BookingStatus, Group
from booking.services import allocation, changes, course_types, records, requests, waitlist
from booking.services.allocation import NotForPartners
from booking.services.course_types import CourseTypeDetails
from booking.services.courses import CourseDetails, DayDetails, create_course, default_days_count
from booking.services.errors import Problems
from booking.services.prerequisites import PrerequisiteMissing

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # before the default courses' release dates


@pytest.fixture
def intro(make):
    return make.course_type()


@pytest.fixture
def advanced(db, make, intro, coordinator):
    return course_types.create_course_type(
        CourseTypeDetails(
            name="Signs of Safety Advanced Training",
            prerequisites=[intro],
            partners_may_book=False,
            default_partner_places=0,
        ),
        actor=coordinator,
        now=NOW,
    )


def _completed(person, course_type, coordinator):
    return records.record_completion_elsewhere(
        person, course_type, date(2025, 6, 1), actor=coordinator, now=NOW, reason="Certificate seen"
    )


# --- Course types -------------------------------------------------------------------------


def test_a_new_type_gets_a_slug_and_a_type_for_staff_only_keeps_no_partner_places(db, coordinator):
    made = course_types.create_course_type(
        CourseTypeDetails(name="Practice Leads' Day", partners_may_book=False),
        actor=coordinator,
        now=NOW,
    )
    assert made.slug == "practice-leads-day"
    assert made.default_partner_places == 0
    assert db.session.scalar(
        select(AuditEvent.action).where(AuditEvent.object_type == "coursetype")
    ) == ("course_type.created")


@pytest.mark.parametrize(
    ("changes_", "field"),
    [
        ({"name": " "}, "name"),
        ({"days_count": 6}, "days_count"),
        ({"days_count": 0}, "days_count"),
        ({"default_ends_at": time(9, 0)}, "default_ends_at"),
        ({"default_total_places": 0}, "default_total_places"),
        ({"default_partner_places": 30}, "default_partner_places"),
        ({"release_days_before": 400}, "release_days_before"),
        ({"cutoff_working_days_before": 0}, "cutoff_working_days_before"),
    ],
)
def test_a_type_that_cannot_be_saved_says_which_field_is_wrong(db, coordinator, changes_, field):
    details = CourseTypeDetails(**{"name": "Refresher", **changes_})
    with pytest.raises(Problems) as refused:
        course_types.create_course_type(details, actor=coordinator, now=NOW)
    assert field in [f for f, _ in refused.value.problems]


def test_two_types_cannot_share_a_name_or_need_each_other(db, coordinator, intro, advanced):
    with pytest.raises(Problems, match="already a course type with that name"):
        course_types.create_course_type(
            CourseTypeDetails(name=advanced.name.upper()), actor=coordinator, now=NOW
        )
    with pytest.raises(Problems, match="it needs this course itself"):
        course_types.update_course_type(
            intro,
            CourseTypeDetails(name=intro.name, prerequisites=[advanced]),
            actor=coordinator,
            now=NOW,
        )


def test_a_new_course_takes_its_types_release_and_cut_off(db, make, coordinator):
    partner_day = course_types.create_course_type(
        CourseTypeDetails(name="Partner day", days_count=1, release_days_before=7),
        actor=coordinator,
        now=NOW,
    )
    course = create_course(
        CourseDetails(
            venue=make.venue(),
            total_places=24,
            partner_places=16,
            days=[DayDetails(date(2026, 3, 4), time(9, 30), time(15, 30))],
            course_type=partner_day,
        ),
        actor=coordinator,
        now=NOW,
    )
    assert [d.date for d in course.days] == [date(2026, 3, 4)]
    assert course.release_on == date(2026, 2, 25)  # 7 days, not 14
    # The type's number of days is where a new course starts; one course may differ (for
    # example a partner day run over two days once), as a coordinator decides.
    assert default_days_count(partner_day) == 1
    longer = create_course(
        CourseDetails(
            venue=make.venue(),
            total_places=24,
            partner_places=0,
            days=[
                DayDetails(date(2026, 3, 11), time(9, 30), time(15, 30)),
                DayDetails(date(2026, 3, 12), time(9, 30), time(15, 30)),
            ],
            course_type=partner_day,
        ),
        actor=coordinator,
        now=NOW,
    )
    assert len(longer.days) == 2


# --- Prerequisites ------------------------------------------------------------------------


def test_booking_without_the_prerequisite_is_refused_naming_it_and_its_next_dates(
    db, make, intro, advanced
):
    make.course(date(2026, 2, 10), type_obj=intro, venue_obj=make.venue("Penrith"))
    wanted = make.course(date(2026, 3, 10), type_obj=advanced)
    person = make.person(Group.STAFF)
    with pytest.raises(PrerequisiteMissing) as refused:
        requests.book_place(wanted, person, actor="test", now=NOW)
    message = refused.value.message
    assert "You need to complete Signs of Safety Two Day Introductory Training" in message
    assert "10 February 2026 in Penrith" in message
    assert not db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("booking.%"))
    ).all()
    # The request form refuses before any link is sent, for someone new too.
    with pytest.raises(PrerequisiteMissing):
        requests.request_place(wanted, {"email": "new.person@cumberland.gov.uk"}, now=NOW)


def test_a_prerequisite_completed_elsewhere_counts(db, make, intro, advanced, coordinator):
    wanted = make.course(date(2026, 3, 10), type_obj=advanced)
    person = make.person(Group.STAFF)
    _completed(person, intro, coordinator)
    booking = requests.book_place(wanted, person, actor="test", now=NOW)
    assert booking.status == BookingStatus.CONFIRMED


def test_a_coordinator_can_add_someone_without_it_giving_a_reason(
    db, make, intro, advanced, coordinator
):
    wanted = make.course(date(2026, 3, 10), type_obj=advanced)
    person = make.person(Group.STAFF, full_name="Ann Example")
    with pytest.raises(PrerequisiteMissing, match="Ann Example has not completed"):
        changes.add_person(wanted, person, actor=coordinator, now=NOW, reason="Asked by manager")
    booking = changes.add_person(
        wanted,
        person,
        actor=coordinator,
        now=NOW,
        reason="Did the introductory course in Lancashire",
        override_prerequisites=True,
    )
    assert booking.status == BookingStatus.CONFIRMED
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "booking.added"))
    assert event.reason == "Did the introductory course in Lancashire"
    assert event.details["prerequisites_overridden"] == [intro.name]


# --- Partners may book --------------------------------------------------------------------


def test_partners_cannot_book_or_wait_for_a_staff_only_type_and_staff_get_every_place(
    db, make, advanced, intro, coordinator
):
    course = make.course(date(2026, 3, 10), type_obj=advanced, total_places=3, partner_places=2)
    partner = make.person(Group.PARTNER)
    _completed(partner, intro, coordinator)
    with pytest.raises(NotForPartners, match="for council staff only"):
        requests.book_place(course, partner, actor="test", now=NOW)
    with pytest.raises(NotForPartners):
        requests.request_place(
            course, {"email": "someone@nhs.net"}, now=NOW, council_domains=["cumberland.gov.uk"]
        )
    with pytest.raises(NotForPartners):
        changes.add_person(course, partner, actor=coordinator, now=NOW, reason="Asked")
    places = allocation.availability(course, NOW)
    assert (places.staff_left, places.partner_left, places.partner_places) == (3, 0, 0)
    staff = [make.person(Group.STAFF) for _ in range(4)]
    for person in staff:
        _completed(person, intro, coordinator)
    got = [requests.book_place(course, p, actor="test", now=NOW).status for p in staff]
    assert got == [BookingStatus.CONFIRMED] * 3 + [BookingStatus.WAITLISTED]


def test_a_course_of_a_staff_only_type_is_saved_with_no_partner_places(
    db, make, advanced, coordinator
):
    course = create_course(
        CourseDetails(
            venue=make.venue(),
            total_places=16,
            partner_places=4,
            days=[
                DayDetails(date(2026, 3, 10), time(9, 30), time(16, 30)),
                DayDetails(date(2026, 3, 11), time(9, 30), time(16, 30)),
            ],
            course_type=advanced,
        ),
        actor=coordinator,
        now=NOW,
    )
    assert course.partner_places == 0


# --- The rules by the course's own type ---------------------------------------------------


def test_already_trained_and_one_place_are_about_the_courses_own_type(
    db, make, intro, advanced, coordinator
):
    """Someone who completed the introductory course is "already trained" for it (they
    only wait), yet takes a place on the advanced course; and a place held on one type does
    not stop a place on another."""
    person = make.person(Group.STAFF)
    _completed(person, intro, coordinator)
    intro_course = make.course(date(2026, 3, 2), type_obj=intro)
    advanced_course = make.course(date(2026, 3, 10), type_obj=advanced)
    assert requests.book_place(intro_course, person, actor="t", now=NOW).status == (
        BookingStatus.WAITLISTED
    )
    other = make.person(Group.STAFF)
    _completed(other, intro, coordinator)
    held_intro = make.course(date(2026, 4, 6), type_obj=intro)
    changes.add_person(held_intro, other, actor=coordinator, now=NOW, reason="Refresher")
    assert requests.book_place(advanced_course, person, actor="t", now=NOW).status == (
        BookingStatus.CONFIRMED
    )
    assert requests.book_place(advanced_course, other, actor="t", now=NOW).status == (
        BookingStatus.CONFIRMED
    )


def test_the_waitlist_puts_people_not_yet_trained_in_this_type_first(
    db, make, intro, advanced, coordinator
):
    course = make.course(date(2026, 3, 10), type_obj=advanced, total_places=1, partner_places=0)
    first = make.person(Group.STAFF)
    _completed(first, intro, coordinator)
    requests.book_place(course, first, actor="t", now=NOW)  # takes the one place
    done_advanced = make.person(Group.STAFF)
    for course_type in (intro, advanced):
        _completed(done_advanced, course_type, coordinator)
    only_intro = make.person(Group.STAFF)
    _completed(only_intro, intro, coordinator)
    early = requests.book_place(course, done_advanced, actor="t", now=NOW)
    late = requests.book_place(course, only_intro, actor="t", now=NOW)
    order = [b.id for b in db.session.scalars(waitlist.ordered_waitlist(course))]
    # Completed the introductory course (another type) does not count as trained here.
    assert order == [late.id, early.id]

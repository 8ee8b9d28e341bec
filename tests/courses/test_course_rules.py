"""The rules for setting up and changing courses (services/courses.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from booking.models import AuditEvent, BookingStatus, CourseStatus, Group
from booking.services import courses as service
from booking.services import venues as venue_service
from booking.services.allocation import availability
from booking.services.courses import DayDetails, cancel_course
from booking.services.errors import NotAllowed, Problems

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # a Monday


def problem_fields(error: Problems) -> list[str]:
    return [field for field, _message in error.problems]


def test_a_new_course_is_a_draft(details):
    course = service.create_course(details(), actor="test", now=NOW)
    assert course.status == CourseStatus.DRAFT
    assert [d.day_number for d in course.days] == [1, 2]
    assert course.schedule_version == 0


def test_places_open_to_everyone_14_days_before_day_one_by_default(details):
    course = service.create_course(details(), actor="test", now=NOW)
    assert course.release_on == date(2026, 2, 16)


def test_booking_closes_at_the_end_of_the_day_two_working_days_before_day_one(details):
    # Day 1 is Monday 2 March 2026: two working days before is Thursday 26 February.
    course = service.create_course(details(), actor="test", now=NOW)
    assert course.booking_closes_at == datetime(2026, 2, 26, 23, 59, tzinfo=UTC)


def test_the_cut_off_is_london_time_in_summer(details):
    days = [
        DayDetails(date(2026, 6, 1), time(9, 30), time(16, 30)),
        DayDetails(date(2026, 6, 2), time(9, 30), time(16, 30)),
    ]
    course = service.create_course(details(days=days), actor="test", now=NOW)
    # 11:59pm British Summer Time on Thursday 28 May is 10:59pm UTC.
    assert course.booking_closes_at == datetime(2026, 5, 28, 22, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day1", "last_day_to_book"),
    [
        (date(2026, 3, 4), date(2026, 3, 2)),  # Wednesday: Monday
        (date(2026, 3, 3), date(2026, 2, 27)),  # Tuesday: the Friday before
        (date(2026, 3, 2), date(2026, 2, 26)),  # Monday: Thursday
        (date(2026, 3, 7), date(2026, 3, 5)),  # Saturday: Thursday
    ],
)
def test_working_days_are_monday_to_friday(day1, last_day_to_book):
    assert service.default_booking_closes_on(day1) == last_day_to_book


def test_a_coordinator_can_choose_the_release_date_and_last_day_to_book(details):
    course = service.create_course(
        details(release_on=date(2026, 2, 1), booking_closes_on=date(2026, 2, 20)),
        actor="test",
        now=NOW,
    )
    assert course.release_on == date(2026, 2, 1)
    assert service.last_day_to_book(course) == date(2026, 2, 20)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"partner_places": 21}, "partner_places", "between 0 and the total"),
        ({"partner_places": -1}, "partner_places", "between 0 and the total"),
        ({"total_places": 0}, "total_places", "between 1 and"),
        ({"total_places": 100000}, "total_places", "between 1 and"),
        ({"venue": None}, "venue_id", "Choose a venue"),
    ],
)
def test_places_and_venue_are_checked(details, changes, field, message):
    made = details()
    for name, value in changes.items():
        setattr(made, name, value)
    with pytest.raises(Problems) as error:
        service.create_course(made, actor="test", now=NOW)
    assert field in problem_fields(error.value)
    assert any(message in text for _f, text in error.value.problems)


def test_course_days_cannot_be_in_the_past(details):
    days = [
        DayDetails(date(2026, 1, 2), time(9, 30), time(16, 30)),
        DayDetails(date(2026, 1, 6), time(9, 30), time(16, 30)),
    ]
    with pytest.raises(Problems) as error:
        service.create_course(details(days=days), actor="test", now=NOW)
    assert error.value.problems == [("day1_date", "Day 1 cannot be in the past")]


def test_day_two_must_be_after_day_one(details):
    days = [
        DayDetails(date(2026, 3, 3), time(9, 30), time(16, 30)),
        DayDetails(date(2026, 3, 3), time(9, 30), time(16, 30)),
    ]
    with pytest.raises(Problems) as error:
        service.create_course(details(days=days), actor="test", now=NOW)
    assert error.value.problems == [("day2_date", "Day 2 must be after day 1")]


def test_each_day_must_end_after_it_starts(details):
    days = [
        DayDetails(date(2026, 3, 2), time(16, 30), time(9, 30)),
        DayDetails(date(2026, 3, 3), time(9, 30), time(9, 30)),
    ]
    with pytest.raises(Problems) as error:
        service.create_course(details(days=days), actor="test", now=NOW)
    assert problem_fields(error.value) == ["day1_ends_at", "day2_ends_at"]


def test_booking_must_close_before_day_one(details):
    with pytest.raises(Problems) as error:
        service.create_course(details(booking_closes_on=date(2026, 3, 2)), actor="test", now=NOW)
    assert problem_fields(error.value) == ["booking_closes_on"]


def test_an_archived_venue_cannot_be_chosen_for_a_new_course(details, make):
    venue = make.venue("Penrith", is_archived=True)
    with pytest.raises(Problems) as error:
        service.create_course(details(venue=venue), actor="test", now=NOW)
    assert problem_fields(error.value) == ["venue_id"]


def test_nothing_is_saved_when_a_course_is_refused(details, db):
    from booking.models import Course

    with pytest.raises(Problems):
        service.create_course(details(partner_places=99), actor="test", now=NOW)
    assert db.session.scalar(select(Course.id)) is None


def test_publishing_puts_a_draft_on_the_calendar(details):
    course = service.create_course(details(), actor="test", now=NOW)
    service.publish_course(course, actor="test", now=NOW)
    assert course.status == CourseStatus.PUBLISHED


def test_a_course_whose_first_day_has_passed_cannot_be_published(make):
    course = make.course(date(2026, 1, 2), status=CourseStatus.DRAFT)
    with pytest.raises(NotAllowed, match="in the past"):
        service.publish_course(course, actor="test", now=NOW)


def test_a_published_course_cannot_be_published_again(make):
    course = make.course()
    with pytest.raises(NotAllowed, match="already published"):
        service.publish_course(course, actor="test", now=NOW)


def test_a_cancelled_course_cannot_be_edited_or_published(make, details):
    course = make.course(status=CourseStatus.CANCELLED)
    with pytest.raises(NotAllowed, match="cancelled"):
        service.update_course(course, details(), actor="test", now=NOW)
    with pytest.raises(NotAllowed, match="cancelled"):
        service.publish_course(course, actor="test", now=NOW)


def test_a_published_course_that_is_over_cannot_be_changed_or_cancelled(make, details, outbox):
    course = make.course(date(2025, 12, 1))  # published; its days were 1 and 2 December
    make.booking(course)
    with pytest.raises(NotAllowed, match="has finished"):
        service.update_course(course, details(), actor="test", now=NOW)
    with pytest.raises(NotAllowed, match="finished"):
        cancel_course(course, actor="test", now=NOW, reason="Typed in the wrong course")
    assert course.status == CourseStatus.PUBLISHED
    assert outbox() == []
    draft = make.course(date(2025, 12, 8), status=CourseStatus.DRAFT)  # never ran
    service.update_course(draft, details(), actor="test", now=NOW)
    assert draft.first_day.date == date(2026, 3, 2)


def test_a_cancelled_course_cannot_be_booked(make):
    course = make.course()
    cancel_course(course, actor="test", now=NOW, reason="The trainer is ill.")
    assert availability(course, NOW).bookable is False


def test_changing_dates_of_a_published_course_tells_everyone_holding_a_place(make, details, outbox):
    course = make.course()
    holder = make.booking(course)
    make.booking(course, status=BookingStatus.OFFERED)
    make.booking(course, status=BookingStatus.WAITLISTED)
    days = [
        DayDetails(date(2026, 3, 9), time(9, 30), time(16, 30)),
        DayDetails(date(2026, 3, 10), time(9, 30), time(16, 30)),
    ]
    service.update_course(course, details(venue=course.venue, days=days), actor="test", now=NOW)
    assert course.schedule_version == 1
    assert [d.date for d in course.days] == [date(2026, 3, 9), date(2026, 3, 10)]
    told = outbox("course_changed")
    assert len(told) == 2
    assert holder.person.email in {m.to_address for m in told}


def test_changing_the_venue_of_a_published_course_counts_as_a_schedule_change(
    make, details, outbox
):
    course = make.course(starts_at=time(9, 30), ends_at=time(16, 30))
    make.booking(course)
    same_days = [DayDetails(d.date, d.starts_at, d.ends_at) for d in course.days]
    service.update_course(
        course, details(venue=make.venue("Workington"), days=same_days), actor="test", now=NOW
    )
    assert course.schedule_version == 1
    assert len(outbox("course_changed")) == 1


def test_changing_only_places_or_notes_tells_nobody(make, details, outbox):
    course = make.course(starts_at=time(9, 30), ends_at=time(16, 30))
    make.booking(course)
    same_days = [DayDetails(d.date, d.starts_at, d.ends_at) for d in course.days]
    service.update_course(
        course,
        details(venue=course.venue, days=same_days, total_places=25, notes="Bring lunch"),
        actor="test",
        now=NOW,
    )
    assert course.schedule_version == 0
    assert course.total_places == 25
    assert outbox() == []


def test_changing_a_draft_tells_nobody(make, details, outbox):
    course = make.course(status=CourseStatus.DRAFT)
    days = [
        DayDetails(date(2026, 4, 9), time(9, 30), time(16, 30)),
        DayDetails(date(2026, 4, 10), time(9, 30), time(16, 30)),
    ]
    service.update_course(course, details(venue=course.venue, days=days), actor="test", now=NOW)
    assert course.schedule_version == 0
    assert outbox() == []


def test_total_places_cannot_go_below_the_places_taken(make, details):
    course = make.course(total_places=3, partner_places=0)
    for _ in range(3):
        make.booking(course)
    same_days = [DayDetails(d.date, d.starts_at, d.ends_at) for d in course.days]
    with pytest.raises(Problems, match="3 places are already taken"):
        service.update_course(
            course,
            details(venue=course.venue, days=same_days, total_places=2, partner_places=0),
            actor="test",
            now=NOW,
        )


def test_a_running_course_can_still_have_its_notes_changed(make, details):
    course = make.course(date(2026, 1, 5))
    same_days = [DayDetails(d.date, d.starts_at, d.ends_at) for d in course.days]
    service.update_course(
        course,
        details(venue=course.venue, days=same_days, notes="Room 2 today", booking_closes_on=None),
        actor="test",
        now=NOW,
    )
    assert course.notes == "Room 2 today"


def test_duplicating_sets_up_the_next_date_as_a_draft(make):
    course = make.course(date(2026, 3, 2), total_places=18, partner_places=3, trainers="Ann")
    copy = service.duplicate_course(course, weeks_later=6, actor="test", now=NOW)
    assert copy.id != course.id
    assert copy.status == CourseStatus.DRAFT
    assert [d.date for d in copy.days] == [date(2026, 4, 13), date(2026, 4, 14)]
    assert [(d.starts_at, d.ends_at) for d in copy.days] == [
        (d.starts_at, d.ends_at) for d in course.days
    ]
    assert (copy.venue_id, copy.total_places, copy.partner_places, copy.coordinator_note) == (
        course.venue_id,
        18,
        3,
        "Note about trainers: Ann",
    )
    assert copy.release_on == date(2026, 3, 30)


def test_duplicating_refuses_dates_that_would_be_in_the_past(make):
    course = make.course(date(2025, 11, 3))
    with pytest.raises(Problems) as error:
        service.duplicate_course(course, weeks_later=2, actor="test", now=NOW)
    assert problem_fields(error.value) == ["weeks_later"]


@pytest.mark.parametrize("weeks", [0, 53])
def test_duplicating_needs_between_1_and_52_weeks(make, weeks):
    with pytest.raises(Problems, match="between 1 and 52"):
        service.duplicate_course(make.course(), weeks_later=weeks, actor="test", now=NOW)


def test_releasing_places_early_opens_partner_places_to_staff(make):
    course = make.course(total_places=4, partner_places=2)
    for _ in range(2):
        make.booking(course, make.person(Group.STAFF))
    assert availability(course, NOW).staff_left == 0
    service.release_places_now(course, actor="test", now=NOW)
    assert course.released_early_at == NOW
    assert availability(course, NOW).staff_left == 2


def test_places_cannot_be_released_twice_or_on_a_draft(make):
    course = make.course()
    service.release_places_now(course, actor="test", now=NOW)
    with pytest.raises(NotAllowed, match="already open"):
        service.release_places_now(course, actor="test", now=NOW)
    with pytest.raises(NotAllowed, match="published"):
        service.release_places_now(make.course(status=CourseStatus.DRAFT), actor="test", now=NOW)


def test_every_change_is_in_the_audit_trail(details, make, db):
    user = make.coordinator()
    course = service.create_course(details(), actor=user, now=NOW)
    service.publish_course(course, actor=user, now=NOW)
    service.release_places_now(course, actor=user, now=NOW)
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["course.created", "course.published", "course.released_early"]
    assert {e.user_id for e in db.session.scalars(select(AuditEvent))} == {user.id}


def test_venue_needs_a_name_address_and_town(db):
    with pytest.raises(Problems) as error:
        venue_service.create_venue(
            venue_service.VenueDetails(name=" ", address="", town=""), actor="test", now=NOW
        )
    assert problem_fields(error.value) == ["name", "address", "town"]


def test_venue_text_is_tidied(db):
    venue = venue_service.create_venue(
        venue_service.VenueDetails(
            name="  The   Beacon ",
            address="West Strand\n\n  ",
            town="Whitehaven",
            postcode="ca28 7ly",
        ),
        actor="test",
        now=NOW,
    )
    assert (venue.name, venue.address, venue.postcode) == ("The Beacon", "West Strand", "CA28 7LY")


def test_moving_a_venue_tells_people_on_upcoming_courses_there(make, outbox):
    course = make.course()
    make.booking(course)
    past = make.course(date(2025, 12, 1), venue_obj=course.venue)
    make.booking(past)
    venue = course.venue
    venue_service.update_venue(
        venue,
        venue_service.VenueDetails(
            name=venue.name, address="New Street", town=venue.town, postcode="LA9 4DL"
        ),
        actor="test",
        now=NOW,
    )
    assert course.schedule_version == 1
    assert past.schedule_version == 0
    assert len(outbox("course_changed")) == 1


def test_archived_venues_can_be_restored(make):
    venue = make.venue()
    venue_service.archive_venue(venue, actor="test", now=NOW)
    assert venue.is_archived
    assert venue not in venue_service.venues()
    with pytest.raises(NotAllowed):
        venue_service.archive_venue(venue, actor="test", now=NOW)
    venue_service.restore_venue(venue, actor="test", now=NOW)
    assert venue in venue_service.venues()


def test_a_course_at_an_archived_venue_is_not_copied(make):
    course = make.course(venue_obj=make.venue("Penrith", is_archived=True))
    with pytest.raises(Problems, match="venue is archived"):
        service.duplicate_course(course, weeks_later=4, actor="test", now=NOW)

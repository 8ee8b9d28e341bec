"""Reminders a week and a day before, and the message after the course: each sent once."""

from __future__ import annotations

from datetime import UTC, datetime

from booking.extensions import db
from booking.models import AttendanceMark, BookingStatus, Mark
from booking.services.courses import CourseDetails, DayDetails, update_course
from booking.services.reminders import queue_due_reminders

from .helpers import rows

# The default course: Monday 2 and Tuesday 3 March 2026, 9:30am to 4:30pm (GMT).
BOOKED = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
WEEK_BEFORE = datetime(2026, 2, 23, 9, 30, tzinfo=UTC)
DAY_BEFORE = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
AFTER = datetime(2026, 3, 3, 17, 0, tzinfo=UTC)


def _booking(make, course=None, **fields):
    fields.setdefault("status", BookingStatus.CONFIRMED)
    fields.setdefault("confirmed_at", BOOKED)
    return make.booking(course or make.course(), **fields)


def _kinds():
    return sorted((row.kind, row.dedupe_key) for row in rows())


def test_the_week_reminder_is_queued_once_however_often_it_runs(make):
    booking = _booking(make)
    assert queue_due_reminders(now=WEEK_BEFORE).reminders == 1
    assert queue_due_reminders(now=WEEK_BEFORE).reminders == 0
    assert queue_due_reminders(now=datetime(2026, 2, 25, tzinfo=UTC)).reminders == 0
    [row] = rows()
    assert row.kind == "reminder" and row.to_address == booking.person.email
    assert row.subject == "Reminder: your training starts on Monday 2 March 2026"
    assert "What to bring: A pen and a notebook." in row.text_body
    assert "Parking: Pay and display car park nearby." in row.text_body


def test_nothing_is_queued_before_the_week_reminder_is_due(make):
    _booking(make)
    assert queue_due_reminders(now=datetime(2026, 2, 23, 9, 29, tzinfo=UTC)).reminders == 0
    assert rows() == []


def test_the_day_reminder_follows_the_week_one(make):
    booking = _booking(make)
    queue_due_reminders(now=WEEK_BEFORE)
    queue_due_reminders(now=DAY_BEFORE)
    queue_due_reminders(now=DAY_BEFORE)
    assert _kinds() == [
        ("reminder", f"reminder-1d-booking-{booking.id}"),
        ("reminder", f"reminder-7d-booking-{booking.id}"),
    ]
    assert "starting tomorrow" in rows(dedupe_key=f"reminder-1d-booking-{booking.id}")[0].text_body


def test_someone_who_booked_late_gets_only_the_day_reminder(make):
    _booking(make, confirmed_at=datetime(2026, 2, 27, tzinfo=UTC))
    assert queue_due_reminders(now=datetime(2026, 2, 28, tzinfo=UTC)).reminders == 0
    assert queue_due_reminders(now=DAY_BEFORE).reminders == 1


def test_no_reminder_once_the_course_has_started_or_without_a_place(make):
    course = make.course()
    _booking(make, course, status=BookingStatus.CANCELLED)
    _booking(make, course, status=BookingStatus.WAITLISTED)
    assert queue_due_reminders(now=WEEK_BEFORE).reminders == 0
    _booking(make, course)
    assert queue_due_reminders(now=datetime(2026, 3, 2, 10, 0, tzinfo=UTC)).reminders == 0


def test_changes_inside_the_window_send_the_change_email_and_no_more_reminders(make):
    booking = _booking(make)
    course = booking.course
    queue_due_reminders(now=WEEK_BEFORE)
    kendal = course.venue
    moved = make.venue("Workington")
    for venue in (moved, kendal):  # two edits in the week before: there and back again
        days = [DayDetails(d.date, d.starts_at, d.ends_at) for d in course.days]
        update_course(
            course,
            CourseDetails(venue=venue, total_places=20, partner_places=4, days=days),
            actor="test",
            now=WEEK_BEFORE,
        )
    queue_due_reminders(now=WEEK_BEFORE)
    queue_due_reminders(now=datetime(2026, 2, 25, tzinfo=UTC))

    to_person = [row.kind for row in rows(to_address=booking.person.email)]
    assert to_person.count("course_changed") == 2
    assert to_person.count("reminder") == 1
    queue_due_reminders(now=DAY_BEFORE)  # the next milestone still comes, once
    assert [row.kind for row in rows(to_address=booking.person.email)].count("reminder") == 2


def test_a_reminder_queued_under_the_old_key_with_a_version_is_not_sent_again(make):
    """Keys used to end in the course's schedule version: those already queued still count."""
    booking = _booking(make)
    queue_due_reminders(now=WEEK_BEFORE)
    [row] = rows()
    row.dedupe_key = f"reminder-7d-booking-{booking.id}-v3"
    db.session.commit()
    assert queue_due_reminders(now=WEEK_BEFORE).reminders == 0


def _mark(booking, day_number, mark, counts=True):
    day = booking.course.days[day_number - 1]
    db.session.add(
        AttendanceMark(
            booking_id=booking.id, course_day_id=day.id, mark=mark, counts_as_attended=counts
        )
    )
    db.session.commit()


def test_after_both_days_the_person_is_thanked_once(make):
    booking = _booking(make)
    _mark(booking, 1, Mark.PRESENT)
    _mark(booking, 2, Mark.LEFT_EARLY, counts=True)
    assert queue_due_reminders(now=AFTER).after_course == 1
    assert queue_due_reminders(now=AFTER).after_course == 0
    [row] = rows()
    assert row.kind == "course_completed"
    assert "You have now completed the training" in row.text_body


def test_someone_who_missed_a_day_is_told_what_happens_next(make):
    booking = _booking(make)
    _mark(booking, 1, Mark.LATE)
    _mark(booking, 2, Mark.ABSENT)
    queue_due_reminders(now=AFTER)
    [row] = rows()
    assert row.kind == "course_not_completed"
    assert "you missed day 2" in row.text_body


def test_no_after_course_message_until_the_register_is_complete(make):
    booking = _booking(make)
    _mark(booking, 1, Mark.PRESENT)
    assert queue_due_reminders(now=AFTER).after_course == 0
    assert queue_due_reminders(now=datetime(2026, 3, 3, 16, 0, tzinfo=UTC)).after_course == 0


def test_old_courses_are_not_mailed_about(make):
    booking = _booking(make)
    _mark(booking, 1, Mark.PRESENT)
    _mark(booking, 2, Mark.PRESENT)
    assert queue_due_reminders(now=datetime(2026, 5, 1, tzinfo=UTC)).after_course == 0


def test_a_pass_with_everything_already_queued_costs_the_same_whatever_the_numbers(app, make):
    """The outbox worker runs this every few seconds: what was queued before must not cost a
    query per booking."""
    from ..support.queries import counting_queries

    def repeat_pass_queries(at) -> int:
        db.session.rollback()
        with counting_queries() as statements:
            summary = queue_due_reminders(now=at)
        assert (summary.reminders, summary.after_course) == (0, 0)
        return len(statements)

    def add(count: int, course, ended) -> None:
        """`count` people with a place on `course`, and `count` who missed day 2 of `ended`."""
        for _ in range(count):
            _booking(make, course)
            missed = _booking(make, ended)
            _mark(missed, 1, Mark.PRESENT)
            _mark(missed, 2, Mark.ABSENT)

    course, ended = make.course(), make.course()
    add(2, course, ended)
    queue_due_reminders(now=WEEK_BEFORE)
    queue_due_reminders(now=AFTER)
    few = (repeat_pass_queries(WEEK_BEFORE), repeat_pass_queries(AFTER))

    add(6, course, ended)
    queue_due_reminders(now=WEEK_BEFORE)
    assert queue_due_reminders(now=AFTER).after_course == 6
    assert (repeat_pass_queries(WEEK_BEFORE), repeat_pass_queries(AFTER)) == few

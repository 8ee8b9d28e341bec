"""One-day and three-day courses: a register for each day, completion when every day counts
(rule 14), reminders and the message after the course (rule 16), and the certificate."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from booking.documents import certificate_pdf
from booking.models import Attendance, BookingStatus, Mark, OutboxMessage, TrainingCompletion
from booking.services import certificates, registers, reminders

MONDAY, TUESDAY, WEDNESDAY = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)
BOOKED = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
WEEK_BEFORE = datetime(2026, 2, 23, 9, 30, tzinfo=UTC)
WEEK_AFTER = datetime(2026, 3, 11, 10, 0, tzinfo=UTC)
NAME = "Signs of Safety Two Day Introductory Training"


def _on(day) -> datetime:
    """Mid-morning (UK time is UTC in March) on a course day, when its register is open."""
    return datetime.combine(day.date, datetime.min.time(), tzinfo=UTC).replace(hour=10)


def _marked(booking, marks, actor):
    for day, mark in zip(booking.course.days, marks, strict=True):
        registers.mark(booking, day, mark, actor=actor, now=_on(day))
    return booking


def _completions(db):
    return db.session.scalars(select(TrainingCompletion)).all()


def _after_course(db, kind):
    reminders.queue_due_reminders(now=WEEK_AFTER)
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)).all()


@pytest.fixture
def three_days(make):
    return make.course(dates=[MONDAY, TUESDAY, WEDNESDAY])


@pytest.fixture
def one_day(make):
    return make.course(dates=[MONDAY])


def test_each_day_of_a_three_day_course_has_its_own_register(make, three_days, coordinator):
    came, missed = make.booking(three_days), make.booking(three_days)
    _marked(came, [Mark.PRESENT, Mark.PRESENT, Mark.PRESENT], coordinator)
    registers.mark(missed, three_days.days[2], Mark.ABSENT, actor=coordinator, now=WEEK_AFTER)
    on_day = {
        day.day_number: {line.booking.id: line.mark for line in registers.register_for(day)}
        for day in three_days.days
    }
    assert set(on_day) == {1, 2, 3}
    assert on_day[1][came.id].mark == Mark.PRESENT and on_day[1][missed.id] is None
    assert on_day[3][missed.id].mark == Mark.ABSENT


def test_three_days_that_all_count_complete_the_training_on_the_last_day(
    db, make, three_days, coordinator
):
    booking = make.booking(three_days)
    registers.mark(
        booking, three_days.days[0], Mark.PRESENT, actor=coordinator, now=_on(three_days.days[0])
    )
    registers.mark(
        booking, three_days.days[1], Mark.LATE, actor=coordinator, now=_on(three_days.days[1])
    )
    assert _completions(db) == []  # day 3 is not marked yet
    assert booking.attendance == Attendance.NOT_YET_KNOWN
    registers.mark(
        booking, three_days.days[2], Mark.PRESENT, actor=coordinator, now=_on(three_days.days[2])
    )
    [completion] = _completions(db)
    assert completion.completed_on == WEDNESDAY and completion.booking_id == booking.id
    [thanks] = _after_course(db, "course_completed")
    assert f"Thank you for coming to all 3 days of {NAME}." in thanks.text_body
    assert "both days" not in thanks.text_body


def test_missing_one_of_three_days_is_not_completed_and_they_are_told_which(
    db, make, three_days, coordinator
):
    booking = _marked(
        make.booking(three_days), [Mark.PRESENT, Mark.ABSENT, Mark.PRESENT], coordinator
    )
    assert _completions(db) == []
    [message] = _after_course(db, "course_not_completed")
    assert message.booking_id == booking.id
    assert "Our records show you missed day 2, so" in message.text_body
    assert "please book a place on another date and come to all 3 days." in message.text_body
    assert "both days" not in message.text_body


def test_a_correction_on_any_day_can_undo_the_completion(db, make, three_days, coordinator):
    booking = _marked(make.booking(three_days), [Mark.PRESENT] * 3, coordinator)
    assert len(_completions(db)) == 1
    registers.mark(
        booking, three_days.days[1], Mark.ABSENT, actor=coordinator, now=WEEK_AFTER, reason="Wrong"
    )
    assert _completions(db) == []


def test_a_one_day_course_is_completed_by_that_day(db, make, one_day, coordinator):
    booking = _marked(make.booking(one_day), [Mark.PRESENT], coordinator)
    [completion] = _completions(db)
    assert completion.completed_on == MONDAY and completion.booking_id == booking.id
    [thanks] = _after_course(db, "course_completed")
    assert f"Thank you for coming to {NAME}." in thanks.text_body


def test_missing_the_one_day_is_not_completed_and_says_so_plainly(db, make, one_day, coordinator):
    _marked(make.booking(one_day), [Mark.ABSENT], coordinator)
    assert _completions(db) == []
    [message] = _after_course(db, "course_not_completed")
    assert "Our records show you missed the day, so" in message.text_body
    assert "come for the whole day." in message.text_body
    assert "both days" not in message.text_body and "day 1" not in message.text_body


def test_the_reminder_lists_every_day_with_its_check_in_code(db, make, three_days):
    booking = make.booking(three_days, status=BookingStatus.CONFIRMED, confirmed_at=BOOKED)
    assert reminders.queue_due_reminders(now=WEEK_BEFORE).reminders == 1
    [reminder] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reminder"))
    assert reminder.booking_id == booking.id
    assert "Please come to all 3 days." in reminder.text_body
    for number, day in enumerate(("Monday 2", "Tuesday 3", "Wednesday 4"), start=1):
        assert f"Day {number}: {day} March 2026, 9:30am to 4:30pm" in reminder.text_body
        assert f"Day {number} ({day} March 2026): " in reminder.text_body
    assert len(reminder.attachments) == 3  # a QR code for each day


def test_a_one_day_reminder_asks_them_to_come_for_the_whole_day(db, make, one_day):
    make.booking(one_day, status=BookingStatus.CONFIRMED, confirmed_at=BOOKED)
    reminders.queue_due_reminders(now=WEEK_BEFORE)
    [reminder] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reminder"))
    assert "Please come for the whole day." in reminder.text_body


@pytest.mark.parametrize(
    ("dates", "mode", "on"),
    [
        ([MONDAY], "in person, one day (about 7 hours)", "on Monday 2 March 2026"),
        (
            [MONDAY, TUESDAY, WEDNESDAY],
            "in person, three days (about 21 hours)",
            "on Monday 2 March 2026, Tuesday 3 March 2026 and Wednesday 4 March 2026",
        ),
    ],
)
def test_the_certificate_names_every_day_and_how_long_it_was(
    db, make, coordinator, dates, mode, on
):
    course = make.course(dates=dates)
    booking = _marked(make.booking(course), [Mark.PRESENT] * len(dates), coordinator)
    certificate = certificates.certificate_for(certificates.completion_of(booking), now=WEEK_AFTER)
    db.session.commit()
    details = certificates.details(certificate)
    assert details.mode == mode
    assert details.days == dates
    html = certificate_pdf.certificate_html(details, site_url="https://example.org")
    assert f"<p>{on}</p>" in html

"""People who came on both days of a course on 2 and 3 March 2026, and were (or were not)
sent the after-course message that asks for their feedback."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from booking.extensions import db
from booking.models import AttendanceMark, BookingStatus, Mark
from booking.services import records
from booking.services.reminders import queue_due_reminders

AFTER = datetime(2026, 3, 3, 17, 0, tzinfo=UTC)


def mark_both_days(booking, day2=Mark.PRESENT):
    """Register marks for both days, and the completion the registers make from them."""
    for day, mark in zip(booking.course.days, (Mark.PRESENT, day2), strict=True):
        db.session.add(AttendanceMark(booking_id=booking.id, course_day_id=day.id, mark=mark))
    db.session.commit()
    records.update_outcome(booking, actor="system", now=AFTER)
    db.session.commit()


@pytest.fixture
def course(make):
    return make.course(trainers="Ali Khan and Jo Bell")


@pytest.fixture
def attend(make, course):
    """attend(missed_day_2=False, **person fields): a booking on `course`, marked."""

    def booking(missed_day_2=False, course_obj=None, **fields):
        person = make.person(**fields)
        b = make.booking(
            course_obj or course, person, status=BookingStatus.CONFIRMED, confirmed_at=AFTER
        )
        mark_both_days(b, Mark.ABSENT if missed_day_2 else Mark.PRESENT)
        return b

    return booking


@pytest.fixture
def after_course(clock):
    """Queue the after-course messages, as the outbox worker does, and set the clock after."""

    def run(now=AFTER):
        clock.set(now)
        return queue_due_reminders(now=now)

    return run

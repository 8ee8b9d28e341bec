"""Reminders before a course and the message after it, each queued exactly once.

Run by every pass of `flask outbox send` and `flask outbox worker` (and on its own by
`flask outbox reminders`). Each message has a dedupe key, unique in the outbox table, so
running twice, or two schedulers at once, never queues a second copy. A reminder's key is
its booking and milestone only: a change to the course sends the change email (with the
new details) and never another reminder for a milestone already reached.

- A week before day 1 (7 days before it starts), to people who had their place by then.
- A day before day 1 (24 hours before it starts), to people who had their place by then.
- After the last day, once the register has a mark for each day: a thank-you that confirms
  completion and asks for feedback (services/feedback.py), or, if a day was missed, what
  happens next. Only for courses that ended in
  the last 30 days, so turning this on never mails people about old courses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import time_limits
from ..documents import certificate_pdf
from ..extensions import db
from ..mail.outbound import composing
from ..models import (
    Attendance,
    Booking,
    BookingStatus,
    Course,
    CourseDay,
    CourseStatus,
    OutboxMessage,
)
from ..timezone import london_date
from ..words import how_many
from . import briefings, certificates, check_in, emails, feedback, records
from .db import transactional

REMINDER_DAYS = tuple(before.days for before in time_limits.REMINDERS_BEFORE)
AFTER_COURSE_WINDOW = time_limits.AFTER_COURSE_WINDOW
#: Reminder keys once ended in the course's schedule version ("-v2"), so every change sent
#: everyone in the window another reminder; keys queued that way still count as sent.
_OLD_VERSION_SUFFIX = re.compile(r"-v\d+$")


@dataclass
class ReminderSummary:
    reminders: int = 0
    after_course: int = 0
    briefings: int = 0

    def __str__(self) -> str:
        reminders = how_many(self.reminders, "reminder")
        said = f"{reminders} and {how_many(self.after_course, 'after-course message')} queued"
        if self.briefings:
            said += f", and {how_many(self.briefings, 'trainer briefing')}"
        return said


@transactional
def queue_due_reminders(*, now: datetime) -> ReminderSummary:
    """Queue every reminder and after-course message that is due and not yet queued.

    The outbox worker runs this every few seconds, so what was queued before is found with
    one query for all the keys, and only what is new costs any more work.
    """
    summary = ReminderSummary()
    reminders = list(_due_reminders(now))
    after_course = [
        (f"after-course-booking-{booking.id}", booking)
        for booking in _confirmed_bookings_ended_recently(now)
    ]
    queued = _already_queued(
        [key for key, *_ in reminders] + [key for key, _ in after_course],
        reminded=[booking.id for _, booking, _ in reminders],
    )
    for key, booking, days in reminders:
        if key in queued:
            continue
        build = partial(
            composing.reminder, booking, now=now, days_before=days, dedupe_key=key,
            check_in_codes=check_in.codes_for(booking),
        )  # fmt: skip
        if _queue_once(key, build):
            summary.reminders += 1
    summary.briefings = briefings.queue_trainer_briefings(now=now, queue_once=_queue_once)
    next_dates: dict[int, list[Course]] = {}
    for key, booking in after_course:
        if key in queued:
            continue
        outcome = booking.attendance
        if outcome == Attendance.NOT_YET_KNOWN:
            continue  # the register is not complete yet
        if outcome == Attendance.NOT_COMPLETED:
            missed = _missed_days(booking)
            if records.completion_for(booking.person, booking.course.course_type) is not None:
                continue  # trained some other way: nothing to tell them
            if booking.course_id not in next_dates:
                next_dates[booking.course_id] = _next_dates(booking.course, now)
            build = partial(
                composing.course_not_completed,
                booking,
                now=now,
                missed_days=missed,
                next_courses=next_dates[booking.course_id],
                dedupe_key=key,
            )
        else:
            build = partial(_thank_and_invite, booking, now=now, dedupe_key=key)
        if _queue_once(key, build):
            summary.after_course += 1
            _copy_outcome_to_manager(booking, outcome, now=now)
    return summary


def _copy_outcome_to_manager(booking: Booking, outcome: Attendance, *, now: datetime) -> None:
    """The line manager's copy of how the course went: completed, a no-show, or a missed day."""
    if outcome == Attendance.COMPLETED:
        event = "completed"
    else:
        event = "no_show" if booking.is_no_show else "not_completed"
    key = f"after-course-manager-booking-{booking.id}"
    _queue_once(key, partial(emails.copy_to_manager, booking, event, now=now, dedupe_key=key))


def _thank_and_invite(booking: Booking, *, now: datetime, dedupe_key: str) -> OutboxMessage:
    """The thank-you to someone who completed the course, which asks for their feedback."""
    response = feedback.invite(booking, secret_key=composing.settings().secret_key, now=now)
    return composing.course_completed(
        booking,
        now=now,
        dedupe_key=dedupe_key,
        feedback_closes_at=response.closes_at,
        certificate=_certificate_file(booking, now),
    )


def _certificate_file(booking: Booking, now: datetime) -> tuple[str, bytes] | None:
    """The certificate of completion to attach (file name, PDF), if the completion stands."""
    completion = certificates.completion_of(booking)
    if completion is None:
        return None
    details = certificates.details(certificates.certificate_for(completion, now=now))
    pdf = certificate_pdf.certificate_pdf(details, site_url=composing.settings().site_url)
    return certificate_pdf.filename(details), pdf


def _due_reminders(now: datetime):
    """(dedupe key, booking, days before) for each reminder due now: the nearest one only,
    so someone who booked 3 days ahead gets the 1-day reminder alone."""
    for booking in _confirmed_bookings_starting_within(now, timedelta(days=max(REMINDER_DAYS))):
        starts = booking.course.first_day.starts_in_london
        had_place_at = booking.confirmed_at or booking.created_at
        for days in sorted(REMINDER_DAYS):
            moment = starts - timedelta(days=days)
            if moment <= now < starts:
                if had_place_at <= moment:
                    yield f"reminder-{days}d-booking-{booking.id}", booking, days
                break


def _already_queued(keys: list[str], *, reminded: list[int]) -> set[str]:
    """The keys among `keys` already in the outbox (in one query), counting reminders for
    the bookings in `reminded` queued under their old versioned keys."""
    if not keys:
        return set()
    found = db.session.scalars(
        select(OutboxMessage.dedupe_key).where(
            or_(
                OutboxMessage.dedupe_key.in_(keys),
                (OutboxMessage.kind == "reminder") & OutboxMessage.booking_id.in_(reminded),
            )
        )
    )
    return {_OLD_VERSION_SUFFIX.sub("", key) for key in found if key}


def _next_dates(course: Course, now: datetime, limit: int = 5) -> list[Course]:
    """Published courses of the same type whose first day is still to come, soonest first."""
    return list(
        db.session.scalars(
            select(Course)
            .join(CourseDay, (CourseDay.course_id == Course.id) & (CourseDay.day_number == 1))
            .where(
                Course.course_type_id == course.course_type_id,
                Course.status == CourseStatus.PUBLISHED,
                CourseDay.date > london_date(now),
            )
            .options(selectinload(Course.days), selectinload(Course.venue))
            .order_by(CourseDay.date)
            .limit(limit)
        )
    )


def _queue_once(key: str, build: Callable[[], OutboxMessage | None]) -> bool:
    """Queue a message unless one with this dedupe key exists (even if queued concurrently)."""
    exists = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key))
    if exists is not None:
        return False
    try:
        with db.session.begin_nested():
            build()
            db.session.flush()
    except IntegrityError:
        return False  # another scheduler queued it a moment ago
    return True


def _confirmed_bookings_starting_within(now: datetime, window: timedelta) -> list[Booking]:
    first = (now - timedelta(days=1)).date()
    last = (now + window + timedelta(days=1)).date()
    bookings = db.session.scalars(
        select(Booking)
        .join(Course, Course.id == Booking.course_id)
        .join(CourseDay, (CourseDay.course_id == Course.id) & (CourseDay.day_number == 1))
        .where(
            Booking.status == BookingStatus.CONFIRMED,
            Course.status == CourseStatus.PUBLISHED,
            CourseDay.date.between(first, last),
        )
        .options(selectinload(Booking.course).selectinload(Course.days))
        .order_by(Booking.id)
    )
    return [b for b in bookings if now < b.course.first_day.starts_in_london <= now + window]


def _confirmed_bookings_ended_recently(now: datetime) -> list[Booking]:
    first = (now - AFTER_COURSE_WINDOW - timedelta(days=1)).date()
    last = (now + timedelta(days=1)).date()
    last_days = (
        select(CourseDay.course_id)
        .where(CourseDay.date.between(first, last))
        .group_by(CourseDay.course_id)
    )
    bookings = db.session.scalars(
        select(Booking)
        .join(Course, Course.id == Booking.course_id)
        .where(
            Booking.status == BookingStatus.CONFIRMED,
            Course.status == CourseStatus.PUBLISHED,
            Course.id.in_(last_days),
        )
        .options(
            selectinload(Booking.course).selectinload(Course.days),
            selectinload(Booking.marks),
        )
        .order_by(Booking.id)
    )
    return [
        b for b in bookings if now - AFTER_COURSE_WINDOW <= b.course.last_day.ends_in_london <= now
    ]


def _missed_days(booking: Booking) -> list[int]:
    """The numbers of the days whose mark does not count (every day is marked)."""
    return [
        day.day_number
        for day, mark in zip(booking.course.days, booking.day_marks, strict=True)
        if not mark.counts
    ]

"""The trainer briefing: a week before day 1, each trainer assigned to a course is emailed
the numbers (places taken, people waiting, partner agencies and how many from each) and a
link to the register, where support needs are read one person at a time (each look is
recorded). The email never carries support needs, names or addresses of people coming.

Queued once per trainer per course (a dedupe key in the outbox), by the same pass that
queues reminders.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import time_limits
from ..extensions import db
from ..mail.outbound import composing
from ..models import (
    Booking,
    BookingStatus,
    Course,
    CourseDay,
    CourseStatus,
    Group,
    OutboxMessage,
    User,
)
from ..words import long_date

#: A week before day 1 starts, as the first reminder.
BRIEFING_BEFORE = max(time_limits.REMINDERS_BEFORE)


@dataclass(frozen=True)
class Figures:
    """What a trainer is told about a course before it starts (numbers only)."""

    confirmed: int
    waiting: int
    #: Partner agencies with places, and how many from each, largest first.
    partners: list[tuple[str, int]] = field(default_factory=list)
    with_support_needs: int = 0


def figures_for(course: Course) -> Figures:
    """The numbers for a course's briefing."""
    bookings = db.session.scalars(
        select(Booking).where(Booking.course_id == course.id).options(selectinload(Booking.person))
    ).all()
    confirmed = [b for b in bookings if b.status == BookingStatus.CONFIRMED]
    agencies = Counter(
        b.person.organisation or "Organisation not given"
        for b in confirmed
        if b.person.group == Group.PARTNER
    )
    return Figures(
        confirmed=len(confirmed),
        waiting=sum(
            b.status in (BookingStatus.WAITLISTED, BookingStatus.OFFERED) for b in bookings
        ),
        partners=sorted(agencies.items(), key=lambda item: (-item[1], item[0])),
        with_support_needs=sum(
            bool(b.support_needs) and b.support_needs_deleted_at is None for b in confirmed
        ),
    )


def _courses_starting_within(now: datetime, window: timedelta) -> list[Course]:
    courses = db.session.scalars(
        select(Course)
        .join(CourseDay, (CourseDay.course_id == Course.id) & (CourseDay.day_number == 1))
        .where(
            Course.status == CourseStatus.PUBLISHED,
            CourseDay.date.between((now - timedelta(days=1)).date(), (now + window).date()),
        )
        .options(selectinload(Course.days), selectinload(Course.trainer_accounts))
        .order_by(Course.id)
    ).all()
    return [c for c in courses if now < c.first_day.starts_in_london <= now + window]


def _brief(
    course: Course, trainer: User, figures: Figures, *, now: datetime, key: str
) -> OutboxMessage:
    text, html = composing.render(
        "trainer_briefing",
        course=course,
        trainer=trainer,
        figures=figures,
        register_path=f"/coordinator/registers/days/{course.first_day.id}",
    )
    return composing.queue(
        "trainer_briefing",
        to=trainer.email,
        subject=f"Your course on {long_date(course.first_day.date)}: who is coming",
        text=text,
        html=html,
        now=now,
        dedupe_key=key,
    )


def queue_trainer_briefings(
    *, now: datetime, queue_once: Callable[[str, Callable[[], OutboxMessage]], bool]
) -> int:
    """Queue each due briefing not yet queued; `queue_once(key, build)` is the reminders'
    once-only queueing. Returns how many were queued."""
    queued = 0
    for course in _courses_starting_within(now, BRIEFING_BEFORE):
        trainers = [t for t in course.trainer_accounts if t.is_enabled]
        if not trainers:
            continue
        figures = figures_for(course)
        for trainer in trainers:
            key = f"trainer-briefing-course-{course.id}-user-{trainer.id}"

            build = partial(_brief, course, trainer, figures, now=now, key=key)
            queued += queue_once(key, build)
    return queued

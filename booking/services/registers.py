"""Registers for each course day: marks, walk-ins, corrections and their history.

Each mark is its own small transaction, so a tablet that loses its connection half way
through a register loses nothing already saved. For one person on one day the last save
wins, and every save that changes the mark leaves an `AttendanceChange` row behind it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from ..extensions import db
from ..models import (
    AttendanceChange,
    AttendanceMark,
    Booking,
    BookingStatus,
    Course,
    CourseDay,
    CourseStatus,
    CourseTrainer,
    Group,
    Mark,
    Person,
    User,
)
from ..timezone import london_date
from . import allocation, audit, changes, people, records
from .actors import ActorLike, as_actor
from .db import lock_course, transactional
from .errors import NotAllowed, ValidationError

#: Stored in AttendanceChange for "left early" when the coordinator says the day does not count.
LEFT_EARLY_UNCOUNTED = "left_early_uncounted"


def history_value(mark: Mark | None, counts_as_attended: bool = True) -> str:
    """The short value kept in the history for a mark ("" for no mark yet)."""
    if mark is None:
        return ""
    if mark == Mark.LEFT_EARLY and not counts_as_attended:
        return LEFT_EARLY_UNCOUNTED
    return mark.value


def describe_history_value(value: str) -> str:
    """Plain words for a history value."""
    if not value:
        return "Not marked"
    if value == LEFT_EARLY_UNCOUNTED:
        return "Left early (the day does not count)"
    if value == Mark.LEFT_EARLY.value:
        return "Left early (the day counts)"
    return records.MARK_WORDS[Mark(value)]


def is_before_the_day(day: CourseDay, now: datetime) -> bool:
    """True until the course day starts (midnight at the start of it, London time)."""
    return london_date(now) < day.date


def is_after_the_day(day: CourseDay, now: datetime) -> bool:
    """True once the course day is over (from midnight after it, London time)."""
    return london_date(now) > day.date


@dataclass(frozen=True)
class RegisterLine:
    """One person on one day's register."""

    booking: Booking
    mark: AttendanceMark | None

    @property
    def person(self) -> Person:
        return self.booking.person

    @property
    def is_partner(self) -> bool:
        return self.booking.person.group == Group.PARTNER

    @property
    def has_support_needs(self) -> bool:
        return bool(self.booking.support_needs) and self.booking.support_needs_deleted_at is None


def register_for(day: CourseDay) -> list[RegisterLine]:
    """Everyone holding a place on the day's course (and anyone already marked), by name."""
    rows = db.session.execute(
        select(Booking, AttendanceMark)
        .join(Person, Person.id == Booking.person_id)
        .outerjoin(
            AttendanceMark,
            and_(
                AttendanceMark.booking_id == Booking.id,
                AttendanceMark.course_day_id == day.id,
            ),
        )
        .options(contains_eager(Booking.person))
        .where(
            Booking.course_id == day.course_id,
            or_(Booking.status == BookingStatus.CONFIRMED, AttendanceMark.id.is_not(None)),
        )
        .order_by(Person.full_name, Person.email)
    ).all()
    return [RegisterLine(booking=b, mark=m) for b, m in rows]


def lock_booking(booking_id: int) -> Booking | None:
    """Re-read a booking and hold its row until the transaction ends (one writer per person)."""
    stmt = (
        select(Booking)
        .where(Booking.id == booking_id)
        .execution_options(populate_existing=True)
        .with_for_update()
    )
    return db.session.execute(stmt).scalar_one_or_none()


@transactional
def mark(
    booking: Booking,
    day: CourseDay,
    mark: Mark,
    *,
    actor: ActorLike,
    now: datetime,
    counts_as_attended: bool = True,
    reason: str = "",
) -> AttendanceMark:
    """Save one person's mark for one day.

    Saving the same mark again changes nothing. A change is kept in the history; changing a
    mark once the day is over is a correction and needs a reason. The training record is
    worked out again afterwards (see `records.update_outcome`).
    """
    mark = Mark(mark)
    reason = (reason or "").strip()
    locked = lock_booking(booking.id)
    if locked is None or day.course_id != locked.course_id:
        raise NotAllowed("That person is not on this course.")
    booking = locked
    _check_register_can_be_taken(day, now)
    if mark != Mark.LEFT_EARLY:  # only "left early" is the coordinator's call
        counts_as_attended = mark != Mark.ABSENT
    existing = _saved_mark(booking.id, day)
    if existing is None and booking.status != BookingStatus.CONFIRMED:
        raise NotAllowed("That person does not have a place on this course any more.")
    old_value = history_value(existing.mark, existing.counts_as_attended) if existing else ""
    new_value = history_value(mark, counts_as_attended)
    if existing is not None and old_value == new_value:
        return existing
    if existing is not None and is_after_the_day(day, now) and not reason:
        raise ValidationError(
            "Say why you are changing the mark after the day.", field=f"reason-{booking.id}"
        )
    user_id = as_actor(actor).user_id
    if existing is None:
        existing = AttendanceMark(booking_id=booking.id, course_day_id=day.id)
        db.session.add(existing)
    existing.mark = mark
    existing.counts_as_attended = counts_as_attended
    existing.marked_by_id = user_id
    existing.marked_at = now
    db.session.add(
        AttendanceChange(
            booking_id=booking.id,
            course_day_id=day.id,
            old_mark=old_value,
            new_mark=new_value,
            reason=reason,
            changed_by_id=user_id,
            changed_at=now,
        )
    )
    db.session.flush()
    audit.record(
        "attendance.corrected" if old_value and is_after_the_day(day, now) else "attendance.marked",
        booking,
        actor=actor,
        now=now,
        reason=reason,
        day=day.day_number,
        previous=old_value,
        mark=new_value,
    )
    records.update_outcome(booking, actor=actor, now=now)
    return existing


@dataclass(frozen=True)
class RegisterCounts:
    """How far the register for one day has got: the running count at the top of the page."""

    present: int = 0
    late: int = 0
    left_early: int = 0
    absent: int = 0
    not_marked: int = 0


def count_marks(lines: list[RegisterLine]) -> RegisterCounts:
    """Count the people on a register by their mark (people with no mark yet counted apart)."""
    tally = dict.fromkeys(("present", "late", "left_early", "absent", "not_marked"), 0)
    for line in lines:
        tally[line.mark.mark.value if line.mark else "not_marked"] += 1
    return RegisterCounts(**tally)


def _saved_mark(booking_id: int, day: CourseDay) -> AttendanceMark | None:
    return db.session.scalars(
        select(AttendanceMark).where(
            AttendanceMark.booking_id == booking_id, AttendanceMark.course_day_id == day.id
        )
    ).one_or_none()


def _check_register_can_be_taken(day: CourseDay, now: datetime) -> None:
    if is_before_the_day(day, now):
        raise NotAllowed("You can only take the register on the day or afterwards.")
    if day.course.status == CourseStatus.CANCELLED:
        raise NotAllowed("This course was cancelled, so there is no register to take.")


@transactional
def mark_everyone_present(day: CourseDay, *, actor: ActorLike, now: datetime) -> int:
    """Mark everyone with a place who has no mark yet for the day as present.

    One ordinary mark per person, so each is in the history with who saved it. Someone
    marked meanwhile (on another phone) keeps that mark. Returns how many were marked.
    """
    _check_register_can_be_taken(day, now)
    marked = 0
    for line in register_for(day):
        if line.mark is not None or line.booking.status != BookingStatus.CONFIRMED:
            continue
        locked = lock_booking(line.booking.id)
        if locked is None or _saved_mark(locked.id, day) is not None:
            continue
        mark(locked, day, Mark.PRESENT, actor=actor, now=now)
        marked += 1
    return marked


@dataclass(frozen=True)
class WalkIn:
    email: str
    full_name: str
    job_title: str = ""
    team: str = ""
    organisation: str = ""


#: What a walk-in tells us about themselves that goes on their record.
WALK_IN_DETAILS = ("full_name", "job_title", "team", "organisation")


@transactional
def add_walk_in(
    course: Course,
    day: CourseDay,
    details: WalkIn | Mapping[str, str],
    *,
    actor: ActorLike,
    now: datetime,
    reason: str = "",
    council_domains: list[str],
) -> Booking:
    """Add someone who arrived without a place, and mark them present.

    If a place is free they take it. If not, a reason is needed and the course goes over
    its number of places (shown on the register and the dashboard).
    """
    reason = (reason or "").strip()
    if not isinstance(details, WalkIn):
        details = WalkIn(**{k: v or "" for k, v in details.items() if k in WalkIn.__match_args__})
    course = lock_course(course.id)
    if course is None or day.course_id != course.id:
        raise NotAllowed("That day is not part of this course.")
    if course.status == CourseStatus.CANCELLED:
        raise NotAllowed("This course was cancelled, so no one can be added to it.")
    if is_before_the_day(day, now):
        raise NotAllowed("You can add walk-ins on the day of the course.")
    if is_after_the_day(day, now) and not reason:
        raise ValidationError("Say why you are adding someone after the day.", field="reason")
    person = people.find_or_add_person(
        details.email,
        {field: getattr(details, field) for field in WALK_IN_DETAILS},
        council_domains=council_domains,
        now=now,
        actor=actor,
    )
    already = db.session.scalars(
        select(Booking).where(
            Booking.person_id == person.id,
            Booking.course_id == course.id,
            Booking.status == BookingStatus.CONFIRMED,
        )
    ).one_or_none()
    if already is not None:
        booking = already
    else:
        free = allocation.availability(course, now).free_for_person(person)
        if not free and not reason:
            raise ValidationError(
                "There are no free places. Say why you are adding them anyway.", field="reason"
            )
        booking = changes.add_walk_in_booking(
            course, person, actor=actor, now=now, over_capacity=not free, reason=reason
        )
    mark(booking, day, Mark.PRESENT, actor=actor, now=now, reason=reason or "Walk-in")
    return booking


@transactional
def view_support_needs(booking: Booking, *, actor: ActorLike, now: datetime) -> str:
    """Return a booking's support needs, recording who looked (never what they said)."""
    audit.record("support_needs.viewed", booking, actor=actor, now=now)
    if booking.support_needs_deleted_at is not None:
        return ""
    return booking.support_needs


@dataclass(frozen=True)
class HistoryEntry:
    change: AttendanceChange
    person: Person
    changed_by: User | None

    @property
    def old_words(self) -> str:
        return describe_history_value(self.change.old_mark)

    @property
    def new_words(self) -> str:
        return describe_history_value(self.change.new_mark)


def history_for_day(day: CourseDay) -> list[HistoryEntry]:
    """Every mark saved for one day, newest first, with who saved it."""
    rows = db.session.execute(
        select(AttendanceChange, Person, User)
        .join(Booking, Booking.id == AttendanceChange.booking_id)
        .join(Person, Person.id == Booking.person_id)
        .outerjoin(User, User.id == AttendanceChange.changed_by_id)
        .where(AttendanceChange.course_day_id == day.id)
        .order_by(AttendanceChange.changed_at.desc(), AttendanceChange.id.desc())
    ).all()
    return [HistoryEntry(change=c, person=p, changed_by=u) for c, p, u in rows]


def _assigned_courses(user: User):
    return select(CourseTrainer.course_id).where(CourseTrainer.user_id == user.id)


def may_take_register(user: User, course_id: int) -> bool:
    """Coordinators take every register; a trainer only those of the courses they are
    assigned to (and sees nothing else of them)."""
    if user.is_coordinator:
        return True
    return user.is_trainer and course_id in db.session.scalars(_assigned_courses(user)).all()


#: The list of registers shows course days from this long ago to this long ahead.
REGISTERS_LISTED = (timedelta(days=30), timedelta(days=60))


def course_days_around(now: datetime, *, user: User | None = None):
    """Course days from `REGISTERS_LISTED` ago to ahead, for the list of registers (for a
    trainer, only their own courses' days)."""
    before, after = REGISTERS_LISTED
    today = london_date(now)
    stmt = (
        select(CourseDay)
        .join(Course, Course.id == CourseDay.course_id)
        .options(joinedload(CourseDay.course).joinedload(Course.venue))
        .where(
            CourseDay.date >= today - before,
            CourseDay.date <= today + after,
            Course.status == CourseStatus.PUBLISHED,
        )
        .order_by(CourseDay.date, CourseDay.course_id, CourseDay.day_number)
    )
    if user is not None and not user.is_coordinator:
        stmt = stmt.where(CourseDay.course_id.in_(_assigned_courses(user)))
    return db.session.scalars(stmt).all()

"""Running the programme: creating, changing, publishing, duplicating and cancelling courses
(venues are in venues.py).

Times a person types are Europe/London wall-clock times. Two dates are worked out for a
course unless the coordinator gives them (the limits are in booking/time_limits.py):

* Release date: 14 days before day 1. From the start of that day (London time) unfilled
  places are open to everyone (`Course.is_released`).
* Booking cut-off: the end of the day (11:59pm, London time) two working days before day 1.
  Working days are Monday to Friday; bank holidays are not counted out. A course starting
  on Monday 2 March closes at 11:59pm on Thursday 26 February. After the cut-off only a
  coordinator can add people (`Course.is_past_cut_off`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from .. import time_limits
from ..extensions import db
from ..models import (
    CANCELLABLE,
    Booking,
    BookingStatus,
    Course,
    CourseDay,
    CourseStatus,
    CourseType,
    Room,
    User,
    Venue,
    trainers_in_note,
    with_details,
)
from ..timezone import LONDON, london_date
from ..values import DayDetails, ScheduleChange
from ..words import how_many
from . import audit, clashes, emails, rooms
from .actors import ActorLike
from .allocation import held_counts
from .db import lock_course, transactional
from .errors import NotAllowed, NotFound, Problems
from .transitions import transition
from .waitlist import fill_free_places

INTRODUCTORY_NAME = "Signs of Safety Two Day Introductory Training"
INTRODUCTORY_SLUG = "introductory"
MAX_PLACES = 500
#: How far ahead a course can be set up; stops typing slips like 2206 being saved.
MAX_YEARS_AHEAD = 3
#: A course has from 1 to this many days.
MAX_DAYS = 5
#: How many days a new course has unless its course type says (`default_days_count`).
DEFAULT_DAYS = 2
#: The most days from day 1 to the last day, unless the caller passes the COURSE_MAX_SPAN_DAYS
#: setting (the app always does); stops a slip putting the last day a year after day 1.
MAX_SPAN_DAYS = 14


# --- Working out dates -------------------------------------------------------------------


def default_release_on(first_day: date, course_type: CourseType | None = None) -> date:
    """Unfilled places open to everyone the course type's days before day 1 (without a type,
    `time_limits.RELEASE_BEFORE`: 14 days, the introductory course's)."""
    if course_type is not None and course_type.release_days_before is not None:
        return first_day - timedelta(days=course_type.release_days_before)
    return first_day - time_limits.RELEASE_BEFORE


def working_days_before(day: date, count: int) -> date:
    """The date `count` working days (Monday to Friday) before `day`."""
    current = day
    while count:
        current -= timedelta(days=1)
        if current.weekday() < 5:
            count -= 1
    return current


def default_booking_closes_on(first_day: date, course_type: CourseType | None = None) -> date:
    """The last day people can book: the course type's working days before day 1 (without
    a type, `time_limits`: two working days, the introductory course's)."""
    count = time_limits.CUTOFF_WORKING_DAYS_BEFORE
    if course_type is not None and course_type.cutoff_working_days_before is not None:
        count = course_type.cutoff_working_days_before
    return working_days_before(first_day, count)


def closing_moment(last_day_to_book: date) -> datetime:
    """Booking closes at `time_limits.CUTOFF_TIME` (11:59pm) London time on the given day
    (stored in UTC)."""
    cut_off = time_limits.CUTOFF_TIME
    return datetime.combine(last_day_to_book, cut_off, tzinfo=LONDON).astimezone(UTC)


def last_day_to_book(course: Course) -> date:
    """The London date on which booking closes (for showing and for editing)."""
    return london_date(course.booking_closes_at)


def default_days_count(course_type: CourseType | None = None) -> int:
    """How many days a new course has to begin with: its course type's number of days, once
    course types say, else two (the introductory course). The one place that decides it."""
    return getattr(course_type, "days_count", None) or DEFAULT_DAYS


# --- What a coordinator types --------------------------------------------------------------


@dataclass
class CourseDetails:
    """Everything a coordinator sets on a course. Empty optional dates mean "the default"."""

    venue: Venue | None
    total_places: int
    partner_places: int
    days: Sequence[DayDetails]
    release_on: date | None = None
    booking_closes_on: date | None = None
    notes: str = ""
    #: Seen only by coordinators (the old free-text trainers moved here).
    coordinator_note: str = ""
    course_type: CourseType | None = None
    #: Trainers' accounts to assign (they take the course's registers); None leaves them be.
    trainer_accounts: Sequence[User] | None = None
    #: The most partner places one agency may hold before release; None: the usual limit.
    agency_cap: int | None = None
    #: People may check themselves in with the code on the room's screen; None leaves it be.
    self_check_in: bool | None = None
    #: The room at the venue, if chosen (booking/services/rooms.py).
    room: Room | None = None
    #: Why the course has more places than its room holds (needed when it does).
    capacity_reason: str = ""
    #: Why the course is saved although it clashes with another (booking/services/clashes.py).
    clash_reason: str = ""

    def release_already_passed(self, now: datetime) -> date | None:
        """The release date (rule 2) when it is today or past, so the places kept for partner
        agencies would be open to everyone at once; None otherwise (or with none kept)."""
        first = self.days[0].date if self.days else None
        if first is None or not self.partner_places:
            return None
        release_on = self.release_on or default_release_on(first, self.course_type)
        return release_on if release_on <= london_date(now) else None


# --- Reading -------------------------------------------------------------------------------


def course_with_details(course_id: int) -> Course | None:
    """One course with its days, venue, course type and trainers, for its page (three
    queries)."""
    return db.session.scalar(
        select(Course)
        .where(Course.id == course_id)
        .options(
            selectinload(Course.days),
            joinedload(Course.venue),
            joinedload(Course.course_type).joinedload(CourseType.prerequisites),
            selectinload(Course.trainer_accounts),  # their names are on the page
        )
    )


def first_day_date():
    """Day 1's date of the course in the query, for ordering courses soonest first."""
    return (
        select(CourseDay.date)
        .where(CourseDay.course_id == Course.id, CourseDay.day_number == 1)
        .correlate(Course)
        .scalar_subquery()
    )


def calendar_courses(now: datetime) -> list[Course]:
    """Published and cancelled courses that are not over, soonest first (three queries)."""
    stmt = (
        select(Course)
        .where(
            Course.status.in_([CourseStatus.PUBLISHED, CourseStatus.CANCELLED]),
            ~Course.is_over(now),
        )
        .order_by(first_day_date(), Course.id)
    )
    return list(db.session.scalars(with_details(stmt)))


def coordinator_courses(now: datetime, *, past: bool = False) -> list[Course]:
    """Every course that is not over (or, with past=True, that is), for coordinators."""
    condition = Course.is_over(now) if past else ~Course.is_over(now)
    order = first_day_date().desc() if past else first_day_date()
    stmt = select(Course).where(condition).order_by(order, Course.id)
    return list(db.session.scalars(with_details(stmt)))


def holders(course: Course) -> list[Booking]:
    """Bookings holding a place (confirmed or offered) on the course."""
    return list(
        db.session.scalars(
            select(Booking)
            .options(selectinload(Booking.person))
            .where(Booking.course_id == course.id, Booking.holds_place)
            .order_by(Booking.id)
        )
    )


# --- Checking ------------------------------------------------------------------------------


def _day_problems(
    details: CourseDetails, *, today: date, before: list[DayDetails] | None, max_span_days: int
) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    latest = date(today.year + MAX_YEARS_AHEAD, today.month, min(today.day, 28))
    for number, day in enumerate(details.days, start=1):
        unchanged = before is not None and len(before) >= number and before[number - 1] == day
        if not unchanged and day.date < today:
            problems.append((f"day{number}_date", f"Day {number} cannot be in the past"))
        elif not unchanged and day.date > latest:
            problems.append(
                (
                    f"day{number}_date",
                    f"Day {number} must be within the next {MAX_YEARS_AHEAD} years",
                )
            )
        if day.ends_at <= day.starts_at:
            problems.append((f"day{number}_ends_at", f"Day {number} must end after it starts"))
    in_order = _order_problems(details.days)
    problems += in_order
    if in_order or len(details.days) < 2:
        return problems
    first, last, count = details.days[0].date, details.days[-1].date, len(details.days)
    if (last - first).days > max_span_days and before != list(details.days):
        problems.append(
            (
                f"day{count}_date",
                f"Day {count} must be no more than {how_many(max_span_days, 'day')} after day 1",
            )
        )
    return problems


def _order_problems(days: Sequence[DayDetails]) -> list[tuple[str, str]]:
    """Each day after the one before it, so no two days share a date (rule 14 counts each
    day once). A day on the same date as the one before is refused with the same words."""
    return [
        (f"day{number}_date", f"Day {number} must be after day {number - 1}")
        for number in range(2, len(days) + 1)
        if days[number - 1].date <= days[number - 2].date
    ]


_TYPED_DATES = {
    "release_on": "The date places open to everyone",
    "booking_closes_on": "The last day to book",
}


def _past_date_problems(
    details: CourseDetails, *, today: date, course: Course | None
) -> list[tuple[str, str]]:
    """A release date or last day to book typed in the past (one already saved on the course
    may stay, so a course whose places opened last week can still be changed)."""
    saved = (
        {"release_on": course.release_on, "booking_closes_on": last_day_to_book(course)}
        if course is not None
        else {}
    )
    return [
        (field, f"{what} cannot be in the past")
        for field, what in _TYPED_DATES.items()
        if (typed := getattr(details, field)) is not None
        and typed < today
        and typed != saved.get(field)
    ]


def _problems(
    details: CourseDetails, *, now: datetime, max_span_days: int, course: Course | None = None
) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if details.venue is None:
        problems.append(("venue_id", "Choose a venue"))
    elif details.venue.is_archived and (course is None or course.venue_id != details.venue.id):
        problems.append(("venue_id", "That venue is archived. Choose another venue"))
    if not 1 <= details.total_places <= MAX_PLACES:
        problems.append(("total_places", f"Total places must be between 1 and {MAX_PLACES}"))
    elif not 0 <= details.partner_places <= details.total_places:
        problems.append(
            (
                "partner_places",
                "Places for partner agencies must be between 0 and the total number of places "
                f"({details.total_places})",
            )
        )
    if details.agency_cap is not None and not 1 <= details.agency_cap <= MAX_PLACES:
        problems.append(("agency_cap", "The most places one agency can hold must be 1 or more"))
    if course is not None:
        taken = sum(held_counts([course.id])[course.id].values())
        if details.total_places < taken:
            problems.append(
                (
                    "total_places",
                    f"{taken} places are already taken, so total places cannot be fewer than {taken}",
                )
            )
    problems += rooms.room_problems(
        details.room,
        venue=details.venue,
        total_places=details.total_places,
        capacity_reason=details.capacity_reason,
        course=course,
    )
    before = current_days(course) if course is not None else None
    if course is not None and has_started(course, now) and len(details.days) != len(course.days):
        problems.append(
            ("days_count", "This course has started, so its number of days cannot change")
        )
    today = london_date(now)
    problems += _day_problems(details, today=today, before=before, max_span_days=max_span_days)
    problems += _past_date_problems(details, today=today, course=course)
    if not problems:
        first = details.days[0].date
        if details.release_on is not None and details.release_on > first:
            problems.append(
                ("release_on", "The date places open to everyone must be on or before day 1")
            )
        if details.booking_closes_on is not None and details.booking_closes_on >= first:
            problems.append(("booking_closes_on", "Booking must close before day 1"))
    return problems


def check_details(
    details: CourseDetails, *, now: datetime, max_span_days: int, course: Course | None = None
) -> None:
    """Raise Problems (each with its field) if these details cannot be saved."""
    if not 1 <= len(details.days) <= MAX_DAYS:
        raise Problems([("days_count", f"A course has from 1 to {MAX_DAYS} days")])
    problems = _problems(details, now=now, max_span_days=max_span_days, course=course)
    if problems:
        raise Problems(problems)


def has_started(course: Course, now: datetime) -> bool:
    """A published course whose day 1 is today or past (a draft has nobody on it)."""
    return (
        course.status == CourseStatus.PUBLISHED
        and bool(course.days)
        and course.first_day.date <= london_date(now)
    )


def current_days(course: Course) -> list[DayDetails]:
    return [DayDetails(d.date, d.starts_at, d.ends_at) for d in course.days]


def check_can_change(course: Course, *, now: datetime) -> None:
    """Raise NotAllowed if the course is cancelled or has finished (so cannot be edited)."""
    _refuse_if_over(course, "changed", now)


def _refuse_if_over(course: Course, doing: str, now: datetime) -> None:
    """A published course has finished once it is over; a draft that is over never ran, so
    it can still be given new dates."""
    if course.status == CourseStatus.CANCELLED:
        raise NotAllowed(f"This course is cancelled, so it cannot be {doing}.")
    if course.status == CourseStatus.PUBLISHED and course.is_over(now):
        raise NotAllowed(f"This course has finished, so it cannot be {doing}.")


# --- Courses -------------------------------------------------------------------------------


@transactional
def default_course_type() -> CourseType:
    """The introductory course type, made the first time it is needed."""
    found = db.session.scalar(select(CourseType).where(CourseType.slug == INTRODUCTORY_SLUG))
    if found is None:
        found = CourseType(
            name=INTRODUCTORY_NAME,
            slug=INTRODUCTORY_SLUG,
            description=(
                "Two days that introduce the Signs of Safety approach to working with "
                "children and families: what we are worried about, what is working well "
                "and what needs to happen."
            ),
            what_to_bring="A pen and a notebook. Lunch is provided; tell us about any dietary needs.",
        )
        db.session.add(found)
        db.session.flush()
    return found


def _apply(course: Course, details: CourseDetails) -> None:
    assert details.venue is not None  # _check has refused details without one
    first = details.days[0].date
    course_type = course.course_type
    course.venue = details.venue
    course.room = details.room
    course.total_places = details.total_places
    # A course partner agencies cannot book keeps no places for them (all go to staff).
    course.partner_places = details.partner_places if course_type.partners_may_book else 0
    course.agency_cap = details.agency_cap
    course.release_on = details.release_on or default_release_on(first, course_type)
    course.booking_closes_at = closing_moment(
        details.booking_closes_on or default_booking_closes_on(first, course_type)
    )
    course.notes = details.notes.strip()
    course.coordinator_note = details.coordinator_note.strip()
    if details.self_check_in is not None:
        course.self_check_in = details.self_check_in
    if details.trainer_accounts is not None:
        course.trainer_accounts = [u for u in details.trainer_accounts if u.is_trainer]
    existing = {d.day_number: d for d in course.days}
    for number, day in enumerate(details.days, start=1):
        row = existing.get(number)
        if row is None:
            course.days.append(
                CourseDay(
                    day_number=number, date=day.date, starts_at=day.starts_at, ends_at=day.ends_at
                )
            )
        else:
            row.date, row.starts_at, row.ends_at = day.date, day.starts_at, day.ends_at
    # Days after the new last day go (their check-in codes with them, by the database's
    # cascade); calendars are told by the schedule change.
    for number in sorted(existing):
        if number > len(details.days):
            course.days.remove(existing[number])


@transactional
def create_course(
    details: CourseDetails, *, actor: ActorLike, now: datetime, max_span_days: int = MAX_SPAN_DAYS
) -> Course:
    """Save a new course as a draft (nobody sees it until it is published). A clash with
    another course (services/clashes.py) needs `details.clash_reason`."""
    if details.course_type is None:
        details = replace(details, course_type=default_course_type())
    check_details(details, now=now, max_span_days=max_span_days)
    found = _check_clashes(details, None)
    course = Course(
        course_type=details.course_type,
        status=CourseStatus.DRAFT,
        created_at=now,
        updated_at=now,
    )
    with db.session.no_autoflush:  # the course is not in the session until it is whole
        _apply(course, details)
    db.session.add(course)
    db.session.flush()
    audit.record("course.created", course, actor=actor, now=now)
    _record_reasons(course, details, found, actor=actor, now=now)
    return course


def _check_clashes(details: CourseDetails, course: Course | None) -> list[clashes.Clash]:
    return clashes.check(
        details.days,
        room=details.room,
        trainer_accounts=details.trainer_accounts,
        trainers_note=trainers_in_note(details.coordinator_note),
        course=course,
        reason=details.clash_reason,
    )


def _record_reasons(
    course: Course,
    details: CourseDetails,
    found: list[clashes.Clash],
    *,
    actor: ActorLike,
    now: datetime,
) -> None:
    """The audit rows for a course saved over its room's capacity or despite a clash."""
    rooms.record_over_capacity(
        course, capacity_reason=details.capacity_reason, actor=actor, now=now
    )
    clashes.record(course, found, reason=details.clash_reason, actor=actor, now=now)


@transactional
def update_course(
    course: Course,
    details: CourseDetails,
    *,
    actor: ActorLike,
    now: datetime,
    max_span_days: int = MAX_SPAN_DAYS,
) -> Course:
    """Change a course. If a published course's dates, times or venue change, everyone
    holding a place is told and calendar entries are updated (schedule_version goes up)."""
    course = lock_course(course.id)
    _refuse_if_over(course, "changed", now)
    # A course keeps its type: the type's rules (days, prerequisites) apply to its bookings.
    details = replace(details, course_type=course.course_type)
    check_details(details, now=now, max_span_days=max_span_days, course=course)
    found = _check_clashes(details, course)
    old_days, old_venue = current_days(course), course.venue.one_line_address
    _apply(course, details)
    course.updated_at = now
    db.session.flush()
    _record_reasons(course, details, found, actor=actor, now=now)
    change = ScheduleChange(
        old_days, current_days(course), old_venue, course.venue.one_line_address
    )
    schedule_changed = bool(change)
    if schedule_changed and course.status == CourseStatus.PUBLISHED:
        tell_schedule_change(course, change, actor=actor, now=now)
    audit.record("course.updated", course, actor=actor, now=now, schedule_changed=schedule_changed)
    fill_free_places(course, now=now)  # more places, or a moved date, may free some
    return course


def tell_schedule_change(
    course: Course, change: ScheduleChange, *, actor: ActorLike, now: datetime
) -> None:
    course.schedule_version += 1
    people = holders(course)
    emails.course_changed(course, people, change=change, now=now)
    audit.record(
        "course.schedule_changed",
        course,
        actor=actor,
        now=now,
        schedule_version=course.schedule_version,
        people_told=len(people),
    )


@transactional
def publish_course(course: Course, *, actor: ActorLike, now: datetime) -> Course:
    """Show a draft course on the calendar and open it for booking."""
    course = lock_course(course.id)
    if course.status == CourseStatus.PUBLISHED:
        raise NotAllowed("This course is already published.")
    _refuse_if_over(course, "published", now)
    if course.first_day.date < london_date(now):
        raise NotAllowed("Day 1 of this course is in the past. Change the dates before publishing.")
    if course.is_past_cut_off(now):
        raise NotAllowed(
            "Booking for this course would already be closed. "
            "Change the last day to book before publishing."
        )
    course.status = CourseStatus.PUBLISHED
    course.updated_at = now
    audit.record("course.published", course, actor=actor, now=now)
    return course


@transactional
def duplicate_course(
    course: Course,
    *,
    weeks_later: int,
    actor: ActorLike,
    now: datetime,
    max_span_days: int = MAX_SPAN_DAYS,
    capacity_reason: str = "",
    clash_reason: str = "",
) -> Course:
    """The next date in the programme: a draft copy with the same venue, room, places, times
    and trainers, its days `weeks_later` weeks after this course's days. It is checked as a
    new course: places beyond the room's capacity and clashes need a reason."""
    if not 1 <= weeks_later <= 52:
        raise Problems([("weeks_later", "Enter a number of weeks between 1 and 52")])
    shift = timedelta(weeks=weeks_later)
    details = CourseDetails(
        venue=course.venue,
        total_places=course.total_places,
        partner_places=course.partner_places,
        agency_cap=course.agency_cap,
        days=[DayDetails(d.date + shift, d.starts_at, d.ends_at) for d in course.days],
        notes=course.notes,
        coordinator_note=course.coordinator_note,
        course_type=course.course_type,
        trainer_accounts=list(course.trainer_accounts),
        self_check_in=course.self_check_in,
        room=course.room if course.room is not None and not course.room.is_archived else None,
        capacity_reason=capacity_reason,
        clash_reason=clash_reason,
    )
    if course.venue.is_archived:
        raise Problems(
            [("weeks_later", "This course's venue is archived. Restore the venue first")]
        )
    if details.days[0].date < london_date(now):
        raise Problems(
            [("weeks_later", "That would put day 1 in the past. Enter a larger number of weeks")]
        )
    copy = create_course(details, actor=actor, now=now, max_span_days=max_span_days)
    audit.record("course.duplicated", copy, actor=actor, now=now, copied_from=course.id)
    return copy


@transactional
def release_places_now(course: Course, *, actor: ActorLike, now: datetime) -> Course:
    """Open every unfilled place to both groups now, before the release date."""
    course = lock_course(course.id)
    if course.status != CourseStatus.PUBLISHED:
        raise NotAllowed("Only a published course can have its places released.")
    if course.is_released(now):
        raise NotAllowed("Places on this course are already open to everyone.")
    course.released_early_at = now
    audit.record("course.released_early", course, actor=actor, now=now)
    fill_free_places(course, now=now)  # partners' places now open to staff and back
    return course


@transactional
def cancel_course(course: Course, *, actor: ActorLike, now: datetime, reason: str) -> list[Booking]:
    """Cancel a course (rule 7): every place, offer and wait on it ends, and everyone is told."""
    course = lock_course(course.id)
    if course is None:
        raise NotFound("We could not find that course.")
    if course.status == CourseStatus.CANCELLED or course.is_over(now):
        raise NotAllowed("This course is already cancelled or finished.")
    if not reason.strip():
        raise NotAllowed("Please say why the course is cancelled.")
    course.status = CourseStatus.CANCELLED
    course.cancelled_reason = reason.strip()
    live = db.session.scalars(
        select(Booking).where(Booking.course_id == course.id, Booking.status.in_(CANCELLABLE))
    ).all()
    # Through transition, like every status change: a wait ended a moment ago under another
    # course's lock (its person took a place there) stays ended and is not told twice.
    affected = [
        booking
        for booking in live
        if transition(
            booking,
            BookingStatus.CANCELLED,
            now=now,
            ended_at=now,
            reason="The course was cancelled.",
        )
    ]
    audit.record(
        "course.cancelled", course, actor=actor, now=now, reason=reason, bookings=len(affected)
    )
    emails.course_cancelled(course, affected, now=now)
    return affected

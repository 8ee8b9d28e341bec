"""The waitlist: its order and positions (rule 4), offering free places (rule 5), offers
running out, and the `flask bookings tick` pass that keeps every course up to date.

`fill_free_places` is the one function that offers places. Every change that can free a
place calls it (or `fill_locked`, when the caller already holds the course lock).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import (
    Select,
    String,
    bindparam,
    cast,
    exists,
    func,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import contains_eager

from .. import time_limits
from ..extensions import db
from ..models import (
    ACTIVE,
    Booking,
    BookingStatus,
    Course,
    EmailLink,
    Group,
    LinkPurpose,
    Person,
    has_completed_training,
)
from . import allocation, audit, emails
from .actors import SYSTEM
from .db import lock_courses, rows_changed, transactional
from .errors import TryAgain
from .transitions import lock, transition


@dataclass
class FillResult:
    """What one pass of `fill_free_places` did on one course."""

    course_id: int
    expired: list[Booking] = field(default_factory=list)
    offered: list[Booking] = field(default_factory=list)
    #: Places held and free once the offers above were made (None if the course is closed).
    availability: allocation.Availability | None = None

    def __bool__(self) -> bool:
        return bool(self.expired or self.offered)


# --------------------------------------------------------------------------------------------
# The waitlist order (rule 4): one query used everywhere
# --------------------------------------------------------------------------------------------


def _waitlist_order() -> tuple:
    """`Booking.waitlist_key` as SQL terms (the query joins Person)."""
    key: tuple = Booking.waitlist_key()  # type: ignore[assignment]  # the class side is SQL
    return key


def ordered_waitlist(course: Course) -> Select:
    """The course's waitlist in offer order (rule 4, see `Booking.waitlist_key`)."""
    return (
        select(Booking)
        .join(Person, Person.id == Booking.person_id)
        .where(Booking.course_id == course.id, Booking.status == BookingStatus.WAITLISTED)
        .order_by(*_waitlist_order())
    )


def waitlist_positions(course: Course) -> dict[int, int]:
    """Booking id -> place in the queue (1 is next), for everyone waiting on the course."""
    ids = db.session.scalars(ordered_waitlist(course).with_only_columns(Booking.id)).all()
    return {booking_id: number for number, booking_id in enumerate(ids, start=1)}


def waitlist_position(booking: Booking, *, completed: bool | None = None) -> int | None:
    """Where this booking is in its course's waitlist (1 is next), or None if not waiting.

    Counts the people whose sort key comes before this booking's, so a booking in a rush
    gets one number back instead of reading and sorting the whole queue. `completed` is
    whether this person has done the training, when the caller already knows.
    """
    if booking.status != BookingStatus.WAITLISTED:
        return None
    if completed is None:
        completed = has_completed(booking.person, booking.course_type_id)
    # This booking's own key as values (comparing against the key of an aliased row instead
    # made PostgreSQL plan a 30 ms query).
    mine = booking.waitlist_key(completed)
    ahead = (
        select(func.count())
        .select_from(Booking)
        .join(Person, Person.id == Booking.person_id)
        .where(
            Booking.course_id == booking.course_id,
            Booking.status == BookingStatus.WAITLISTED,
            tuple_(*_waitlist_order()) < mine,
        )
    )
    return (db.session.scalar(ahead) or 0) + 1


def offer_number(booking: Booking, *, now: datetime) -> int | None:
    """The number a waiting person is told (1 is next), or None if not waiting.

    Their place among the people who could be offered the next place they may take: those
    ahead of them in the waitlist order (rule 4) who `Booking.may_be_offered` that place
    (rule 5). Before the release date a place is open to one group only, so a partner is
    not counted behind council staff who can never take a partner's place. Someone already
    trained can only be offered a place once places are open to everyone, so their number
    counts as if they were.
    """
    if booking.status != BookingStatus.WAITLISTED:
        return None
    completed = has_completed(booking.person, booking.course_type_id)
    released = completed or booking.course.is_released(now)
    open_to = tuple(Group) if released else (booking.person.group,)
    key = dict(enumerate(booking.waitlist_key(completed)))
    values = {f"key_{n}": value for n, value in key.items()}
    ahead = _ahead_statement(open_to, released)
    return (db.session.scalar(ahead, {"course_id": booking.course_id, **values}) or 0) + 1


@functools.cache
def _ahead_statement(open_to: tuple[Group, ...], released: bool) -> Select:
    """`offer_number`'s count, built once for each shape (the rules' SQL is the same every
    time; only the values change), so a booking under the course lock does not spend its
    time building it again."""
    order = _waitlist_order()
    mine = [bindparam(f"key_{n}", type_=term.type) for n, term in enumerate(order)]
    return (
        select(func.count())
        .select_from(Booking)
        .join(Person, Person.id == Booking.person_id)
        .where(
            Booking.course_id == bindparam("course_id"),
            Booking.may_be_offered(list(open_to), released=released),
            tuple_(*order) < tuple_(*mine),
        )
    )


@functools.cache
def _completed_statement() -> Select:
    return select(has_completed_training(bindparam("person_id"), bindparam("course_type_id")))


def has_completed(person: Person, course_type_id: int) -> bool:
    """Whether the person has a recorded completion of this course type (one query)."""
    values = {"person_id": person.id, "course_type_id": course_type_id}
    return bool(db.session.scalar(_completed_statement(), values))


# --------------------------------------------------------------------------------------------
# Offering free places (rule 5)
# --------------------------------------------------------------------------------------------


@transactional
def fill_free_places(course: Course, *, now: datetime) -> FillResult:
    """End offers that ran out, then offer each free place to the first person who may take it."""
    locked = lock(course.id)
    return fill_locked(locked, now)


def fill_is_due(course: Course, *, now: datetime) -> bool:
    """Cheap check (no lock, no writes): has an offer run out, or can someone waiting be offered?"""
    expired_offer = select(
        exists().where(Booking.course_id == course.id, Booking.offer_ran_out(now))
    )
    if db.session.scalar(expired_offer):
        return True
    if not course.is_open_for_booking(now):
        return False
    availability = allocation.availability(course, now)
    groups = _groups_with_free_places(availability)
    if not groups:
        return False
    eligible = select(Booking.id).where(
        Booking.course_id == course.id,
        Booking.may_be_offered(groups, released=course.is_released(now)),
    )
    if capped := availability.at_cap():  # their people wait: the agency cap is reached
        eligible = eligible.where(
            Booking.person.has(or_(Person.agency_id.is_(None), Person.agency_id.not_in(capped)))
        )
    return bool(db.session.scalar(select(exists(eligible))))


def refresh_course(course: Course, *, now: datetime) -> FillResult | None:
    """Bring a course up to date when it is viewed or booked; only locks when work is due."""
    if not fill_is_due(course, now=now):
        return None
    return fill_free_places(course, now=now)


def fill_locked(course: Course, now: datetime) -> FillResult:
    """`fill_free_places` for a caller that already holds the course lock."""
    result = FillResult(course_id=course.id)
    # One statement counts the places held and the offers that ran out; only when some did
    # are they ended (each person is told) and the places counted again.
    availability, lapsed = allocation.availability_and_lapsed(course, now)
    if lapsed:
        result.expired = _end_offers_that_ran_out(course, now)
    if not course.is_open_for_booking(now):
        return result  # no offers after the cut-off or on a course not taking bookings
    result.availability = allocation.availability(course, now) if lapsed else availability
    _offer_free_places(course, now, result)
    return result


def fill_after_group_change(person: Person, *, now: datetime) -> list[FillResult]:
    """After a person's group changes, offer any places it freed on their upcoming courses."""
    course_ids = db.session.scalars(
        select(Booking.course_id).where(Booking.person_id == person.id, Booking.status.in_(ACTIVE))
    ).all()
    results = []
    for course in lock_courses(list(course_ids)).values():
        if course is not None:
            results.append(fill_locked(course, now))
    return results


def _end_offers_that_ran_out(course: Course, now: datetime) -> list[Booking]:
    """Step 1 of a fill: offers whose time is up end, and each person is told."""
    ran_out = db.session.scalars(
        select(Booking)
        .where(Booking.course_id == course.id, Booking.offer_ran_out(now))
        .order_by(Booking.offer_expires_at, Booking.id)
    ).all()
    expired = []
    for booking in ran_out:
        if transition(
            booking,
            BookingStatus.EXPIRED,
            now=now,
            ended_at=now,
            reason="The offer was not taken up in time.",
        ):
            audit.record("booking.offer_expired", booking, actor=SYSTEM, now=now)
            emails.offer_ended(booking, now=now)
            expired.append(booking)
    return expired


def _offer_free_places(course: Course, now: datetime, result: FillResult) -> None:
    """Step 2 of a fill: walk the waitlist in order, offering each free place to the first
    person who may take it (`Booking.may_be_offered`, rule 5, and their agency's cap).
    Records the offers and the figures after them in `result`."""
    availability = result.availability
    assert availability is not None  # fill_locked counts the places before this step
    open_to = _groups_with_free_places(availability)
    if not open_to:
        return
    released = course.is_released(now)
    offer_ends = min(now + time_limits.OFFER_LIFETIME, course.booking_closes_at)
    for booking in _waiting_in_groups(course, open_to):
        if not booking.may_be_offered(open_to, released=released):
            continue
        person = booking.person
        if not availability.free_for_person(person):
            continue  # their agency holds as many places as its cap: the next person is asked
        if not _offer(booking, now=now, until=offer_ends):
            continue  # their wait ended or they took a place elsewhere a moment ago
        availability = result.availability = availability.one_more_held(
            person.group, person.agency_id
        )
        result.offered.append(booking)
        open_to = _groups_with_free_places(availability)
        if not open_to:
            break


def _groups_with_free_places(availability: allocation.Availability) -> list[Group]:
    return [group for group in Group if availability.free_for(group) > 0]


def _waiting_in_groups(course: Course, groups: list[Group]) -> list[Booking]:
    """The waitlist in order, only the people a free place is open to, with each person's
    bookings and completions loaded (three queries), so `Booking.may_be_offered` answers in
    Python. Read afresh from the database: earlier steps change bookings with UPDATEs."""
    person = contains_eager(Booking.person)
    return list(
        db.session.scalars(
            ordered_waitlist(course)
            .where(Person.group.in_(groups))
            .options(person.selectinload(Person.bookings), person.selectinload(Person.completions))
            .execution_options(populate_existing=True)
        ).unique()
    )


def _offer(booking: Booking, *, now: datetime, until: datetime) -> bool:
    """Offer the place until `until`, and tell them; False if their wait ended meanwhile."""
    if not transition(
        booking,
        BookingStatus.OFFERED,
        now=now,
        offered_at=now,
        offer_expires_at=until,
    ):
        return False
    audit.record("booking.offered", booking, actor=SYSTEM, now=now, until=until.isoformat())
    emails.place_offered(booking, now=now)
    return True


# --------------------------------------------------------------------------------------------
# The tick: every course kept up to date, and unconfirmed requests forgotten
# --------------------------------------------------------------------------------------------


@dataclass
class TickSummary:
    """What one `flask bookings tick` pass did."""

    changed: list[FillResult] = field(default_factory=list)
    #: Courses skipped because the database stayed busy; the next pass picks them up.
    busy_course_ids: list[int] = field(default_factory=list)
    #: Booking requests never confirmed whose details were deleted.
    forgotten_requests: int = 0

    @property
    def expired(self) -> int:
        return sum(len(result.expired) for result in self.changed)

    @property
    def offered(self) -> int:
        return sum(len(result.offered) for result in self.changed)


def tick(*, now: datetime) -> TickSummary:
    """The `flask bookings tick` pass: refresh every course that may need it. Idempotent.

    Each course is its own transaction, so one busy course does not hold up the others.
    """
    due_offer = exists().where(Booking.course_id == Course.id, Booking.offer_ran_out(now))
    course_ids = db.session.scalars(
        select(Course.id).where(or_(Course.is_open_for_booking(now), due_offer)).order_by(Course.id)
    ).all()
    db.session.rollback()  # end the read so each course below starts a fresh transaction
    summary = TickSummary(forgotten_requests=forget_unconfirmed_requests(now=now))
    for course_id in course_ids:
        course = db.session.get(Course, course_id)
        if course is None:  # pragma: no cover - deleted meanwhile
            continue
        try:
            result = refresh_course(course, now=now)
        except TryAgain:
            summary.busy_course_ids.append(course_id)
            continue
        if result:
            summary.changed.append(result)
    return summary


@transactional
def forget_unconfirmed_requests(*, now: datetime) -> int:
    """Delete what people typed (support needs included) into requests they never confirmed.

    The link row stays, so following it still says "this link has expired".
    """
    return rows_changed(
        update(EmailLink)
        .where(
            EmailLink.purpose == LinkPurpose.CONFIRM_BOOKING,
            EmailLink.used_at.is_(None),
            EmailLink.expires_at <= now,
            cast(EmailLink.details, String) != "{}",
        )
        .values(details={})
        .execution_options(synchronize_session=False)
    )

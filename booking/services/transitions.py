"""The booking state machine: the only place a booking's status changes, and how rows are
locked, re-read, created and kept to one place per course type.

Every service that changes a booking runs in one transaction that locks the course row first
(`lock`), counts places with `allocation`, and only then writes here. Status changes go
through `transition`, which allows only the moves in `BOOKING_TRANSITIONS` (beside
`BookingStatus` in models/bookings.py) and is a conditional UPDATE ("... WHERE status IN
(the statuses that may become the new one)"), so a change made
meanwhile by another transaction on another course (withdrawing someone's wait there, say) is
never silently overwritten; the partial unique indexes on bookings back up "one live booking
per course" and "one place per course type".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import inspect, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import (
    ACTIVE,
    Booking,
    BookingStatus,
    Course,
    Person,
    statuses_that_may_become,
)
from . import audit, links
from .actors import ActorLike
from .db import insert_unless_taken, lock_course, rows_changed
from .errors import AlreadyBooked, NotFound

# --------------------------------------------------------------------------------------------
# Locking and reading under the lock
# --------------------------------------------------------------------------------------------


def lock(course_id: int, *, with_details: bool = False) -> Course:
    """The course, its row locked until the transaction ends; NotFound if it is gone."""
    course = lock_course(course_id, with_details=with_details)
    if course is None:
        raise NotFound("We could not find that course.")
    return course


def row_id(instance) -> int:
    """The id of a loaded row without reading it again (after a rollback, say, reading
    `course.id` would fetch the whole row only to lock it and fetch it once more)."""
    return inspect(instance).identity[0]


def reload(booking: Booking) -> Booking:
    """The booking as it is now, read after the lock was taken."""
    fresh = db.session.execute(
        select(Booking).where(Booking.id == booking.id).execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if fresh is None:
        raise NotFound("We could not find that booking.")
    return fresh


def active_on_course(person_id: int, course_id: int) -> Booking | None:
    """The person's live booking (place, offer or wait) on this course, if any."""
    return db.session.scalar(
        select(Booking).where(
            Booking.person_id == person_id,
            Booking.course_id == course_id,
            Booking.status.in_(ACTIVE),
        )
    )


def live_bookings_of_type(person_id: int, course_type_id: int) -> list[Booking]:
    """Everything the person holds or waits for on any date of this course type (one query)."""
    return list(
        db.session.scalars(
            select(Booking)
            .where(
                Booking.person_id == person_id,
                Booking.course_type_id == course_type_id,
                Booking.status.in_(ACTIVE),
            )
            .order_by(Booking.id)
        )
    )


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def new_booking(
    course: Course, person: Person, status: BookingStatus, *, now: datetime, support_needs: str
) -> Booking:
    """A new booking row, not yet added (see `insert`)."""
    # Ids rather than relationships, so the person's loaded list of bookings is not touched.
    return Booking(
        course_id=course.id,
        course_type_id=course.course_type_id,
        person_id=person.id,
        status=status,
        requested_at=now,
        confirmed_at=now if status == BookingStatus.CONFIRMED else None,
        support_needs=(support_needs or "").strip(),
        link_key=links.new_link_key(),
        created_at=now,
        updated_at=now,
    )


def insert(booking: Booking) -> bool:
    """Add a new booking; False if a unique index said no (a double click, say). One
    statement (`insert_unless_taken`): a booking does this while it holds the course lock."""
    return insert_unless_taken(booking)


def transition(booking: Booking, to: BookingStatus, *, now: datetime, **values) -> bool:
    """Change a booking's status to `to`, only from a status `BOOKING_TRANSITIONS` allows.

    The UPDATE is conditional ("... WHERE status IN" the statuses that may become `to`), so
    it is False if the booking is in any other status: one the table does not allow, or one
    another transaction moved it to first. Also False if a unique index refused (the person
    took a place elsewhere a moment ago).
    """
    allowed_from = statuses_that_may_become(to)
    if not allowed_from:
        raise ValueError(f"No booking may become {to.value}.")
    statement = (
        update(Booking)
        .where(Booking.id == booking.id, Booking.status.in_(allowed_from))
        .values(status=to, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    try:
        with db.session.begin_nested():
            changed = rows_changed(statement) == 1
    except IntegrityError:
        changed = False
    db.session.refresh(booking)
    return changed


def set_values(booking: Booking, **values) -> None:
    """Change columns other than the status (the status only moves by `transition`)."""
    db.session.execute(
        update(Booking)
        .where(Booking.id == booking.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(booking)


# --------------------------------------------------------------------------------------------
# Rule 6: one place per course type
# --------------------------------------------------------------------------------------------


def place_held(
    live: list[Booking], *, not_booking: int | None = None, not_course: int | None = None
) -> Booking | None:
    """Rule 6 for one person: of their live bookings of one training (`live_bookings_of_type`),
    the one holding a place (`Booking.holds_place`), leaving out one booking or one date.
    `Booking.has_place_on_any_date` is the same rule for rows in a query."""
    return next(
        (b for b in live if b.holds_place and b.id != not_booking and b.course_id != not_course),
        None,
    )


def refuse_if_holding_elsewhere(
    person: Person,
    course: Course,
    *,
    coordinator: bool = False,
    exclude: int | None = None,
    live: list[Booking] | None = None,
) -> None:
    """Rule 6: one place per course type. Point them at moving instead.

    `live` is the person's bookings of this course type when the caller has just read them.
    """
    if live is None:
        live = live_bookings_of_type(person.id, course.course_type_id)
    held = place_held(live, not_booking=exclude)
    if held is None:
        return
    day = held.course.first_day.date
    when = f"{day:%A} {day.day} {day:%B %Y}"
    if coordinator:
        raise AlreadyBooked(
            f"This person already has a place on the course starting {when}. Move them instead."
        )
    raise AlreadyBooked(
        f"You already have a place on this training, starting {when}. To change date, use "
        "the link in your confirmation email to move your place."
    )


def withdraw_other_waits(
    booking: Booking, *, actor: ActorLike, now: datetime, waits: list[Booking] | None = None
) -> None:
    """Rule 6: once someone has a place, their waits on other dates of the training end.

    `waits` is those other waits when the caller read them under the same lock.
    """
    if waits is None:
        waits = [
            other
            for other in live_bookings_of_type(booking.person_id, booking.course_type_id)
            if other.status == BookingStatus.WAITLISTED and other.id != booking.id
        ]
    for wait in waits:
        if transition(
            wait,
            BookingStatus.WITHDRAWN,
            now=now,
            ended_at=now,
            reason="They got a place on another date.",
        ):
            audit.record(
                "booking.withdrawn", wait, actor=actor, now=now, place_booking_id=booking.id
            )

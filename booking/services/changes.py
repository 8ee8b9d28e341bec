"""Changing a booking once it exists: answering an offer, cancelling, moving to another date
and support needs (rule 8), and what coordinators do to bookings (rules 7 and 8): add
someone, take a walk-in, promote, and reorder the waitlist.

Each change locks the course row first (both courses for a move) and re-reads the booking
under the lock; a place freed goes straight to the next person waiting (`fill_locked`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from ..extensions import db
from ..models import (
    ACTIVE,
    CANCELLABLE,
    Booking,
    BookingStatus,
    Course,
    CourseStatus,
    LinkPurpose,
    Person,
)
from . import allocation, audit, emails, links, people, prerequisites
from .actors import BY_EMAILED_LINK, ActorLike, as_actor
from .db import lock_courses, pause_for_tests, transactional
from .errors import (
    AlreadyBooked,
    BookingClosed,
    BookingError,
    CourseNotBookable,
    NotAllowed,
    NotFound,
    ValidationError,
)
from .requests import check_open
from .transitions import (
    active_on_course,
    insert,
    live_bookings_of_type,
    lock,
    new_booking,
    place_held,
    refuse_if_holding_elsewhere,
    reload,
    set_values,
    transition,
    withdraw_other_waits,
)
from .waitlist import fill_locked, offer_number


class NoPlaceFree(BookingError):
    default_message = "There is no free place on that date now. Please choose another date."


class OfferEnded(BookingError):
    default_message = "This offer has ended, so the place has gone to the next person waiting."


def _reason_given(reason: str | None, *, required: bool, ask: str) -> str:
    """The reason, trimmed; `ask` is the message when one is required and missing."""
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError(ask, field="reason")
    return reason


# --------------------------------------------------------------------------------------------
# What a person can do from their emails (rule 8)
# --------------------------------------------------------------------------------------------


@transactional
def accept_offer(booking: Booking, *, actor: ActorLike, now: datetime) -> Booking:
    """Take the offered place. Accepting twice is fine; an offer that ran out cannot be taken."""
    lock(booking.course_id)
    booking = reload(booking)
    if booking.status == BookingStatus.CONFIRMED:
        return booking
    # Narrower than the table on purpose: a wait may also become a place (promote, walk-in),
    # but only an open offer can be accepted. Checked under the course lock, and nothing
    # ever goes back to waiting, so the transition below starts from an offer.
    if booking.status != BookingStatus.OFFERED:
        raise OfferEnded("This offer is no longer open.")
    if booking.offer_ran_out(now):
        raise OfferEnded()
    if not transition(
        booking,
        BookingStatus.CONFIRMED,
        now=now,
        confirmed_at=now,
    ):
        raise AlreadyBooked()  # pragma: no cover - the index stopped a second place
    audit.record("booking.offer_accepted", booking, actor=actor, now=now)
    withdraw_other_waits(booking, actor=actor, now=now)
    emails.place_confirmed(booking, now=now)
    return booking


@transactional
def decline_offer(booking: Booking, *, actor: ActorLike, now: datetime) -> Booking:
    """Say no to an offer; the place goes straight to the next person who may take it."""
    course = lock(booking.course_id)
    booking = reload(booking)
    if booking.status in (BookingStatus.DECLINED, BookingStatus.EXPIRED):
        return booking
    if booking.status != BookingStatus.OFFERED:
        raise NotAllowed("There is no offer to decline on this booking.")
    if booking.offer_ran_out(now):
        fill_locked(course, now)  # it had already run out: end it and pass it on
        return reload(booking)
    transition(
        booking,
        BookingStatus.DECLINED,
        now=now,
        ended_at=now,
        reason="They said no to the offer.",
    )
    audit.record("booking.offer_declined", booking, actor=actor, now=now)
    emails.offer_ended(booking, now=now)
    fill_locked(course, now)
    return booking


@transactional
def cancel_booking(
    booking: Booking, *, actor: ActorLike, now: datetime, reason: str = ""
) -> Booking:
    """Cancel a place, offer or wait. People can until the cut-off; coordinators any time, with a reason.

    A place freed goes straight to the next person who may take it.
    """
    actor = as_actor(actor)
    by_coordinator = actor.is_coordinator
    reason = _reason_given(
        reason, required=by_coordinator, ask="Say why this booking is being cancelled."
    )
    course = lock(booking.course_id)
    booking = reload(booking)
    if booking.status == BookingStatus.CANCELLED:
        return booking
    if booking.status not in CANCELLABLE:
        raise NotAllowed("This booking has already ended.")
    if not by_coordinator and course.is_past_cut_off(now):
        raise BookingClosed(
            "It is too late to cancel online. Please email the training team to let them know."
        )
    was_holding = booking.holds_place
    transition(
        booking,
        BookingStatus.CANCELLED,
        now=now,
        ended_at=now,
        reason=reason or "Cancelled by the person.",
    )
    audit.record(
        "booking.cancelled", booking, actor=actor, now=now, reason=reason, course_id=course.id
    )
    emails.booking_cancelled(booking, now=now)
    if was_holding:
        fill_locked(course, now)
    return booking


@transactional
def cancel_by_link(raw_token: str, *, now: datetime) -> Booking:
    """Follow a one-click cancel link (sent in reply to "please cancel my place" by email).

    Raises `links.LinkUsed` / `links.LinkExpired` / `LinkInvalid` like the confirm link, and
    the same errors as `cancel_booking` (for example after the cut-off).
    """
    link = links.consume_link(LinkPurpose.CANCEL_BY_EMAIL, raw_token, now=now)
    booking = db.session.get(Booking, link.booking_id) if link.booking_id else None
    if booking is None:
        raise NotFound("We could not find that booking.")
    links.record_result(link, booking.id)
    return cancel_booking(booking, actor=BY_EMAILED_LINK, now=now)


@transactional
def update_support_needs(
    booking: Booking, text: str, *, actor: ActorLike, now: datetime
) -> Booking:
    """Replace what someone told us about support they need (empty clears it).

    Only live bookings on courses that have not ended; the text never goes into the audit
    trail. (Written by the security work for "My bookings"; kept here with the other rules.)
    """
    booking = reload(booking)
    if booking.status not in ACTIVE or booking.course.is_over(now):
        raise NotAllowed("You can only change support needs for a course you are booked on.")
    text = (text or "").strip()
    if len(text) > 2000:
        raise ValidationError("Support needs must be 2000 characters or fewer.", "support_needs")
    set_values(booking, support_needs=text, support_needs_deleted_at=None, updated_at=now)
    audit.record("booking.support_needs_changed", booking, actor=actor, now=now, given=bool(text))
    return booking


# --------------------------------------------------------------------------------------------
# Moving to another date (people and coordinators)
# --------------------------------------------------------------------------------------------


@transactional
def move_booking(
    booking: Booking,
    to_course: Course,
    *,
    actor: ActorLike,
    now: datetime,
    reason: str = "",
    allow_over_capacity: bool = False,
) -> Booking:
    """Move a place to another date of the same training; returns the new booking.

    People can move a place they hold, until the cut-off, to a date with a place they may
    take now (after the people already waiting there). Coordinators can move any live
    booking, with a reason, and over the number of places if they say so. The old booking
    becomes "moved" and its place goes to the next person waiting on the old date.
    """
    actor = as_actor(actor)
    by_coordinator = actor.is_coordinator
    reason = _reason_given(
        reason, required=by_coordinator, ask="Say why this booking is being moved."
    )
    locked = lock_courses([booking.course_id, to_course.id])
    old_course, new_course = locked[booking.course_id], locked[to_course.id]
    if new_course is None:
        raise NotFound("We could not find that course.")
    booking = reload(booking)
    _check_move(booking, old_course, new_course, by_coordinator=by_coordinator, now=now)
    already_there, over_capacity = _room_on_new_date(
        booking, new_course, now=now, may_overfill=by_coordinator and allow_over_capacity
    )
    pause_for_tests()

    was_holding = booking.holds_place
    new = _end_and_rebook(
        booking, new_course, already_there, now=now, reason=reason, over_capacity=over_capacity
    )
    audit.record(
        "booking.moved",
        booking,
        actor=actor,
        now=now,
        reason=reason,
        from_course_id=old_course.id,
        to_course_id=new_course.id,
        new_booking_id=new.id,
        over_capacity=new.over_capacity,
    )
    withdraw_other_waits(new, actor=actor, now=now)
    emails.booking_moved(booking, new, now=now)
    if was_holding:
        fill_locked(old_course, now)
    return new


def _check_move(
    booking: Booking, old_course: Course, new_course: Course, *, by_coordinator: bool, now: datetime
) -> None:
    """Refuse a move that is not allowed: the same date, another training, an ended booking;
    for coordinators a course not published; for people anything but a place they hold,
    after the old date's cut-off, or to a date not open for booking."""
    if new_course.id == old_course.id:
        raise NotAllowed("That is the date this booking is already on.")
    if new_course.course_type_id != old_course.course_type_id:
        raise NotAllowed("A booking can only move to another date of the same training.")
    if booking.status not in ACTIVE:
        raise NotAllowed("This booking has already ended.")
    if by_coordinator:
        if new_course.status != CourseStatus.PUBLISHED:
            raise CourseNotBookable("That course is not published, so nobody can be moved to it.")
        return
    if booking.status != BookingStatus.CONFIRMED:
        raise NotAllowed("Only a place you hold can be moved.")
    if old_course.is_past_cut_off(now):
        raise BookingClosed(
            "It is too late to change this booking online. Please email the training team."
        )
    check_open(new_course, now)


def _room_on_new_date(
    booking: Booking, new_course: Course, *, now: datetime, may_overfill: bool
) -> tuple[Booking | None, bool]:
    """Refuse if the person already holds a place on the new date, or if no place there is
    free for them (after the people already waiting) and going over was not asked for.

    Returns their wait on the new date, if any, and whether the new place is over capacity.
    """
    already_there = active_on_course(booking.person_id, new_course.id)
    if already_there is not None and already_there.holds_place:
        raise AlreadyBooked("There is already a place on that date for this person.")
    fill_locked(new_course, now)  # people already waiting on the new date come first
    availability = allocation.availability(new_course, now)
    fits = availability.free_for_person(booking.person) > 0
    if not fits and not may_overfill:
        raise NoPlaceFree()
    return already_there, not fits and availability.free == 0


def _end_and_rebook(
    booking: Booking,
    new_course: Course,
    already_there: Booking | None,
    *,
    now: datetime,
    reason: str,
    over_capacity: bool,
) -> Booking:
    """The writes of a move: the old booking becomes "moved", a wait on the new date ends,
    and a confirmed booking on the new date takes over the support needs."""
    transition(
        booking,
        BookingStatus.MOVED,
        now=now,
        ended_at=now,
        reason=reason or "Moved to another date by the person.",
    )
    if already_there is not None:  # their wait on the new date becomes the place
        transition(
            already_there,
            BookingStatus.WITHDRAWN,
            now=now,
            ended_at=now,
            reason="They moved their place to this date.",
        )
    new = new_booking(
        new_course,
        booking.person,
        BookingStatus.CONFIRMED,
        now=now,
        support_needs=booking.support_needs,
    )
    new.over_capacity = over_capacity
    new.reason = reason
    if not insert(new):
        raise AlreadyBooked()  # pragma: no cover - guarded by the checks above
    set_values(booking, moved_to_id=new.id)
    return new


# --------------------------------------------------------------------------------------------
# Coordinators (rules 7 and 8): add, take a walk-in, promote, reorder
# --------------------------------------------------------------------------------------------


@transactional
def add_person(
    course: Course,
    person: Person,
    *,
    actor: ActorLike,
    now: datetime,
    reason: str,
    allow_over_capacity: bool = False,
    support_needs: str = "",
    override_prerequisites: bool = False,
) -> Booking:
    """A coordinator books someone, also after the cut-off.

    They get a place if one their group may take is free (after the people waiting), or
    over the number of places if the coordinator says so; otherwise they join the waitlist.
    Someone who has not completed a course this one needs first is refused unless the
    coordinator says to go ahead (`override_prerequisites`); the reason is kept.
    """
    reason = _reason_given(reason, required=True, ask="Say why you are adding this person.")
    course = lock(course.id)
    if course.status != CourseStatus.PUBLISHED:
        raise CourseNotBookable("Only a published course can take bookings.")
    existing = active_on_course(person.id, course.id)
    if existing is not None:
        raise AlreadyBooked(
            "This person is already booked on this course. Use promote to give them a place."
        )
    allocation.check_group_may_book(course, person.group)
    missing = _missing_prerequisites(person, course, override=override_prerequisites)
    refuse_if_holding_elsewhere(person, course, coordinator=True)

    fill_locked(course, now)
    availability = allocation.availability(course, now)
    fits = availability.free_for_person(person) > 0
    pause_for_tests()
    confirmed = fits or allow_over_capacity
    booking = new_booking(
        course,
        person,
        BookingStatus.CONFIRMED if confirmed else BookingStatus.WAITLISTED,
        now=now,
        support_needs=support_needs,
    )
    booking.over_capacity = confirmed and availability.free == 0
    booking.reason = reason
    if not insert(booking):
        raise AlreadyBooked("This person was booked a moment ago. Refresh the page.")
    audit.record(
        "booking.added",
        booking,
        actor=actor,
        now=now,
        reason=reason,
        status=booking.status.value,
        over_capacity=booking.over_capacity,
        prerequisites_overridden=[t.name for t in missing],
    )
    if confirmed:
        withdraw_other_waits(booking, actor=actor, now=now)
        emails.place_confirmed(booking, now=now)
    else:
        emails.waitlisted(booking, position=offer_number(booking, now=now), now=now)
    return booking


def _missing_prerequisites(person: Person, course: Course, *, override: bool) -> list:
    """The course types this person should have completed first; refused unless `override`."""
    missing = prerequisites.missing_for(person, course.course_type)
    if missing and not override:
        names = " and ".join(t.name for t in missing)
        raise prerequisites.PrerequisiteMissing(
            f"{person.full_name or person.email} has not completed {names}, which this course "
            "needs first. To add them anyway, say they may come without it and give your reason.",
            missing,
        )
    return missing


@transactional
def add_by_email(
    course: Course,
    details: Mapping[str, str],
    *,
    actor: ActorLike,
    now: datetime,
    reason: str,
    council_domains: Iterable[str],
    allow_over_capacity: bool = False,
    override_prerequisites: bool = False,
) -> Booking:
    """A coordinator adds someone by their details (found by email address, or created)."""
    person = people.find_or_create_person(
        details.get("email", ""),
        council_domains=council_domains,
        now=now,
        details=details,
        actor=actor,
    )
    return add_person(
        course,
        person,
        actor=actor,
        now=now,
        reason=reason,
        allow_over_capacity=allow_over_capacity,
        support_needs=str(details.get("support_needs") or ""),
        override_prerequisites=override_prerequisites,
    )


@transactional
def add_walk_in_booking(
    course: Course,
    person: Person,
    *,
    actor: ActorLike,
    now: datetime,
    over_capacity: bool,
    reason: str,
) -> Booking:
    """Give someone who turned up on the day a place (the registers' walk-ins).

    The caller (services/registers.py) has decided whether a place is free and so whether
    this goes `over_capacity`. A live booking the person already has on this course
    (waiting or offered) becomes the place; their waits on other dates end (rule 6).
    """
    course = lock(course.id)
    _refuse_walk_in_holding_elsewhere(person, course)
    reason = (reason or "").strip()
    booking = active_on_course(person.id, course.id)
    if booking is None:
        booking = new_booking(course, person, BookingStatus.CONFIRMED, now=now, support_needs="")
        booking.over_capacity = over_capacity
        booking.reason = reason
        if not insert(booking):
            raise AlreadyBooked("This person was booked a moment ago. Refresh the page.")
    elif booking.status != BookingStatus.CONFIRMED:
        transition(
            booking,
            BookingStatus.CONFIRMED,
            now=now,
            confirmed_at=now,
            offer_expires_at=None,
            over_capacity=over_capacity,
            reason=reason,
        )
    audit.record(
        "booking.walk_in_added",
        booking,
        actor=actor,
        now=now,
        reason=reason,
        course_id=course.id,
        over_capacity=over_capacity,
    )
    withdraw_other_waits(booking, actor=actor, now=now)
    return booking


def _refuse_walk_in_holding_elsewhere(person: Person, course: Course) -> None:
    """Rule 6 for a walk-in: a place held on another date must be moved or cancelled first."""
    held_elsewhere = place_held(
        live_bookings_of_type(person.id, course.course_type_id), not_course=course.id
    )
    if held_elsewhere is not None:
        raise NotAllowed(
            f"{person.full_name or person.email} already has a place on another date. "
            "Move or cancel that booking first."
        )


@transactional
def promote(booking: Booking, *, actor: ActorLike, now: datetime, reason: str) -> Booking:
    """A coordinator gives someone waiting (or offered) a place now, even over the allocation."""
    reason = _reason_given(reason, required=True, ask="Say why this person is being given a place.")
    course = lock(booking.course_id)
    booking = reload(booking)
    if booking.status == BookingStatus.CONFIRMED:
        raise NotAllowed("This person already has a place.")
    if booking.status not in (BookingStatus.WAITLISTED, BookingStatus.OFFERED):
        raise NotAllowed("This booking has already ended.")
    refuse_if_holding_elsewhere(booking.person, course, coordinator=True, exclude=booking.id)
    over = booking.status == BookingStatus.WAITLISTED and (
        allocation.availability(course, now).free == 0
    )
    if not transition(
        booking,
        BookingStatus.CONFIRMED,
        now=now,
        confirmed_at=now,
        offer_expires_at=None,
        over_capacity=over,
        reason=reason,
    ):
        raise AlreadyBooked()  # pragma: no cover
    audit.record("booking.promoted", booking, actor=actor, now=now, reason=reason, over=over)
    withdraw_other_waits(booking, actor=actor, now=now)
    emails.place_confirmed(booking, now=now)
    return booking


@transactional
def set_queue_priority(
    booking: Booking, priority: int | None, *, actor: ActorLike, now: datetime, reason: str
) -> Booking:
    """A coordinator moves someone up the waitlist (lower numbers first; None clears it)."""
    reason = _reason_given(
        reason, required=True, ask="Say why this person's place in the queue is changing."
    )
    course = lock(booking.course_id)
    booking = reload(booking)
    if booking.status != BookingStatus.WAITLISTED:
        raise NotAllowed("Only someone on the waitlist can be moved in the queue.")
    old = booking.queue_priority
    set_values(booking, queue_priority=priority, updated_at=now)
    audit.record(
        "booking.reordered", booking, actor=actor, now=now, reason=reason, old=old, new=priority
    )
    fill_locked(course, now)
    return booking

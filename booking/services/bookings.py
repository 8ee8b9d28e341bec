"""The booking rules: requests, places, waitlists, offers, cancellations and moves.

Every function that changes a booking lives here, takes the acting user (or a description
of who acted) and `now`, and runs in one transaction that locks the course row first
(`lock_course`), counts places with `allocation`, and only then writes. A booking's status
is changed nowhere else.

Status changes go through `_transition`, a conditional UPDATE ("... WHERE status IN (...)"),
so a change made meanwhile by another transaction on another course (withdrawing someone's
wait there, say) is never silently overwritten; the partial unique indexes on bookings back
up "one live booking per course" and "one place per course type".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import (
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    inspect,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, contains_eager

from .. import emails
from ..extensions import db
from ..models import (
    ACTIVE,
    HOLDING,
    Booking,
    BookingStatus,
    Course,
    CourseDay,
    CourseStatus,
    EmailLink,
    Group,
    LinkPurpose,
    Person,
    TrainingCompletion,
    User,
    with_details,
)
from . import allocation, audit, links, people
from .db import lock_course, lock_courses, pause_for_tests, rows_changed, transactional
from .errors import (
    AlreadyBooked,
    BookingClosed,
    BookingError,
    CourseNotBookable,
    NotAllowed,
    NotFound,
    TryAgain,
    ValidationError,
)

#: Who acted, in words, when a person uses a link from their email.
BY_EMAILED_LINK = "the person, by emailed link"
SIGNED_IN = "the person, signed in with an emailed link"
#: Who acted when the system did something on its own (an offer running out, say).
SYSTEM = "system"

CONFIRM_LINK_LIFETIME = timedelta(hours=24)
OFFER_LIFETIME = timedelta(hours=48)

#: What the public booking form collects; stored in the confirm link until it is followed.
REQUEST_FIELDS = (
    "email",
    "full_name",
    "job_title",
    "team",
    "organisation",
    "line_manager_email",
    "support_needs",
)

ENDED = (
    BookingStatus.CANCELLED,
    BookingStatus.DECLINED,
    BookingStatus.EXPIRED,
    BookingStatus.WITHDRAWN,
    BookingStatus.MOVED,
)


class NoPlaceFree(BookingError):
    default_message = "There is no free place on that date now. Please choose another date."


class OfferEnded(BookingError):
    default_message = "This offer has ended, so the place has gone to the next person waiting."


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


def _has_completed_clause(booking=Booking):
    """True for a booking whose person already completed that booking's course type."""
    return exists().where(
        TrainingCompletion.person_id == booking.person_id,
        TrainingCompletion.course_type_id == booking.course_type_id,
    )


def _waitlist_key(booking=Booking, person=Person) -> tuple:
    """Rule 4's sort key for a waiting booking: the coordinator's `queue_priority` first (set
    ones, lowest first), then council staff before partners, then people without a completion
    of this course type before those with one, then when they asked, then booking id so the
    order is total. `booking` and `person` may be aliases, to compare two bookings."""
    return (
        case((booking.queue_priority.is_(None), 1), else_=0),
        func.coalesce(booking.queue_priority, 0),
        case((person.group == Group.STAFF, 0), else_=1),
        case((_has_completed_clause(booking), 1), else_=0),
        booking.requested_at,
        booking.id,
    )


def ordered_waitlist(course: Course) -> Select:
    """The course's waitlist in offer order (rule 4, see `_waitlist_key`)."""
    return (
        select(Booking)
        .join(Person, Person.id == Booking.person_id)
        .where(Booking.course_id == course.id, Booking.status == BookingStatus.WAITLISTED)
        .order_by(*_waitlist_key())
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
    # This booking's own key, the same terms as _waitlist_key (the test that compares every
    # position with ordered_waitlist keeps the two together). Comparing against the key of an
    # aliased row instead made PostgreSQL plan a 30 ms query.
    mine = (
        1 if booking.queue_priority is None else 0,
        booking.queue_priority or 0,
        0 if booking.person.group == Group.STAFF else 1,
        1 if completed else 0,
        booking.requested_at,
        booking.id,
    )
    ahead = (
        select(func.count())
        .select_from(Booking)
        .join(Person, Person.id == Booking.person_id)
        .where(
            Booking.course_id == booking.course_id,
            Booking.status == BookingStatus.WAITLISTED,
            tuple_(*_waitlist_key()) < mine,
        )
    )
    return (db.session.scalar(ahead) or 0) + 1


def has_completed(person: Person, course_type_id: int) -> bool:
    """Whether the person has a recorded completion of this course type."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    TrainingCompletion.person_id == person.id,
                    TrainingCompletion.course_type_id == course_type_id,
                )
            )
        )
    )


# --------------------------------------------------------------------------------------------
# Asking for a place and confirming the address
# --------------------------------------------------------------------------------------------


@transactional
def request_place(
    course: Course,
    details: Mapping[str, str],
    *,
    now: datetime,
) -> tuple[EmailLink, str]:
    """Send a one-time link to prove the address is theirs; nothing is held until it is used.

    Returns the stored `EmailLink` and the raw token (which only goes in the email).
    """
    _check_open(course, now)
    email = people.normalise_email(details.get("email", ""))
    if "@" not in email:
        raise ValidationError("Enter an email address in the correct format.", field="email")
    stored = {key: str(details.get(key) or "").strip() for key in REQUEST_FIELDS}
    stored.update(people.clean_details(stored))
    # Other facts a caller adds (the mailbox: "source", "inbound_message_id") are kept too.
    stored.update({k: v for k, v in details.items() if k not in stored and v is not None})
    stored["email"] = email
    link, token = links.issue_link(
        LinkPurpose.CONFIRM_BOOKING,
        email,
        now=now,
        ttl=CONFIRM_LINK_LIFETIME,
        course=course,
        details=stored,
    )
    emails.confirm_your_email(link.email, course, token, now=now, expires_at=link.expires_at)
    return link, token


def organisation_needed(link: EmailLink, *, council_domains: Iterable[str]) -> bool:
    """Whether the confirm page must ask for the organisation: the link came from an email
    to the training mailbox (no form was filled in) for someone from a partner agency whose
    organisation we do not know."""
    return people.organisation_missing(
        link.email, (link.details or {}).get("organisation", ""), council_domains=council_domains
    )


@transactional
def confirm_request(
    raw_token: str, *, now: datetime, council_domains: Iterable[str], organisation: str = ""
) -> Booking:
    """Follow a confirm link (the POST): the person is found or created, then booked.

    `organisation` is what the confirm page asked for when `organisation_needed` said so.
    Raises `links.LinkUsed` / `links.LinkExpired` / `LinkInvalid` for a link that cannot be
    used; a used link's `result_booking_id` says what it made.
    """
    organisation = (organisation or "").strip()[:200]
    peeked = links.peek_link(LinkPurpose.CONFIRM_BOOKING, raw_token)
    if (
        peeked is not None
        and not organisation
        and links.link_state(peeked, now=now) == links.LinkState.USABLE
        and organisation_needed(peeked, council_domains=council_domains)
    ):
        raise ValidationError("Enter the organisation you work for", field="organisation")
    link = links.consume_link(LinkPurpose.CONFIRM_BOOKING, raw_token, now=now)
    course = db.session.get(Course, link.course_id)
    if course is None:
        raise NotFound("We could not find that course.")
    details = dict(link.details or {})
    if organisation:
        details["organisation"] = organisation
    person = people.find_or_create_person(
        link.email, council_domains=council_domains, now=now, details=details
    )
    booking = book_place(
        course,
        person,
        actor=BY_EMAILED_LINK,
        now=now,
        support_needs=details.get("support_needs", ""),
    )
    link.result_booking_id = booking.id
    # The private text now lives on the booking only.
    details.pop("support_needs", None)
    link.details = details
    return booking


@transactional
def book_as_signed_in(
    course: Course,
    person: Person,
    details: Mapping[str, str],
    *,
    now: datetime,
) -> Booking:
    """Book straight away for someone signed in with an emailed link: their address is
    already proven, so no second link is needed. The form's details update their record."""
    if people.normalise_email(details.get("email", "")) != person.email:
        raise ValidationError(
            "You are signed in as a different person. Book with your own email address, "
            "or sign out first.",
            field="email",
        )
    # book_place checks the course is open, under its lock.
    person = people.update_details(person, details)
    return book_place(
        course, person, actor=SIGNED_IN, now=now, support_needs=details.get("support_needs", "")
    )


# --------------------------------------------------------------------------------------------
# Taking a place (rules 1-3 and 6)
# --------------------------------------------------------------------------------------------


@transactional
def book_place(
    course: Course,
    person: Person,
    *,
    actor: User | str,
    now: datetime,
    support_needs: str = "",
) -> Booking:
    """Give the person a place if one they may take is free, otherwise a place on the waitlist.

    Asking twice returns the same booking. Someone who holds a place on another date of this
    course type is told to move instead. Someone who has completed the training only joins
    the waitlist (they may be offered a place once places are open to everyone).
    """
    course = _lock(_key(course), with_details=True)
    theirs = _live_bookings_of_type(person.id, course.course_type_id)
    existing = next((b for b in theirs if b.course_id == course.id), None)
    if existing is not None:
        return existing
    _check_open(course, now)
    _refuse_if_holding_elsewhere(person, course, live=theirs)

    filled = _fill_locked(course, now)  # people already waiting come first
    assert filled.availability is not None  # _check_open: it takes bookings
    completed = has_completed(person, course.course_type_id)
    free = filled.availability.free_for(person.group)
    takes_place = free > 0 and not completed
    pause_for_tests()  # between the count and the write (the control test widens this gap)

    status = BookingStatus.CONFIRMED if takes_place else BookingStatus.WAITLISTED
    booking = _new_booking(course, person, status, now=now, support_needs=support_needs)
    if not _insert(booking):
        # A second click got here first (or a place on another date was just taken).
        existing = _active_on_course(person.id, course.id)
        if existing is not None:
            return existing
        _refuse_if_holding_elsewhere(person, course)
        raise AlreadyBooked()
    audit.record(
        "booking.confirmed" if takes_place else "booking.waitlisted",
        booking,
        actor=actor,
        now=now,
        course_id=course.id,
        completed_before=completed,
    )
    if takes_place:
        waits = [b for b in theirs if b.status == BookingStatus.WAITLISTED]
        _withdraw_other_waits(booking, actor=actor, now=now, waits=waits)
        emails.place_confirmed(booking, now=now)
    else:
        if free > 0 and filled.availability.released:
            _fill_locked(course, now)  # someone already trained may take a place open to all
        if booking.status == BookingStatus.WAITLISTED:
            emails.waitlisted(
                booking, position=waitlist_position(booking, completed=completed), now=now
            )
    return booking


# --------------------------------------------------------------------------------------------
# Offering free places (rule 5)
# --------------------------------------------------------------------------------------------


@transactional
def fill_free_places(course: Course, *, now: datetime) -> FillResult:
    """End offers that ran out, then offer each free place to the first person who may take it."""
    locked = _lock(course.id)
    return _fill_locked(locked, now)


def fill_is_due(course: Course, *, now: datetime) -> bool:
    """Cheap check (no lock, no writes): has an offer run out, or can someone waiting be offered?"""
    expired_offer = select(
        exists().where(
            Booking.course_id == course.id,
            Booking.status == BookingStatus.OFFERED,
            Booking.offer_expires_at <= now,
        )
    )
    if db.session.scalar(expired_offer):
        return True
    if not allocation.is_bookable(course, now):
        return False
    availability = allocation.availability(course, now)
    groups = [group for group in Group if availability.free_for(group) > 0]
    if not groups:
        return False
    other = aliased(Booking)
    conditions = [
        Booking.course_id == course.id,
        Booking.status == BookingStatus.WAITLISTED,
        Person.group.in_(groups),
        ~exists().where(
            other.person_id == Booking.person_id,
            other.course_type_id == Booking.course_type_id,
            other.status.in_(HOLDING),
        ),
    ]
    if not allocation.is_released(course, now):
        conditions.append(~_has_completed_clause())
    eligible = select(Booking.id).join(Person, Person.id == Booking.person_id).where(*conditions)
    return bool(db.session.scalar(select(exists(eligible))))


def refresh_course(course: Course, *, now: datetime) -> FillResult | None:
    """Bring a course up to date when it is viewed or booked; only locks when work is due."""
    if not fill_is_due(course, now=now):
        return None
    return fill_free_places(course, now=now)


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
    due_offer = exists().where(
        Booking.course_id == Course.id,
        Booking.status == BookingStatus.OFFERED,
        Booking.offer_expires_at <= now,
    )
    course_ids = db.session.scalars(
        select(Course.id)
        .where(
            or_(
                and_(Course.status == CourseStatus.PUBLISHED, Course.booking_closes_at > now),
                due_offer,
            )
        )
        .order_by(Course.id)
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


def _fill_locked(course: Course, now: datetime) -> FillResult:
    """`fill_free_places` for a caller that already holds the course lock."""
    result = FillResult(course_id=course.id)
    ran_out = db.session.scalars(
        select(Booking)
        .where(
            Booking.course_id == course.id,
            Booking.status == BookingStatus.OFFERED,
            Booking.offer_expires_at <= now,
        )
        .order_by(Booking.offer_expires_at, Booking.id)
    ).all()
    for booking in ran_out:
        if _transition(
            booking,
            BookingStatus.EXPIRED,
            allowed_from=(BookingStatus.OFFERED,),
            now=now,
            ended_at=now,
            reason="The offer was not taken up in time.",
        ):
            audit.record("booking.offer_expired", booking, actor=SYSTEM, now=now)
            emails.offer_ended(booking, now=now)
            result.expired.append(booking)

    if not allocation.is_bookable(course, now):
        return result  # no offers after the cut-off or on a course not taking bookings
    availability = result.availability = allocation.availability(course, now)
    groups = [group for group in Group if availability.free_for(group) > 0]
    if not groups:
        return result
    waiting = (
        db.session.scalars(
            ordered_waitlist(course)
            .where(Person.group.in_(groups))  # only people a free place is open to
            .options(contains_eager(Booking.person))
        )
        .unique()
        .all()
    )
    if not waiting:
        return result

    person_ids = [booking.person_id for booking in waiting]
    completed = set(
        db.session.scalars(
            select(TrainingCompletion.person_id).where(
                TrainingCompletion.person_id.in_(person_ids),
                TrainingCompletion.course_type_id == course.course_type_id,
            )
        )
    )
    holding = set(
        db.session.scalars(
            select(Booking.person_id).where(
                Booking.person_id.in_(person_ids),
                Booking.course_type_id == course.course_type_id,
                Booking.status.in_(HOLDING),
            )
        )
    )
    released = allocation.is_released(course, now)
    offer_ends = min(now + OFFER_LIFETIME, course.booking_closes_at)

    for booking in waiting:
        group = booking.person.group
        if availability.free_for(group) <= 0:
            continue
        if booking.person_id in holding:
            continue
        if booking.person_id in completed and not released:
            continue  # people already trained wait until places are open to everyone
        if not _transition(
            booking,
            BookingStatus.OFFERED,
            allowed_from=(BookingStatus.WAITLISTED,),
            now=now,
            offered_at=now,
            offer_expires_at=offer_ends,
        ):
            continue  # their wait ended or they took a place elsewhere a moment ago
        holding.add(booking.person_id)
        if group == Group.STAFF:
            availability = replace(availability, staff_held=availability.staff_held + 1)
        else:
            availability = replace(availability, partner_held=availability.partner_held + 1)
        result.availability = availability
        audit.record(
            "booking.offered", booking, actor=SYSTEM, now=now, until=offer_ends.isoformat()
        )
        emails.place_offered(booking, now=now)
        result.offered.append(booking)
        if availability.free == 0:
            break
    return result


# --------------------------------------------------------------------------------------------
# What a person can do from their emails (rule 8)
# --------------------------------------------------------------------------------------------


@transactional
def accept_offer(booking: Booking, *, actor: User | str, now: datetime) -> Booking:
    """Take the offered place. Accepting twice is fine; an offer that ran out cannot be taken."""
    _lock(booking.course_id)
    booking = _reload(booking)
    if booking.status == BookingStatus.CONFIRMED:
        return booking
    if booking.status != BookingStatus.OFFERED:
        raise OfferEnded("This offer is no longer open.")
    assert booking.offer_expires_at is not None  # every offer has an end
    if now >= booking.offer_expires_at:
        raise OfferEnded()
    if not _transition(
        booking,
        BookingStatus.CONFIRMED,
        allowed_from=(BookingStatus.OFFERED,),
        now=now,
        confirmed_at=now,
    ):
        raise AlreadyBooked()  # pragma: no cover - the index stopped a second place
    audit.record("booking.offer_accepted", booking, actor=actor, now=now)
    _withdraw_other_waits(booking, actor=actor, now=now)
    emails.place_confirmed(booking, now=now)
    return booking


@transactional
def decline_offer(booking: Booking, *, actor: User | str, now: datetime) -> Booking:
    """Say no to an offer; the place goes straight to the next person who may take it."""
    course = _lock(booking.course_id)
    booking = _reload(booking)
    if booking.status in (BookingStatus.DECLINED, BookingStatus.EXPIRED):
        return booking
    if booking.status != BookingStatus.OFFERED:
        raise NotAllowed("There is no offer to decline on this booking.")
    assert booking.offer_expires_at is not None  # every offer has an end
    if now >= booking.offer_expires_at:
        _fill_locked(course, now)  # it had already run out: end it and pass it on
        return _reload(booking)
    _transition(
        booking,
        BookingStatus.DECLINED,
        allowed_from=(BookingStatus.OFFERED,),
        now=now,
        ended_at=now,
        reason="They said no to the offer.",
    )
    audit.record("booking.offer_declined", booking, actor=actor, now=now)
    emails.offer_ended(booking, now=now)
    _fill_locked(course, now)
    return booking


@transactional
def cancel_booking(
    booking: Booking, *, actor: User | str, now: datetime, reason: str = ""
) -> Booking:
    """Cancel a place, offer or wait. People can until the cut-off; coordinators any time, with a reason.

    A place freed goes straight to the next person who may take it.
    """
    by_coordinator = isinstance(actor, User)
    reason = (reason or "").strip()
    if by_coordinator and not reason:
        raise ValidationError("Say why this booking is being cancelled.", field="reason")
    course = _lock(booking.course_id)
    booking = _reload(booking)
    if booking.status == BookingStatus.CANCELLED:
        return booking
    if booking.status not in ACTIVE:
        raise NotAllowed("This booking has already ended.")
    if not by_coordinator and now >= course.booking_closes_at:
        raise BookingClosed(
            "It is too late to cancel online. Please email the training team to let them know."
        )
    was_holding = booking.status in HOLDING
    _transition(
        booking,
        BookingStatus.CANCELLED,
        allowed_from=ACTIVE,
        now=now,
        ended_at=now,
        reason=reason or "Cancelled by the person.",
    )
    audit.record(
        "booking.cancelled", booking, actor=actor, now=now, reason=reason, course_id=course.id
    )
    emails.booking_cancelled(booking, now=now)
    if was_holding:
        _fill_locked(course, now)
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
    link.result_booking_id = booking.id
    return cancel_booking(booking, actor=BY_EMAILED_LINK, now=now)


@transactional
def update_support_needs(
    booking: Booking, text: str, *, actor: User | str, now: datetime
) -> Booking:
    """Replace what someone told us about support they need (empty clears it).

    Only live bookings on courses that have not ended; the text never goes into the audit
    trail. (Written by the security work for "My bookings"; kept here with the other rules.)
    """
    booking = _reload(booking)
    course = booking.course
    if (
        booking.status not in ACTIVE
        or course.last_day.date < now.astimezone(allocation.LONDON).date()
    ):
        raise NotAllowed("You can only change support needs for a course you are booked on.")
    text = (text or "").strip()
    if len(text) > 2000:
        raise ValidationError("Support needs must be 2000 characters or fewer.", "support_needs")
    _set(booking, support_needs=text, support_needs_deleted_at=None, updated_at=now)
    audit.record("booking.support_needs_changed", booking, actor=actor, now=now, given=bool(text))
    return booking


@transactional
def move_booking(
    booking: Booking,
    to_course: Course,
    *,
    actor: User | str,
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
    by_coordinator = isinstance(actor, User)
    reason = (reason or "").strip()
    if by_coordinator and not reason:
        raise ValidationError("Say why this booking is being moved.", field="reason")
    locked = lock_courses([booking.course_id, to_course.id])
    old_course, new_course = locked[booking.course_id], locked[to_course.id]
    if new_course is None:
        raise NotFound("We could not find that course.")
    booking = _reload(booking)
    person = booking.person
    if new_course.id == old_course.id:
        raise NotAllowed("That is the date this booking is already on.")
    if new_course.course_type_id != old_course.course_type_id:
        raise NotAllowed("A booking can only move to another date of the same training.")
    if booking.status not in ACTIVE:
        raise NotAllowed("This booking has already ended.")
    if by_coordinator:
        if new_course.status != CourseStatus.PUBLISHED:
            raise CourseNotBookable("That course is not published, so nobody can be moved to it.")
    else:
        if booking.status != BookingStatus.CONFIRMED:
            raise NotAllowed("Only a place you hold can be moved.")
        if now >= old_course.booking_closes_at:
            raise BookingClosed(
                "It is too late to change this booking online. Please email the training team."
            )
        _check_open(new_course, now)
    already_there = _active_on_course(person.id, new_course.id)
    if already_there is not None and already_there.status in HOLDING:
        raise AlreadyBooked("There is already a place on that date for this person.")

    _fill_locked(new_course, now)  # people already waiting on the new date come first
    availability = allocation.availability(new_course, now)
    fits = availability.free_for(person.group) > 0
    if not fits and not (by_coordinator and allow_over_capacity):
        raise NoPlaceFree()
    pause_for_tests()

    was_holding = booking.status in HOLDING
    _transition(
        booking,
        BookingStatus.MOVED,
        allowed_from=ACTIVE,
        now=now,
        ended_at=now,
        reason=reason or "Moved to another date by the person.",
    )
    if already_there is not None:  # their wait on the new date becomes the place
        _transition(
            already_there,
            BookingStatus.WITHDRAWN,
            allowed_from=(BookingStatus.WAITLISTED,),
            now=now,
            ended_at=now,
            reason="They moved their place to this date.",
        )
    new = _new_booking(
        new_course, person, BookingStatus.CONFIRMED, now=now, support_needs=booking.support_needs
    )
    new.over_capacity = not fits and availability.free == 0
    new.reason = reason
    if not _insert(new):
        raise AlreadyBooked()  # pragma: no cover - guarded by the checks above
    _set(booking, moved_to_id=new.id)
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
    _withdraw_other_waits(new, actor=actor, now=now)
    emails.booking_moved(booking, new, now=now)
    if was_holding:
        _fill_locked(old_course, now)
    return new


# --------------------------------------------------------------------------------------------
# Coordinators (rules 7 and 8): add, promote, reorder; cancel and move are above
# --------------------------------------------------------------------------------------------


@transactional
def add_person(
    course: Course,
    person: Person,
    *,
    actor: User,
    now: datetime,
    reason: str,
    allow_over_capacity: bool = False,
    support_needs: str = "",
) -> Booking:
    """A coordinator books someone, also after the cut-off.

    They get a place if one their group may take is free (after the people waiting), or
    over the number of places if the coordinator says so; otherwise they join the waitlist.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why you are adding this person.", field="reason")
    course = _lock(course.id)
    if course.status != CourseStatus.PUBLISHED:
        raise CourseNotBookable("Only a published course can take bookings.")
    existing = _active_on_course(person.id, course.id)
    if existing is not None:
        raise AlreadyBooked(
            "This person is already booked on this course. Use promote to give them a place."
        )
    _refuse_if_holding_elsewhere(person, course, coordinator=True)

    _fill_locked(course, now)
    availability = allocation.availability(course, now)
    fits = availability.free_for(person.group) > 0
    pause_for_tests()
    confirmed = fits or allow_over_capacity
    booking = _new_booking(
        course,
        person,
        BookingStatus.CONFIRMED if confirmed else BookingStatus.WAITLISTED,
        now=now,
        support_needs=support_needs,
    )
    booking.over_capacity = confirmed and availability.free == 0
    booking.reason = reason
    if not _insert(booking):
        raise AlreadyBooked("This person was booked a moment ago. Refresh the page.")
    audit.record(
        "booking.added",
        booking,
        actor=actor,
        now=now,
        reason=reason,
        status=booking.status.value,
        over_capacity=booking.over_capacity,
    )
    if confirmed:
        _withdraw_other_waits(booking, actor=actor, now=now)
        emails.place_confirmed(booking, now=now)
    else:
        emails.waitlisted(booking, position=waitlist_position(booking), now=now)
    return booking


@transactional
def add_by_email(
    course: Course,
    details: Mapping[str, str],
    *,
    actor: User,
    now: datetime,
    reason: str,
    council_domains: Iterable[str],
    allow_over_capacity: bool = False,
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
    )


@transactional
def add_walk_in_booking(
    course: Course,
    person: Person,
    *,
    actor: User | str,
    now: datetime,
    over_capacity: bool,
    reason: str,
) -> Booking:
    """Give someone who turned up on the day a place (the registers' walk-ins).

    The caller (services/registers.py) has decided whether a place is free and so whether
    this goes `over_capacity`. A live booking the person already has on this course
    (waiting or offered) becomes the place; their waits on other dates end (rule 6).
    """
    course = _lock(course.id)
    held_elsewhere = db.session.scalars(
        select(Booking).where(
            Booking.person_id == person.id,
            Booking.course_type_id == course.course_type_id,
            Booking.course_id != course.id,
            Booking.status.in_(HOLDING),
        )
    ).first()
    if held_elsewhere is not None:
        raise NotAllowed(
            f"{person.full_name or person.email} already has a place on another date. "
            "Move or cancel that booking first."
        )
    reason = (reason or "").strip()
    booking = _active_on_course(person.id, course.id)
    if booking is None:
        booking = _new_booking(course, person, BookingStatus.CONFIRMED, now=now, support_needs="")
        booking.over_capacity = over_capacity
        booking.reason = reason
        if not _insert(booking):
            raise AlreadyBooked("This person was booked a moment ago. Refresh the page.")
    elif booking.status != BookingStatus.CONFIRMED:
        _transition(
            booking,
            BookingStatus.CONFIRMED,
            allowed_from=(BookingStatus.WAITLISTED, BookingStatus.OFFERED),
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
    _withdraw_other_waits(booking, actor=actor, now=now)
    return booking


@transactional
def promote(booking: Booking, *, actor: User, now: datetime, reason: str) -> Booking:
    """A coordinator gives someone waiting (or offered) a place now, even over the allocation."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why this person is being given a place.", field="reason")
    course = _lock(booking.course_id)
    booking = _reload(booking)
    if booking.status == BookingStatus.CONFIRMED:
        raise NotAllowed("This person already has a place.")
    if booking.status not in (BookingStatus.WAITLISTED, BookingStatus.OFFERED):
        raise NotAllowed("This booking has already ended.")
    _refuse_if_holding_elsewhere(booking.person, course, coordinator=True, exclude=booking.id)
    over = booking.status == BookingStatus.WAITLISTED and (
        allocation.availability(course, now).free == 0
    )
    if not _transition(
        booking,
        BookingStatus.CONFIRMED,
        allowed_from=(BookingStatus.WAITLISTED, BookingStatus.OFFERED),
        now=now,
        confirmed_at=now,
        offer_expires_at=None,
        over_capacity=over,
        reason=reason,
    ):
        raise AlreadyBooked()  # pragma: no cover
    audit.record("booking.promoted", booking, actor=actor, now=now, reason=reason, over=over)
    _withdraw_other_waits(booking, actor=actor, now=now)
    emails.place_confirmed(booking, now=now)
    return booking


@transactional
def set_queue_priority(
    booking: Booking, priority: int | None, *, actor: User, now: datetime, reason: str
) -> Booking:
    """A coordinator moves someone up the waitlist (lower numbers first; None clears it)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why this person's place in the queue is changing.", "reason")
    course = _lock(booking.course_id)
    booking = _reload(booking)
    if booking.status != BookingStatus.WAITLISTED:
        raise NotAllowed("Only someone on the waitlist can be moved in the queue.")
    old = booking.queue_priority
    _set(booking, queue_priority=priority, updated_at=now)
    audit.record(
        "booking.reordered", booking, actor=actor, now=now, reason=reason, old=old, new=priority
    )
    _fill_locked(course, now)
    return booking


def fill_after_group_change(person: Person, *, now: datetime) -> list[FillResult]:
    """After a person's group changes, offer any places it freed on their upcoming courses."""
    course_ids = db.session.scalars(
        select(Booking.course_id).where(Booking.person_id == person.id, Booking.status.in_(ACTIVE))
    ).all()
    results = []
    for course in lock_courses(list(course_ids)).values():
        if course is not None:
            results.append(_fill_locked(course, now))
    return results


# --------------------------------------------------------------------------------------------
# Reading: what the booking page and the coordinators' people page show
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BookingSummary:
    """Everything a person's booking page needs, decided here rather than in a template."""

    booking: Booking
    course: Course
    #: "place", "waiting", "offer", "offer_ended", "moved" or "ended"
    state: str
    position: int | None
    offer_ends_at: datetime | None
    completed_before: bool
    released: bool  #: places are open to everyone (people already trained can be offered one)
    changes_closed: bool  #: past the cut-off: only the training team can change it now
    can_cancel: bool
    can_move: bool
    moved_to: Booking | None


def booking_summary(booking: Booking, *, now: datetime) -> BookingSummary:
    """The state of a booking in terms a person understands, and what they may do now."""
    course = booking.course
    closed = now >= course.booking_closes_at or course.status != CourseStatus.PUBLISHED
    status = booking.status
    offer_ends = booking.offer_expires_at
    offer_open = status == BookingStatus.OFFERED and offer_ends is not None and now < offer_ends
    if status == BookingStatus.CONFIRMED:
        state = "place"
    elif status == BookingStatus.WAITLISTED:
        state = "waiting"
    elif status == BookingStatus.OFFERED:
        state = "offer" if offer_open else "offer_ended"
    elif status == BookingStatus.EXPIRED:
        state = "offer_ended"
    elif status == BookingStatus.MOVED:
        state = "moved"
    else:
        state = "ended"
    return BookingSummary(
        booking=booking,
        course=course,
        state=state,
        position=waitlist_position(booking),
        offer_ends_at=booking.offer_expires_at if offer_open else None,
        completed_before=has_completed(booking.person, booking.course_type_id),
        released=allocation.is_released(course, now),
        changes_closed=closed,
        can_cancel=status in ACTIVE and not closed,
        can_move=status == BookingStatus.CONFIRMED and not closed,
        moved_to=booking.moved_to,
    )


def other_dates(booking: Booking, *, now: datetime | None = None) -> list[Course]:
    """Published courses of the same training other than this booking's, soonest first.

    With `now`, only those still taking bookings (before their cut-off).
    """
    query = (
        select(Course)
        .join(CourseDay, and_(CourseDay.course_id == Course.id, CourseDay.day_number == 1))
        .where(
            Course.course_type_id == booking.course_type_id,
            Course.id != booking.course_id,
            Course.status == CourseStatus.PUBLISHED,
        )
        .order_by(CourseDay.date, Course.id)
    )
    if now is not None:
        query = query.where(Course.booking_closes_at > now)
    return list(db.session.scalars(with_details(query)))


def move_choices(booking: Booking, *, now: datetime) -> list[Course]:
    """Other dates of the same training this person could move to now (by the figures shown)."""
    candidates = other_dates(booking, now=now)
    figures = allocation.availability_for(candidates, now)
    group = booking.person.group
    return [course for course in candidates if figures[course.id].free_for(group) > 0]


@dataclass(frozen=True)
class CoursePeople:
    """Who is on a course, for the coordinators' people page."""

    places: list[Booking]
    offers: list[Booking]
    waiting: list[Booking]  #: in waitlist order
    ended: list[Booking]


def course_people(course: Course) -> CoursePeople:
    """Everyone with a booking on the course: places, open offers, the waitlist in order, ended."""
    bookings = db.session.scalars(
        select(Booking)
        .join(Person, Person.id == Booking.person_id)
        .options(contains_eager(Booking.person))
        .where(Booking.course_id == course.id)
        .order_by(Person.full_name, Booking.id)
    ).all()
    order = waitlist_positions(course)
    return CoursePeople(
        places=[b for b in bookings if b.status == BookingStatus.CONFIRMED],
        offers=[b for b in bookings if b.status == BookingStatus.OFFERED],
        waiting=sorted(
            (b for b in bookings if b.status == BookingStatus.WAITLISTED),
            key=lambda b: order.get(b.id, 0),
        ),
        ended=[b for b in bookings if b.status in ENDED],
    )


# --------------------------------------------------------------------------------------------
# Rule 7: cancelling a whole course
# --------------------------------------------------------------------------------------------


@transactional
def cancel_course(
    course: Course, *, actor: User | str, now: datetime, reason: str
) -> list[Booking]:
    """Cancel a course: every place, offer and wait on it ends, and everyone is told."""
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
        select(Booking).where(Booking.course_id == course.id, Booking.status.in_(ACTIVE))
    ).all()
    # Through _transition, like every status change: a wait ended a moment ago under another
    # course's lock (its person took a place there) stays ended and is not told twice.
    affected = [
        booking
        for booking in live
        if _transition(
            booking,
            BookingStatus.CANCELLED,
            allowed_from=ACTIVE,
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


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _lock(course_id: int, *, with_details: bool = False) -> Course:
    course = lock_course(course_id, with_details=with_details)
    if course is None:
        raise NotFound("We could not find that course.")
    return course


def _key(instance) -> int:
    """The id of a loaded row without reading it again (after a rollback, say, reading
    `course.id` would fetch the whole row only to lock it and fetch it once more)."""
    return inspect(instance).identity[0]


def _reload(booking: Booking) -> Booking:
    """The booking as it is now, read after the lock was taken."""
    fresh = db.session.execute(
        select(Booking).where(Booking.id == booking.id).execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if fresh is None:
        raise NotFound("We could not find that booking.")
    return fresh


def _check_open(course: Course, now: datetime) -> None:
    if course.status != CourseStatus.PUBLISHED:
        raise CourseNotBookable()
    if now >= course.booking_closes_at:
        raise BookingClosed()


def _active_on_course(person_id: int, course_id: int) -> Booking | None:
    return db.session.scalar(
        select(Booking).where(
            Booking.person_id == person_id,
            Booking.course_id == course_id,
            Booking.status.in_(ACTIVE),
        )
    )


def _live_bookings_of_type(person_id: int, course_type_id: int) -> list[Booking]:
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


def _refuse_if_holding_elsewhere(
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
        live = _live_bookings_of_type(person.id, course.course_type_id)
    held = next((b for b in live if b.status in HOLDING and b.id != exclude), None)
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


def _new_booking(
    course: Course, person: Person, status: BookingStatus, *, now: datetime, support_needs: str
) -> Booking:
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


def _insert(booking: Booking) -> bool:
    """Add a new booking; False if a unique index said no (a double click, say)."""
    try:
        with db.session.begin_nested():
            db.session.add(booking)
    except IntegrityError:
        if booking in db.session:
            db.session.expunge(booking)
        return False
    return True


def _transition(
    booking: Booking,
    to: BookingStatus,
    *,
    allowed_from: Iterable[BookingStatus],
    now: datetime,
    **values,
) -> bool:
    """Change a booking's status only if it is still in one of `allowed_from`.

    False if another transaction changed it first, or if a unique index refused (the
    person took a place elsewhere a moment ago).
    """
    statement = (
        update(Booking)
        .where(Booking.id == booking.id, Booking.status.in_(tuple(allowed_from)))
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


def _set(booking: Booking, **values) -> None:
    """Change columns other than the status (the status only moves by `_transition`)."""
    db.session.execute(
        update(Booking)
        .where(Booking.id == booking.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(booking)


def _withdraw_other_waits(
    booking: Booking, *, actor: User | str, now: datetime, waits: list[Booking] | None = None
) -> None:
    """Rule 6: once someone has a place, their waits on other dates of the training end.

    `waits` is those other waits when the caller read them under the same lock.
    """
    if waits is None:
        waits = [
            other
            for other in _live_bookings_of_type(booking.person_id, booking.course_type_id)
            if other.status == BookingStatus.WAITLISTED and other.id != booking.id
        ]
    for wait in waits:
        if _transition(
            wait,
            BookingStatus.WITHDRAWN,
            allowed_from=(BookingStatus.WAITLISTED,),
            now=now,
            ended_at=now,
            reason="They got a place on another date.",
        ):
            audit.record(
                "booking.withdrawn", wait, actor=actor, now=now, place_booking_id=booking.id
            )

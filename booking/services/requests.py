"""Asking for a place: the request and its confirm link, booking when signed in, and
`book_place`, which gives a place or a place on the waitlist (rules 1-3 and 6).

Every booking decision runs in one transaction that locks the course row first, counts
places with `allocation`, and only then writes (see services/transitions.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from sqlalchemy import select

from .. import time_limits
from ..extensions import db
from ..models import (
    Booking,
    BookingStatus,
    Course,
    CourseStatus,
    EmailLink,
    Group,
    LinkPurpose,
    Person,
)
from . import agencies, audit, emails, links, people, prerequisites
from .actors import BY_EMAILED_LINK, SIGNED_IN, ActorLike
from .allocation import check_group_may_book
from .db import pause_for_tests, transactional
from .errors import (
    AlreadyBooked,
    BookingClosed,
    BookingError,
    CourseNotBookable,
    NotFound,
    ValidationError,
)
from .transitions import (
    active_on_course,
    insert,
    live_bookings_of_type,
    lock,
    new_booking,
    refuse_if_holding_elsewhere,
    row_id,
    transition,
    withdraw_other_waits,
)
from .waitlist import fill_locked, has_completed

#: What the public booking form collects; stored in the confirm link until it is followed.
REQUEST_FIELDS = (
    "email",
    "full_name",
    "job_title",
    "team",
    "organisation",
    "line_manager_email",
    "support_needs",
    "agency",  #: an agency id from the form's list, or agencies.OTHER
)


def check_open(course: Course, now: datetime) -> None:
    """Refuse unless the course is open for booking (`Course.is_open_for_booking`), saying
    why: not published, or past its booking cut-off."""
    if course.is_open_for_booking(now):
        return
    if course.status != CourseStatus.PUBLISHED:
        raise CourseNotBookable()
    raise BookingClosed()


# --------------------------------------------------------------------------------------------
# Asking for a place and confirming the address
# --------------------------------------------------------------------------------------------


@transactional
def request_place(
    course: Course,
    details: Mapping[str, str],
    *,
    now: datetime,
    council_domains: Iterable[str] | None = None,
) -> tuple[EmailLink, str]:
    """Send a one-time link to prove the address is theirs; nothing is held until it is used.

    Returns the stored `EmailLink` and the raw token (which only goes in the email).
    `council_domains`, when given, lets the form ask for a line manager's address where the
    course type needs their approval.
    """
    check_open(course, now)
    email = people.normalise_email(details.get("email", ""))
    if "@" not in email:
        raise ValidationError("Enter an email address in the correct format.", field="email")
    _refuse_early(course, email, now=now, council_domains=council_domains)
    if council_domains is not None:
        group = people.classify_email(email, council_domains)
        require_manager_address(course, group, details.get("line_manager_email", ""), email)
    stored = {key: str(details.get(key) or "").strip() for key in REQUEST_FIELDS}
    stored.update(people.clean_details(stored))
    # Other facts a caller adds (the mailbox: "source", "inbound_message_id") are kept too.
    stored.update({k: v for k, v in details.items() if k not in stored and v is not None})
    stored["email"] = email
    link, token = links.issue_link(
        LinkPurpose.CONFIRM_BOOKING,
        email,
        now=now,
        ttl=time_limits.CONFIRM_LINK_LIFETIME,
        course=course,
        details=stored,
    )
    emails.confirm_your_email(link.email, course, token, now=now, expires_at=link.expires_at)
    return link, token


def _refuse_early(
    course: Course, email: str, *, now: datetime, council_domains: Iterable[str] | None
) -> None:
    """What `book_place` would refuse and we can tell now, before sending a link: a partner
    agency's address on a course for council staff only, or a person we know who has not
    completed a course this one needs first."""
    person = people.find_person(email)
    if person is not None:
        check_group_may_book(course, person.group)
    elif council_domains is not None:
        check_group_may_book(course, people.classify_email(email, council_domains))
    prerequisites.check(person, course, now=now)


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
    link = links.consume_link(LinkPurpose.CONFIRM_BOOKING, raw_token, now=now)
    if not organisation and organisation_needed(link, council_domains=council_domains):
        # The transaction rolls back: the link is not used up, and the page asks.
        raise ValidationError("Enter the organisation you work for", field="organisation")
    course = db.session.get(Course, link.course_id)
    if course is None:
        raise NotFound("We could not find that course.")
    details = dict(link.details or {})
    if organisation:
        details["organisation"] = organisation
    person = people.find_or_create_person(
        link.email, council_domains=council_domains, now=now, details=details
    )
    agencies.link_person(person, chosen=details.get("agency", ""), actor=BY_EMAILED_LINK, now=now)
    booking = book_or_ask_manager(
        course,
        person,
        actor=BY_EMAILED_LINK,
        now=now,
        support_needs=details.get("support_needs", ""),
    )
    # The private text now lives on the booking only.
    details.pop("support_needs", None)
    links.record_result(link, booking.id, details=details)
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
    require_manager_address(
        course, person.group, details.get("line_manager_email", ""), person.email
    )
    # book_place checks the course is open, under its lock.
    person = people.update_details(person, details)
    agencies.link_person(person, chosen=details.get("agency", ""), actor=SIGNED_IN, now=now)
    return book_or_ask_manager(
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
    actor: ActorLike,
    now: datetime,
    support_needs: str = "",
) -> Booking:
    """Give the person a place if one they may take is free, otherwise a place on the waitlist.

    Asking twice returns the same booking. Someone who holds a place on another date of this
    course type is told to move instead. Someone who has completed the training only joins
    the waitlist (they may be offered a place once places are open to everyone). Someone
    from a partner agency on a course for council staff only, or someone who has not
    completed a course this one needs first, is refused with a plain message.
    """
    # Read before the lock what the decision does not change (on PostgreSQL the lock is the
    # course row, so this waits for nobody): the person's bookings of this training (a
    # place taken elsewhere meanwhile is refused by the unique index when inserting),
    # whether they completed it, and whether they completed what it needs first.
    course_id, course_type_id = row_id(course), course.course_type_id
    theirs = live_bookings_of_type(person.id, course_type_id)
    completed = has_completed(person, course_type_id)
    existing = next((b for b in theirs if b.course_id == course_id), None)
    if existing is not None:
        return existing
    prerequisites.check(person, course, now=now)

    course = lock(course_id)
    check_open(course, now)
    check_group_may_book(course, person.group)
    refuse_if_holding_elsewhere(person, course, live=theirs)
    agencies.link_person(person, actor=actor, now=now)  # by their address, before counting

    filled = fill_locked(course, now)  # people already waiting come first
    assert filled.availability is not None  # check_open: it takes bookings
    free = filled.availability.free_for_person(person)
    takes_place = free > 0 and not completed
    pause_for_tests()  # between the count and the write (the control test widens this gap)

    status = BookingStatus.CONFIRMED if takes_place else BookingStatus.WAITLISTED
    booking = new_booking(course, person, status, now=now, support_needs=support_needs)
    if not insert(booking):
        # A second click got here first (or a place on another date was just taken).
        existing = active_on_course(person.id, course.id)
        if existing is not None:
            return existing
        refuse_if_holding_elsewhere(person, course)
        raise AlreadyBooked()
    _settle(
        booking, theirs, takes_place=takes_place, completed=completed,
        fill_again=free > 0 and filled.availability.released, actor=actor, now=now,
    )  # fmt: skip
    return booking


def _settle(
    booking: Booking,
    theirs: list[Booking],
    *,
    takes_place: bool,
    completed: bool,
    fill_again: bool,
    actor: ActorLike,
    now: datetime,
    **facts,
) -> None:
    """What follows giving someone a place or a wait, under the same lock: the audit, the
    end of their waits on other dates (rule 6), the emails. `fill_again` when a place open to
    everyone is still free, for someone already trained who waits."""
    audit.record(
        "booking.confirmed" if takes_place else "booking.waitlisted",
        booking,
        actor=actor,
        now=now,
        course_id=booking.course_id,
        completed_before=completed,
        **facts,
    )
    if takes_place:
        waits = [b for b in theirs if b.status == BookingStatus.WAITLISTED and b.id != booking.id]
        withdraw_other_waits(booking, actor=actor, now=now, waits=waits)
        emails.place_confirmed_soon(booking, now=now)
        return
    if fill_again:
        fill_locked(booking.course, now)  # someone already trained may take a place open to all
    if booking.status == BookingStatus.WAITLISTED:
        emails.waitlisted_soon(booking, now=now)


# --------------------------------------------------------------------------------------------
# A line manager's approval (optional, per course type)
# --------------------------------------------------------------------------------------------


def needs_manager_approval(course: Course, group: Group) -> bool:
    """The rule "manager approval": council staff need their line manager's yes before a
    place is held, on course types that ask for it. Partners never do (their agency decides)."""
    return bool(course.course_type.manager_approval_required) and group == Group.STAFF


def require_manager_address(course: Course, group: Group, manager_email: str, email: str) -> None:
    """Ask for a line manager's address when their approval is needed and none was given."""
    if not needs_manager_approval(course, group):
        return
    manager = people.normalise_email(manager_email or "")
    if "@" not in manager:
        raise ManagerAddressNeeded(
            "Enter your line manager's email address. They need to approve this training.",
            field="line_manager_email",
        )
    if manager == people.normalise_email(email):
        raise ManagerAddressNeeded(
            "Enter your line manager's email address, not your own.", field="line_manager_email"
        )


class ManagerAddressNeeded(ValidationError):
    """Their line manager must approve this training (rule 25) and no address (other than
    their own) was given: the form asks for one, the mailbox replies pointing to the form."""


def approval_deadline(now: datetime) -> datetime:
    """`time_limits.MANAGER_APPROVAL_WORKING_DAYS` working days (Monday to Friday) from now."""
    moment, left = now, time_limits.MANAGER_APPROVAL_WORKING_DAYS
    while left:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            left -= 1
    return moment


@transactional
def book_or_ask_manager(
    course: Course, person: Person, *, actor: ActorLike, now: datetime, support_needs: str = ""
) -> Booking:
    """`book_place`, or, where their line manager must approve first, `ask_manager`."""
    if needs_manager_approval(course, person.group) and person.line_manager_email:
        return ask_manager(course, person, actor=actor, now=now, support_needs=support_needs)
    return book_place(course, person, actor=actor, now=now, support_needs=support_needs)


def _awaiting_on_course(person_id: int, course_id: int) -> Booking | None:
    return db.session.scalar(
        select(Booking).where(
            Booking.person_id == person_id,
            Booking.course_id == course_id,
            Booking.status == BookingStatus.AWAITING_APPROVAL,
        )
    )


@transactional
def ask_manager(
    course: Course, person: Person, *, actor: ActorLike, now: datetime, support_needs: str = ""
) -> Booking:
    """Record the request as waiting for the line manager (no place is held; `requested_at`
    keeps its place in the waitlist order) and email the manager a link to decide."""
    course = lock(row_id(course), with_details=True)
    theirs = live_bookings_of_type(person.id, course.course_type_id)
    existing = next((b for b in theirs if b.course_id == course.id), None)
    existing = existing or _awaiting_on_course(person.id, course.id)
    if existing is not None:
        return existing
    check_open(course, now)
    refuse_if_holding_elsewhere(person, course, live=theirs)
    booking = new_booking(
        course, person, BookingStatus.AWAITING_APPROVAL, now=now, support_needs=support_needs
    )
    booking.approval_expires_at = approval_deadline(now)
    if not insert(booking):  # pragma: no cover - no unique index covers this status
        raise AlreadyBooked()
    audit.record("booking.awaiting_approval", booking, actor=actor, now=now, course_id=course.id)
    send_approval_link(booking, now=now)
    return booking


def send_approval_link(booking: Booking, *, now: datetime) -> None:
    """Email the person's line manager a one-time link to approve or decline the request,
    usable until the request lapses; tell the person who was asked."""
    assert booking.approval_expires_at is not None
    _link, token = links.issue_link(
        LinkPurpose.MANAGER_APPROVAL,
        booking.person.line_manager_email,
        now=now,
        ttl=booking.approval_expires_at - now,
        course=booking.course,
        booking=booking,
    )
    emails.approval_requested(booking, token, now=now)


@transactional
def allocate_approved(booking: Booking, *, actor: ActorLike, now: datetime) -> Booking:
    """The manager (or a coordinator for them) said yes: the allocation rules run under the
    course lock as if the person had just confirmed. A place if one is free for them, else
    the waitlist, in the order of when they first asked."""
    course = lock(row_id(booking.course), with_details=True)
    db.session.refresh(booking)
    if booking.status != BookingStatus.AWAITING_APPROVAL:
        raise AlreadyDecided()
    check_open(course, now)
    person = booking.person
    theirs = live_bookings_of_type(person.id, course.course_type_id)
    refuse_if_holding_elsewhere(person, course, live=theirs)
    filled = fill_locked(course, now)  # people already waiting come first
    assert filled.availability is not None
    completed = has_completed(person, course.course_type_id)
    free = filled.availability.free_for(person.group)
    takes_place = free > 0 and not completed
    pause_for_tests()
    to = BookingStatus.CONFIRMED if takes_place else BookingStatus.WAITLISTED
    values = {"confirmed_at": now} if takes_place else {}
    if not transition(booking, to, now=now, approval_expires_at=None, **values):
        if booking.status != BookingStatus.AWAITING_APPROVAL:
            raise AlreadyDecided()
        refuse_if_holding_elsewhere(person, course)
        raise AlreadyBooked()
    _settle(
        booking, theirs, takes_place=takes_place, completed=completed,
        fill_again=free > 0 and filled.availability.released, actor=actor, now=now,
        after_approval=True,
    )  # fmt: skip
    return booking


class AlreadyDecided(BookingError):
    default_message = "This request has already been decided."

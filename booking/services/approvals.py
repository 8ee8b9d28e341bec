"""A line manager's approval of a training request (rule 25), and what managers see of their team.

Where a course type needs it (`CourseType.manager_approval_required`), council staff's
requests wait for their line manager (`BookingStatus.AWAITING_APPROVAL`, made by
services/requests.py `ask_manager`). The manager decides by a one-time emailed link (GET
shows the request, POST decides); a coordinator may approve for them, with a reason. A yes
runs the allocation rules under the course lock (`requests.allocate_approved`); a no ends
the request with the manager's reason, which the person sees; no answer in time and
`lapse_overdue` ends it and tells the person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    Attendance,
    Booking,
    BookingStatus,
    Course,
    CourseType,
    EmailLink,
    LinkPurpose,
    Person,
)
from ..words import TEAM_WORDS
from . import audit, emails, links, people
from .actors import ActorLike, as_actor, system
from .db import transactional
from .errors import LinkInvalid, NotAllowed, NotFound, ValidationError
from .requests import AlreadyDecided, allocate_approved, send_approval_link
from .transitions import lock, row_id, transition

#: The line manager, deciding by the link emailed to them.
MANAGER_BY_LINK = system("the line manager, by emailed link")
#: The tick, ending requests nobody answered.
LAPSED_BY_SYSTEM = system("system (the manager did not answer in time)")
REASON_LIMIT = 1000


def approval_link(raw_token: str, *, now: datetime) -> tuple[EmailLink, Booking]:
    """The approval link and its request, for the GET page: refused (LinkInvalid and its
    kinds) if forged, used, expired, sent to an address the person no longer names, or the
    request was decided meanwhile."""
    link = links.peek_link(LinkPurpose.MANAGER_APPROVAL, raw_token)
    if link is None or link.booking_id is None:
        raise LinkInvalid()
    state = links.link_state(link, now=now)
    if state == links.LinkState.USED:
        raise links.LinkUsed()
    if state == links.LinkState.EXPIRED:
        raise links.LinkExpired()
    booking = db.session.get(Booking, link.booking_id)
    if booking is None or not _still_theirs(link, booking):
        raise LinkInvalid()
    if booking.status != BookingStatus.AWAITING_APPROVAL:
        raise links.LinkUsed("This request has already been decided.")
    return link, booking


def _still_theirs(link: EmailLink, booking: Booking) -> bool:
    return people.normalise_email(booking.person.line_manager_email or "") == link.email


@transactional
def decide_by_link(raw_token: str, *, approve: bool, reason: str = "", now: datetime) -> Booking:
    """The manager's POST: use the link up, then approve (allocation under the course lock)
    or decline with an optional reason the person sees."""
    _link, booking = approval_link(raw_token, now=now)
    links.consume_link(LinkPurpose.MANAGER_APPROVAL, raw_token, now=now)
    if approve:
        return allocate_approved(booking, actor=MANAGER_BY_LINK, now=now)
    return decline(booking, actor=MANAGER_BY_LINK, reason=reason, now=now)


@transactional
def decline(booking: Booking, *, actor: ActorLike, reason: str, now: datetime) -> Booking:
    """The manager said no: the request ends (no place was held) and the person is told why."""
    reason = (reason or "").strip()[:REASON_LIMIT]
    lock(row_id(booking.course))
    if not transition(
        booking, BookingStatus.NOT_APPROVED, now=now, ended_at=now, reason=reason,
        approval_expires_at=None,
    ):  # fmt: skip
        raise AlreadyDecided()
    audit.record("booking.not_approved", booking, actor=actor, now=now, reason=reason)
    emails.approval_refused(booking, now=now, lapsed=False)
    return booking


@transactional
def approve_for_manager(
    booking: Booking, *, actor: ActorLike, reason: str, now: datetime
) -> Booking:
    """A coordinator approves on the manager's behalf; the reason goes in the audit trail."""
    actor = as_actor(actor)
    if not actor.is_coordinator:
        raise NotAllowed("Only coordinators can approve for a manager.")
    reason = (reason or "").strip()[:REASON_LIMIT]
    if not reason:
        raise ValidationError("Say why you are approving for their manager.", field="reason")
    audit.record("booking.approved_for_manager", booking, actor=actor, now=now, reason=reason)
    return allocate_approved(booking, actor=actor, now=now)


def lapse_overdue(*, now: datetime) -> int:
    """End every request whose manager did not answer by `approval_expires_at`, and tell the
    person. Each in its own transaction; safe to run again (the tick runs it)."""
    due = db.session.scalars(
        select(Booking.id).where(
            Booking.status == BookingStatus.AWAITING_APPROVAL,
            Booking.approval_expires_at <= now,
        )
    ).all()
    db.session.rollback()
    return sum(_lapse(booking_id, now=now) for booking_id in due)


@transactional
def _lapse(booking_id: int, *, now: datetime) -> bool:
    booking = db.session.get(Booking, booking_id)
    if booking is None:  # pragma: no cover - deleted meanwhile
        return False
    lock(row_id(booking.course))
    if not transition(
        booking, BookingStatus.LAPSED, now=now, ended_at=now,
        reason="The line manager did not answer in time.",
    ):  # fmt: skip
        return False  # decided meanwhile
    audit.record("booking.approval_lapsed", booking, actor=LAPSED_BY_SYSTEM, now=now)
    emails.approval_refused(booking, now=now, lapsed=True)
    return True


def waiting_for_approval() -> list[Booking]:
    """Every request waiting for a line manager, oldest first (for coordinators)."""
    return list(
        db.session.scalars(
            select(Booking)
            .where(Booking.status == BookingStatus.AWAITING_APPROVAL)
            .options(selectinload(Booking.person), selectinload(Booking.course))
            .order_by(Booking.requested_at, Booking.id)
        )
    )


# --- Changing the line manager -------------------------------------------------------------


@transactional
def change_line_manager(
    person: Person, manager_email: str, *, actor: ActorLike, now: datetime, reason: str = ""
) -> Person:
    """Change or remove (an empty address) a person's line manager. A coordinator gives a
    reason. A request waiting for approval is sent to the new manager; with none, it waits
    for a coordinator or lapses."""
    actor = as_actor(actor)
    reason = (reason or "").strip()[:REASON_LIMIT]
    if actor.is_coordinator and not reason:
        raise ValidationError("Say why you are changing their line manager.", field="reason")
    manager = people.normalise_email(manager_email or "")
    if manager and ("@" not in manager or len(manager) > 320):
        raise ValidationError(
            "Enter an email address in the correct format, like name@example.org",
            field="line_manager_email",
        )
    if manager and manager == person.email:
        raise ValidationError(
            "Enter your line manager's email address, not your own.", field="line_manager_email"
        )
    old = person.line_manager_email
    person.line_manager_email = manager
    person.updated_at = now
    audit.record(
        "person.line_manager_changed", person, actor=actor, now=now, reason=reason,
        removed=not manager,
    )  # fmt: skip
    db.session.flush()
    if manager and manager != people.normalise_email(old or ""):
        waiting = db.session.scalars(
            select(Booking).where(
                Booking.person_id == person.id,
                Booking.status == BookingStatus.AWAITING_APPROVAL,
            )
        ).all()
        for booking in waiting:
            send_approval_link(booking, now=now)
    return person


# --- "My team" -----------------------------------------------------------------------------


@dataclass
class TeamMember:
    """One person who named this manager, and where their training stands."""

    person: Person
    trained: list[str] = field(default_factory=list)  #: course types completed
    #: (words, course type, first day) for each booking still going or just missed.
    bookings: list[tuple[str, str, date]] = field(default_factory=list)


def team_of(manager_email: str, *, now: datetime) -> list[TeamMember]:
    """Everyone who named `manager_email` as their line manager (ignoring case), with what
    they have done and their next dates. Nobody else."""
    manager = people.normalise_email(manager_email or "")
    if "@" not in manager:
        return []
    team = db.session.scalars(
        select(Person)
        .where(
            func.lower(func.trim(Person.line_manager_email)) == manager,
            Person.anonymised_at.is_(None),
        )
        .options(
            selectinload(Person.completions),
            selectinload(Person.bookings).selectinload(Booking.course).selectinload(Course.days),
        )
        .order_by(Person.full_name, Person.id)
    ).all()
    return [_member(person, now) for person in team]


def _member(person: Person, now: datetime) -> TeamMember:
    member = TeamMember(
        person=person,
        trained=sorted({c.course_type.name for c in person.completions if c.course_type}),
    )
    for booking in person.bookings:
        course = booking.course
        words = TEAM_WORDS.get(booking.status.value)
        if booking.status == BookingStatus.CONFIRMED and course.is_over(now):
            words = "Missed a day" if booking.attendance == Attendance.NOT_COMPLETED else None
        if words:
            member.bookings.append((words, course.course_type.name, course.first_day.date))
    member.bookings.sort(key=lambda row: row[2])
    return member


# --- The setting -----------------------------------------------------------------------------


@transactional
def set_manager_approval(
    slug: str, required: bool, *, actor: ActorLike, now: datetime
) -> CourseType:
    """Turn the need for a line manager's approval on or off for one course type (by its
    short name). Requests already waiting stay waiting until decided or lapsed."""
    course_type = db.session.scalar(select(CourseType).where(CourseType.slug == slug))
    if course_type is None:
        raise NotFound(f"There is no course type called {slug}.")
    course_type.manager_approval_required = required
    audit.record(
        "course_type.manager_approval_changed", course_type, actor=as_actor(actor), now=now,
        required=required,
    )  # fmt: skip
    return course_type

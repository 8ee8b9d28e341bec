"""Keeping personal data only as long as needed (UK GDPR): purging, exporting and erasing.

- Support needs text is deleted a set number of days after the course's last day.
- People whose last course or booking is a set number of years old (separately for council
  staff and partner agencies) are anonymised, attendees included: contact details and free
  text go; bookings, marks and completions stay, linked to an anonymous row, so the counts
  reports need do not change.
- A coordinator can export everything held about one person, and erase (anonymise) them now.
Running `purge` twice does nothing the second time.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, delete, func, or_, select, update

from ..extensions import db
from ..models import (
    ACTIVE,
    AttendanceChange,
    AttendanceMark,
    AuditEvent,
    Booking,
    CourseDay,
    EmailLink,
    Group,
    InboundMessage,
    OutboxMessage,
    Person,
    TrainingCompletion,
    User,
)
from ..timezone import LONDON
from . import audit
from .db import rows_changed, transactional
from .errors import NotAllowed, ValidationError

ERASED = "(removed when the person's details were erased)"
#: Used links, and links that ran out, are deleted after this long (they hold an address).
LINK_KEEP = timedelta(days=1)


class Retention:
    """What a purge acts on, as the audit trail names it."""

    id = None


@dataclass(frozen=True)
class PurgeSummary:
    support_needs_deleted: int
    staff_anonymised: int
    partner_anonymised: int
    links_deleted: int

    def as_dict(self) -> dict:
        return asdict(self)


def _years_before(moment: date, years: int) -> date:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


@transactional
def purge(
    *, now: datetime, support_needs_days: int, staff_years: int, partner_years: int
) -> PurgeSummary:
    """Delete old support needs and links, and anonymise people whose last course is long past."""
    today = now.astimezone(LONDON).date()
    support_needs = _delete_old_support_needs(today - timedelta(days=support_needs_days), now)
    links = rows_changed(
        delete(EmailLink)
        .where(or_(EmailLink.expires_at < now - LINK_KEEP, EmailLink.used_at < now - LINK_KEEP))
        .execution_options(synchronize_session=False)
    )
    limits = {
        Group.STAFF: _years_before(today, staff_years),
        Group.PARTNER: _years_before(today, partner_years),
    }
    anonymised = {Group.STAFF: 0, Group.PARTNER: 0}
    for person in _people_inactive_since(limits, today):
        _anonymise(person, now)
        anonymised[person.group] += 1
    summary = PurgeSummary(
        support_needs_deleted=support_needs,
        staff_anonymised=anonymised[Group.STAFF],
        partner_anonymised=anonymised[Group.PARTNER],
        links_deleted=links,
    )
    audit.record("privacy.purged", Retention(), actor="system", now=now, **summary.as_dict())
    return summary


def _last_days():
    """Each course's last day, as a subquery of (course_id, last_day)."""
    return (
        select(CourseDay.course_id, func.max(CourseDay.date).label("last_day"))
        .group_by(CourseDay.course_id)
        .subquery()
    )


def _live_bookers(today: date) -> Select:
    """Ids of people holding or waiting for a place on a course that has not ended.

    A booking stays "confirmed" after its course, so a finished course's bookings are over
    whatever their status; a course with no days yet counts as still to come.
    """
    last_days = _last_days()
    return (
        select(Booking.person_id)
        .outerjoin(last_days, last_days.c.course_id == Booking.course_id)
        .where(
            Booking.status.in_(ACTIVE),
            or_(last_days.c.last_day.is_(None), last_days.c.last_day >= today),
        )
    )


def _delete_old_support_needs(last_day_on_or_before: date, now: datetime) -> int:
    last_days = _last_days()
    due = (
        select(Booking.id)
        .join(last_days, last_days.c.course_id == Booking.course_id)
        .where(Booking.support_needs != "", last_days.c.last_day <= last_day_on_or_before)
    )
    return rows_changed(
        update(Booking)
        .where(Booking.id.in_(due))
        .values(support_needs="", support_needs_deleted_at=now)
        .execution_options(synchronize_session=False)
    )


def _people_inactive_since(limits: dict[Group, date], today: date) -> list[Person]:
    """People not yet anonymised whose last booking, course day or completion is too old.

    The clock runs from the last of: joining, asking for a place, a day of a course they
    booked (attended or not) and a recorded completion.
    """
    people = db.session.scalars(
        select(Person).where(Person.anonymised_at.is_(None), Person.id.not_in(_live_bookers(today)))
    ).all()
    last_seen: dict[int, date] = {p.id: p.created_at.astimezone(LONDON).date() for p in people}

    def later(person_id: int, value) -> None:
        if value is None or person_id not in last_seen:
            return
        if isinstance(value, datetime):
            value = value.astimezone(LONDON).date()
        last_seen[person_id] = max(last_seen[person_id], value)

    queries = [
        select(Booking.person_id, func.max(Booking.requested_at)).group_by(Booking.person_id),
        select(Booking.person_id, func.max(CourseDay.date))
        .join(CourseDay, CourseDay.course_id == Booking.course_id)
        .group_by(Booking.person_id),
        select(TrainingCompletion.person_id, func.max(TrainingCompletion.completed_on)).group_by(
            TrainingCompletion.person_id
        ),
    ]
    for query in queries:
        for person_id, value in db.session.execute(query):
            later(person_id, value)
    return [p for p in people if last_seen[p.id] < limits[p.group]]


def _anonymise(person: Person, now: datetime) -> None:
    """Remove everything that identifies the person; keep the rows that are counted."""
    old_values = [v for v in (person.email, person.full_name) if v]
    old_email = person.email
    booking_ids = [b.id for b in person.bookings]
    person.email = f"anonymised-{person.id}@anonymised.invalid"
    person.full_name = ""
    person.job_title = ""
    person.team = ""
    person.line_manager_email = ""
    person.group_override_reason = ""
    person.email_bounced_at = None
    person.session_version += 1
    person.anonymised_at = now
    for booking in person.bookings:
        if booking.support_needs:
            booking.support_needs_deleted_at = now
        booking.support_needs = ""
        booking.reason = ""
    if booking_ids:
        db.session.execute(
            update(AttendanceChange)
            .where(AttendanceChange.booking_id.in_(booking_ids))
            .values(reason="")
            .execution_options(synchronize_session=False)
        )
    for completion in person.completions:
        completion.reason = ""
    db.session.execute(
        delete(EmailLink)
        .where(func.lower(EmailLink.email) == old_email)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(OutboxMessage)
        .where(
            or_(
                func.lower(OutboxMessage.to_address) == old_email,
                OutboxMessage.booking_id.in_(booking_ids or [0]),
            )
        )
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(InboundMessage)
        .where(func.lower(InboundMessage.sender) == old_email)
        .values(sender="", subject=ERASED, body_text="", understanding={})
        .execution_options(synchronize_session=False)
    )
    _scrub_audit(person.id, booking_ids, old_values)


def _scrub_audit(person_id: int, booking_ids: list[int], old_values: list[str]) -> None:
    """The audit trail keeps what happened and when, but not the person's name or address."""
    about_them = or_(
        (AuditEvent.object_type == "person") & (AuditEvent.object_id == person_id),
        (AuditEvent.object_type == "booking") & (AuditEvent.object_id.in_(booking_ids or [0])),
    )
    lowered = [v.lower() for v in old_values]

    def mentions(value) -> bool:
        return isinstance(value, str) and any(v in value.lower() for v in lowered)

    for event in db.session.scalars(select(AuditEvent).where(about_them)):
        if mentions(event.reason):
            event.reason = ERASED
        if any(mentions(v) for v in (event.details or {}).values()):
            event.details = {k: (ERASED if mentions(v) else v) for k, v in event.details.items()}


@transactional
def erase_person(person: Person, *, actor: User | str, now: datetime, reason: str) -> Person:
    """Anonymise one person now (they asked us to, say); the erasure is recorded."""
    if not (reason or "").strip():
        raise ValidationError("Say why you are erasing their details.", field="reason")
    person = db.session.get_one(Person, person.id, with_for_update=True, populate_existing=True)
    if person.anonymised_at is not None:
        raise NotAllowed("This person's details have already been erased.")
    today = now.astimezone(LONDON).date()
    if db.session.scalar(_live_bookers(today).where(Booking.person_id == person.id).limit(1)):
        raise NotAllowed(
            "This person still has a place or is waiting for one. Cancel those bookings first."
        )
    _anonymise(person, now)
    audit.record("person.erased", person, actor=actor, now=now, reason=reason.strip())
    return person


@transactional
def record_support_needs_viewed(obj, *, actor: User, now: datetime, where: str = "") -> None:
    """Note that a coordinator saw support needs (of a booking, a person, or a course's list)."""
    audit.record("support_needs.viewed", obj, actor=actor, now=now, page=where)


# --- Export ---------------------------------------------------------------------------------


def _when(value) -> str | None:
    return value.isoformat() if value is not None else None


def export_person(person: Person) -> dict:
    """Everything held about one person, as JSON-ready data (for a subject access request)."""
    booking_ids = [b.id for b in person.bookings]
    marks = db.session.scalars(
        select(AttendanceMark).where(AttendanceMark.booking_id.in_(booking_ids or [0]))
    ).all()
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            or_(
                (AuditEvent.object_type == "person") & (AuditEvent.object_id == person.id),
                (AuditEvent.object_type == "booking")
                & (AuditEvent.object_id.in_(booking_ids or [0])),
            )
        )
        .order_by(AuditEvent.at)
    ).all()
    emails_sent = db.session.scalars(
        select(OutboxMessage)
        .where(func.lower(OutboxMessage.to_address) == person.email)
        .order_by(OutboxMessage.created_at)
    ).all()
    emails_received = db.session.scalars(
        select(InboundMessage)
        .where(func.lower(InboundMessage.sender) == person.email)
        .order_by(InboundMessage.received_at)
    ).all()
    return {
        "person": {
            "email": person.email,
            "full_name": person.full_name,
            "job_title": person.job_title,
            "team": person.team,
            "organisation": person.organisation,
            "line_manager_email": person.line_manager_email,
            "group": str(person.group),
            "group_override_reason": person.group_override_reason,
            "created_at": _when(person.created_at),
            "anonymised_at": _when(person.anonymised_at),
            "email_bounced_at": _when(person.email_bounced_at),
        },
        "bookings": [
            {
                "id": b.id,
                "course": b.course.course_type.name,
                "course_days": [d.date.isoformat() for d in b.course.days],
                "venue": b.course.venue.one_line_address,
                "status": str(b.status),
                "requested_at": _when(b.requested_at),
                "confirmed_at": _when(b.confirmed_at),
                "ended_at": _when(b.ended_at),
                "reason": b.reason,
                "support_needs": b.support_needs,
                "support_needs_deleted_at": _when(b.support_needs_deleted_at),
                "attendance": [
                    {
                        "day": m.course_day.date.isoformat(),
                        "mark": str(m.mark),
                        "counts_as_attended": m.counts_as_attended,
                    }
                    for m in marks
                    if m.booking_id == b.id
                ],
            }
            for b in person.bookings
        ],
        "training_completed": [
            {
                "course": c.course_type.name,
                "completed_on": c.completed_on.isoformat(),
                "source": str(c.source),
                "reason": c.reason,
            }
            for c in person.completions
        ],
        "emails_sent_to_them": [
            {
                "subject": m.subject,
                "queued_at": _when(m.created_at),
                "sent_at": _when(m.sent_at),
                "text": m.text_body,
            }
            for m in emails_sent
        ],
        "emails_from_them": [
            {"received_at": _when(m.received_at), "subject": m.subject, "text": m.body_text}
            for m in emails_received
        ],
        "history": [
            {
                "at": _when(e.at),
                "what": e.action,
                "who": e.actor,
                "reason": e.reason,
                "record": f"{e.object_type} {e.object_id}",
            }
            for e in events
        ],
    }


@transactional
def record_export(person: Person, *, actor: User, now: datetime, form: str) -> None:
    """An export shows support needs: record who looked, and how (page or JSON file)."""
    audit.record("person.exported", person, actor=actor, now=now, form=form)


def find_person(email: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.email == (email or "").strip().lower()))


# --- The audit trail, for reading ---------------------------------------------------------


def audit_events(
    *,
    action: str = "",
    object_type: str = "",
    object_id: int | None = None,
    actor: str = "",
) -> Select:
    """Audit rows, newest first, narrowed by the filters given (empty means any)."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action.startswith(action.strip(), autoescape=True))
    if object_type:
        query = query.where(AuditEvent.object_type == object_type.strip().lower())
    if object_id:
        query = query.where(AuditEvent.object_id == object_id)
    if actor:
        query = query.where(AuditEvent.actor.icontains(actor.strip(), autoescape=True))
    return query

"""Keeping personal data only as long as needed (UK GDPR): purging, exporting and erasing.

- Support needs text is deleted a set number of days after the course's last day.
- What people wrote to the training mailbox is deleted a set number of days after the
  message was dealt with, or after its course ended if that is later; the facts the system
  took from it (what they asked for, which course, what was done) stay.
- People whose last course or booking is a set number of years old (separately for council
  staff and partner agencies) are anonymised, attendees included: contact details and free
  text go; bookings, marks and completions stay, linked to an anonymous row, so the counts
  reports need do not change. Their feedback loses its link to them and their name, and any
  quote of theirs comes down (services/feedback.py).
- A coordinator can export everything held about one person, and erase (anonymise) them now.
Running `purge` twice does nothing the second time.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from markupsafe import escape
from sqlalchemy import Select, Text, cast, delete, func, or_, select, update

from ..extensions import db
from ..mail.outbound import composing
from ..models import (
    ACTIVE,
    AttendanceChange,
    AttendanceMark,
    AuditEvent,
    Booking,
    Course,
    CourseDay,
    EmailLink,
    Group,
    InboundMessage,
    OutboxMessage,
    Person,
    TrainingCompletion,
)
from ..timezone import london_date
from . import audit, certificates, feedback
from .actors import SYSTEM, ActorLike
from .db import rows_changed, transactional
from .errors import NotAllowed, ValidationError
from .mailbox import OPEN_OUTCOMES

ERASED = "(removed when the person's details were erased)"
#: What stands in for their name or address in text that is kept (an erase reason, say).
NAME_REMOVED = "[name removed]"
ADDRESS_REMOVED = "[email address removed]"
#: Used links, and links that ran out, are deleted after this long (they hold an address).
LINK_KEEP = timedelta(days=1)


class Retention:
    """What a purge acts on, as the audit trail names it."""

    id = None


@dataclass(frozen=True)
class PurgeSummary:
    support_needs_deleted: int
    message_texts_deleted: int
    staff_anonymised: int
    partner_anonymised: int
    links_deleted: int
    #: Feedback responses cut off from their bookings because the form closed.
    feedback_forms_closed: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def _years_before(moment: date, years: int) -> date:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


@transactional
def purge(
    *,
    now: datetime,
    support_needs_days: int,
    staff_years: int,
    partner_years: int,
    message_text_days: int,
) -> PurgeSummary:
    """Delete old support needs, message text and links, and anonymise people whose last
    course is long past."""
    today = london_date(now)
    support_needs = _delete_old_support_needs(today - timedelta(days=support_needs_days), now)
    message_texts = _delete_old_message_texts(message_text_days, now)
    links = rows_changed(
        delete(EmailLink)
        .where(or_(EmailLink.expires_at < now - LINK_KEEP, EmailLink.used_at < now - LINK_KEEP))
        .execution_options(synchronize_session=False)
    )
    forms_closed = feedback.close_finished_forms(now=now)
    limits = {
        Group.STAFF: _years_before(today, staff_years),
        Group.PARTNER: _years_before(today, partner_years),
    }
    anonymised = {Group.STAFF: 0, Group.PARTNER: 0}
    for person in _people_inactive_since(limits, now):
        _anonymise(person, now)
        anonymised[person.group] += 1
    summary = PurgeSummary(
        support_needs_deleted=support_needs,
        message_texts_deleted=message_texts,
        staff_anonymised=anonymised[Group.STAFF],
        partner_anonymised=anonymised[Group.PARTNER],
        links_deleted=links,
        feedback_forms_closed=forms_closed,
    )
    audit.record("privacy.purged", Retention(), actor=SYSTEM, now=now, **summary.as_dict())
    return summary


def _last_days():
    """Each course's last day, as a subquery of (course_id, last_day)."""
    return (
        select(CourseDay.course_id, func.max(CourseDay.date).label("last_day"))
        .group_by(CourseDay.course_id)
        .subquery()
    )


def _live_bookers(now: datetime) -> Select:
    """Ids of people holding or waiting for a place on a course that is not over
    (`Course.is_over`).

    A booking stays "confirmed" after its course, so a finished course's bookings are over
    whatever their status; a course with no days yet counts as still to come.
    """
    return (
        select(Booking.person_id)
        .join(Course, Course.id == Booking.course_id)
        .where(Booking.status.in_(ACTIVE), ~Course.is_over(now))
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


def _delete_old_message_texts(days: int, now: datetime) -> int:
    """Empty the text of mailbox messages dealt with `days` ago whose course (if any) ended
    `days` ago; messages still waiting for a coordinator keep theirs."""
    last_days = _last_days()
    long_enough = now - timedelta(days=days)
    due = (
        select(InboundMessage.id)
        .outerjoin(last_days, last_days.c.course_id == InboundMessage.course_id)
        .where(
            InboundMessage.body_text != "",
            InboundMessage.outcome.not_in(OPEN_OUTCOMES),
            # Messages handled before handled_at was kept count from when they arrived.
            func.coalesce(InboundMessage.handled_at, InboundMessage.received_at) <= long_enough,
            or_(
                last_days.c.last_day.is_(None),
                last_days.c.last_day <= london_date(long_enough),
            ),
        )
    )
    return rows_changed(
        update(InboundMessage)
        .where(InboundMessage.id.in_(due))
        .values(body_text="", body_deleted_at=now)
        .execution_options(synchronize_session=False)
    )


def _people_inactive_since(limits: dict[Group, date], now: datetime) -> list[Person]:
    """People not yet anonymised whose last booking, course day or completion is too old.

    The clock runs from the last of: joining, asking for a place, a day of a course they
    booked (attended or not) and a recorded completion.
    """
    people = db.session.scalars(
        select(Person).where(Person.anonymised_at.is_(None), Person.id.not_in(_live_bookers(now)))
    ).all()
    last_seen: dict[int, date] = {p.id: london_date(p.created_at) for p in people}

    def later(person_id: int, value) -> None:
        if value is None or person_id not in last_seen:
            return
        if isinstance(value, datetime):
            value = london_date(value)
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
    traces = _Traces(email=person.email, name=person.full_name)
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
    certificates.forget(person.id)
    # The app's signing key finds their feedback (it is stored under a keyed hash only).
    feedback.forget(
        list(person.bookings), secret_key=composing.settings().secret_key, now=now,
        redact=traces.redact,
    )  # fmt: skip
    db.session.execute(
        delete(EmailLink)
        .where(func.lower(EmailLink.email) == traces.email)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(OutboxMessage)
        .where(
            or_(
                func.lower(OutboxMessage.to_address) == traces.email,
                OutboxMessage.booking_id.in_(booking_ids or [0]),
            )
        )
        .execution_options(synchronize_session=False)
    )
    _redact_lists_of_people(traces)
    message_ids = _erase_their_messages(traces.email, booking_ids, now)
    message_ids += _cut_them_out_of_other_messages(traces, skip=message_ids)
    _scrub_audit(person.id, booking_ids, message_ids, traces)


@dataclass(frozen=True)
class _Traces:
    """What names one person in free text: their email address and their full name."""

    email: str
    name: str

    def redact(self, value):
        """`value` (text, or JSON-like data holding text) with the name and address replaced."""
        if isinstance(value, dict):
            return {k: self.redact(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.redact(v) for v in value]
        if not isinstance(value, str):
            return value
        for found, words in ((self.email, ADDRESS_REMOVED), (self.name, NAME_REMOVED)):
            if found.strip():
                value = re.sub(rf"(?<!\w){re.escape(found)}(?!\w)", words, value, flags=re.I)
        return value


def _redact_lists_of_people(traces: _Traces) -> None:
    """Messages that list several people (the mailbox's copy of a course change, say) are
    kept for the others, with this person's line replaced.

    They are queued with no booking, so they are found by the address on the person's line.
    """
    in_html = str(escape(traces.email))
    text_line = re.compile(rf"^([ \t]*-[ \t]*)?.*{re.escape(traces.email)}.*$", re.I | re.M)
    html_item = re.compile(rf"<li>[^<]*{re.escape(in_html)}[^<]*</li>", re.I)
    listing = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.booking_id.is_(None),
            func.lower(OutboxMessage.text_body).contains(traces.email, autoescape=True),
        )
    )
    for message in listing:
        text = text_line.sub(lambda line: f"{line.group(1) or ''}{ERASED}", message.text_body)
        html = html_item.sub(f"<li>{ERASED}</li>", message.html_body)
        # Anywhere else the address appears, it goes too.
        address_only = _Traces(email=traces.email, name="")
        message.text_body = address_only.redact(text)
        message.html_body = address_only.redact(html).replace(in_html, ADDRESS_REMOVED)


def _erase_their_messages(email: str, booking_ids: list[int], now: datetime) -> list[int]:
    """Messages they sent the mailbox (or that led to their bookings) keep only the facts the
    system recorded about handling them; the coordinator's note on them goes too."""
    theirs = or_(
        func.lower(InboundMessage.sender) == email,
        InboundMessage.booking_id.in_(booking_ids or [0]),
    )
    message_ids = list(db.session.scalars(select(InboundMessage.id).where(theirs)))
    if message_ids:
        db.session.execute(
            update(InboundMessage)
            .where(InboundMessage.id.in_(message_ids))
            .values(
                sender="",
                subject=ERASED,
                body_text="",
                body_deleted_at=now,
                understanding={},
                closed_note="",
                message_id_header="",
                reference_ids="",
            )
            .execution_options(synchronize_session=False)
        )
    return message_ids


def _cut_them_out_of_other_messages(traces: _Traces, *, skip: list[int]) -> list[int]:
    """Messages from someone else that name them (a manager asking for a place for a new
    starter, say) keep everything except the person's name and address."""

    def mentions(column):
        return func.lower(column).contains(traces.email, autoescape=True)

    naming_them = db.session.scalars(
        select(InboundMessage).where(
            or_(
                mentions(InboundMessage.subject),
                mentions(InboundMessage.body_text),
                mentions(cast(InboundMessage.understanding, Text)),
            ),
            InboundMessage.id.not_in(skip or [0]),
        )
    ).all()
    for message in naming_them:
        message.subject = traces.redact(message.subject)
        message.body_text = traces.redact(message.body_text)
        message.understanding = traces.redact(message.understanding or {})
        message.closed_note = traces.redact(message.closed_note)
    _cut_them_out_of_our_replies([m.message_id_header for m in naming_them], traces)
    return [message.id for message in naming_them]


def _cut_them_out_of_our_replies(message_ids: list[str], traces: _Traces) -> None:
    """Our replies to those messages repeat their subject ("Re: Training for ..."), and may
    quote what they said: the person's name and address go from those too."""
    answered = [message_id for message_id in message_ids if message_id]
    if not answered:
        return
    for reply in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.in_reply_to.in_(answered))
    ):
        reply.subject = traces.redact(reply.subject)
        reply.text_body = traces.redact(reply.text_body)
        reply.html_body = traces.redact(reply.html_body)


def _scrub_audit(
    person_id: int, booking_ids: list[int], message_ids: list[int], traces: _Traces
) -> None:
    """The audit trail keeps what happened and when, and why, but not the person's name or
    address: they are cut out of the reasons and details of every event about them."""
    about_them = or_(
        (AuditEvent.object_type == "person") & (AuditEvent.object_id == person_id),
        (AuditEvent.object_type == "booking") & (AuditEvent.object_id.in_(booking_ids or [0])),
        (AuditEvent.object_type == "inboundmessage")
        & (AuditEvent.object_id.in_(message_ids or [0])),
    )
    for event in db.session.scalars(select(AuditEvent).where(about_them)):
        reason, details = traces.redact(event.reason), traces.redact(event.details or {})
        if reason != event.reason:
            event.reason = reason
        if details != (event.details or {}):
            event.details = details


@transactional
def erase_person(person: Person, *, actor: ActorLike, now: datetime, reason: str) -> Person:
    """Anonymise one person now (they asked us to, say); the erasure is recorded."""
    if not (reason or "").strip():
        raise ValidationError("Say why you are erasing their details.", field="reason")
    person = db.session.get_one(Person, person.id, with_for_update=True, populate_existing=True)
    if person.anonymised_at is not None:
        raise NotAllowed("This person's details have already been erased.")
    if db.session.scalar(_live_bookers(now).where(Booking.person_id == person.id).limit(1)):
        raise NotAllowed(
            "This person still has a place or is waiting for one. Cancel those bookings first."
        )
    # Recorded first, so a reason that names them is cleaned with everything else.
    audit.record("person.erased", person, actor=actor, now=now, reason=reason.strip())
    _anonymise(person, now)
    return person


@transactional
def record_support_needs_viewed(obj, *, actor: ActorLike, now: datetime, where: str = "") -> None:
    """Note that a coordinator saw support needs (of a booking, a person, or a course's list)."""
    audit.record("support_needs.viewed", obj, actor=actor, now=now, page=where)


# --- Export ---------------------------------------------------------------------------------


def _when(value) -> str | None:
    return value.isoformat() if value is not None else None


def export_person(person: Person) -> dict:
    """Everything held about one person, as JSON-ready data (for a subject access request)."""
    return {
        "person": _details(person),
        "bookings": _bookings(person),
        "training_completed": [
            {
                "course": c.course_type.name,
                "completed_on": c.completed_on.isoformat(),
                "source": str(c.source),
                "reason": c.reason,
            }
            for c in person.completions
        ],
        "certificates": _certificates(person),
        "feedback": _feedback(person),
        "emails_sent_to_them": _emails_sent(person),
        "emails_from_them": _emails_received(person),
        "history": _history(person),
    }


def _certificates(person: Person) -> list[dict]:
    """Their certificates of completion, by number (the number is what others can check)."""
    found = []
    for completion in person.completions:
        certificate = certificates.existing(completion)
        if certificate is not None:
            found.append(
                {
                    "number": certificate.number,
                    "course": completion.course_type.name,
                    "issued_at": _when(certificate.issued_at),
                }
            )
    return found


def _feedback(person: Person) -> list[dict]:
    """What they wrote on the feedback forms still tied to them (a form closed without consent
    to quote is no longer tied to anyone, so it cannot be found, or given, here)."""
    secret_key = composing.settings().secret_key
    found = []
    for booking in person.bookings:
        response = feedback.response_for(booking, secret_key)
        if response is not None:
            found.append(
                {
                    "booking_id": booking.id,
                    "submitted_at": _when(response.submitted_at),
                    "worked_well": response.worked_well,
                    "worried": response.worried,
                    "do_differently": response.do_differently,
                    "confidence_before": response.confidence_before,
                    "confidence_after": response.confidence_after,
                    "may_be_quoted": response.quote_consent,
                }
            )
    return found


def _details(person: Person) -> dict:
    return {
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
    }


def _bookings(person: Person) -> list[dict]:
    booking_ids = [b.id for b in person.bookings]
    marks = db.session.scalars(
        select(AttendanceMark).where(AttendanceMark.booking_id.in_(booking_ids or [0]))
    ).all()
    return [
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
    ]


#: What the export says of an email the sender has not written out yet.
STILL_BEING_WRITTEN = "Still being written: it goes in the next few minutes"


def _emails_sent(person: Person) -> list[dict]:
    messages = db.session.scalars(
        select(OutboxMessage)
        .where(func.lower(OutboxMessage.to_address) == person.email)
        .order_by(OutboxMessage.created_at)
    )
    return [
        {
            # A booking's email waits a few seconds for the sender to write it out.
            "subject": m.subject if m.compose is None else STILL_BEING_WRITTEN,
            "queued_at": _when(m.created_at),
            "sent_at": _when(m.sent_at),
            "text": m.text_body,
        }
        for m in messages
    ]


def _emails_received(person: Person) -> list[dict]:
    messages = db.session.scalars(
        select(InboundMessage)
        .where(func.lower(InboundMessage.sender) == person.email)
        .order_by(InboundMessage.received_at)
    )
    return [
        {"received_at": _when(m.received_at), "subject": m.subject, "text": m.body_text}
        for m in messages
    ]


def _history(person: Person) -> list[dict]:
    booking_ids = [b.id for b in person.bookings]
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
    )
    return [
        {
            "at": _when(e.at),
            "what": e.action,
            "who": e.actor,
            "reason": e.reason,
            "record": f"{e.object_type} {e.object_id}",
        }
        for e in events
    ]


@transactional
def record_export(person: Person, *, actor: ActorLike, now: datetime, form: str) -> None:
    """An export shows support needs: record who looked, and how (page or JSON file)."""
    audit.record("person.exported", person, actor=actor, now=now, form=form)


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

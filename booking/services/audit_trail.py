"""Reading the audit trail for people: each row in plain words, with the names of the
booking, course, person or account it is about instead of a kind and a number.

How events are recorded lives in services/audit.py; this module only shows them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    AuditEvent,
    Booking,
    Course,
    CourseType,
    InboundMessage,
    OutboxMessage,
    Person,
    Room,
    User,
    Venue,
)
from ..words import AUDIT_RECORD_WORDS, describe_action, short_date
from .audit import SYSTEM

#: Someone whose name and address were erased (privacy) still has rows in the trail.
ERASED = "a person whose details were erased"


@dataclass(frozen=True)
class AuditLine:
    """One audit event as a coordinator reads it."""

    event: AuditEvent
    what: str  #: "Booking cancelled"
    record: str  #: "Booking: Jo Bloggs, 2 March 2026, Kendal"
    who: str  #: "Carol Coordinator (coordinator)", "The system (automatic)"


def _person(person: Person | None) -> str:
    if person is None or person.anonymised_at is not None:
        return ERASED
    return person.full_name or person.email


def _course(course: Course) -> str:
    return f"{short_date(course.first_day.date)}, {course.venue.town}"


def _booking(booking: Booking) -> str:
    return f"{_person(booking.person)}, {_course(booking.course)}"


def _user(user: User) -> str:
    return user.full_name or user.email


#: For each kind of record: its model, how to load what its name needs, and its name.
_NAMERS: dict[str, tuple[Any, Sequence, Callable]] = {
    "booking": (
        Booking,
        (
            selectinload(Booking.person),
            selectinload(Booking.course).selectinload(Course.days),
            selectinload(Booking.course).selectinload(Course.venue),
        ),
        _booking,
    ),
    "course": (Course, (selectinload(Course.days), selectinload(Course.venue)), _course),
    "person": (Person, (), _person),
    "user": (User, (), _user),
    "venue": (Venue, (), lambda v: f"{v.name}, {v.town}"),
    "room": (Room, (selectinload(Room.venue),), lambda r: f"{r.name}, {r.venue.name}"),
    "coursetype": (CourseType, (), lambda t: t.name),
    "inboundmessage": (InboundMessage, (), lambda m: f"from {m.sender or 'an unknown sender'}"),
    "outboxmessage": (OutboxMessage, (), lambda m: f"to {m.to_address}"),
}


def _names(events: Iterable[AuditEvent]) -> dict[tuple[str, int], str]:
    """The name of every record the events are about (one query per kind of record)."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if event.object_id is not None and event.object_type in _NAMERS:
            wanted[event.object_type].add(event.object_id)
    names: dict[tuple[str, int], str] = {}
    for kind, ids in wanted.items():
        model, options, name = _NAMERS[kind]
        rows: Iterable[Any] = db.session.scalars(
            select(model).where(model.id.in_(ids)).options(*options)
        )
        for row in rows:
            names[(kind, row.id)] = name(row)
    return names


def _who(actor: str) -> str:
    if actor == SYSTEM.describe():
        return "The system (automatic)"
    return actor[:1].upper() + actor[1:]


def audit_lines(events: Sequence[AuditEvent]) -> list[AuditLine]:
    """The events in plain words, each with the name of what it is about."""
    names = _names(events)
    lines = []
    for event in events:
        kind = AUDIT_RECORD_WORDS.get(event.object_type, event.object_type.capitalize())
        name = names.get((event.object_type, event.object_id or 0))
        if name is None and event.object_type in _NAMERS and event.object_id is not None:
            name = "since deleted"
        lines.append(
            AuditLine(
                event=event,
                what=describe_action(event.action),
                record=f"{kind}: {name}" if name else kind,
                who=_who(event.actor),
            )
        )
    return lines

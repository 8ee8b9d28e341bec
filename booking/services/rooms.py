"""Rooms at venues, and the rule that a course's places fit its room.

A venue has rooms, each holding a number of people. A course may be in one of its venue's
rooms. Its total places may not be more than the room holds, unless a coordinator gives a
reason, which the audit trail keeps (as for a walk-in beyond the places, rule 13). A course
already saved over its room's capacity keeps it without a new reason until its places or
its room change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import Course, Room, Venue
from . import audit
from .actors import ActorLike
from .db import transactional
from .errors import NotAllowed, Problems

#: The most people a room can be said to hold (a slip like 2000 is refused).
MAX_CAPACITY = 500
NAME_LIMIT = 200


@dataclass
class RoomDetails:
    name: str
    capacity: int | None


# --- Reading -------------------------------------------------------------------------------


def rooms_at(venue: Venue, *, include_archived: bool = False) -> list[Room]:
    """A venue's rooms by name."""
    stmt = select(Room).where(Room.venue_id == venue.id).order_by(Room.name)
    if not include_archived:
        stmt = stmt.where(Room.is_archived.is_(False))
    return list(db.session.scalars(stmt))


def rooms_by_id() -> dict[int, Room]:
    """Every room, archived or not, by id (the service checks the one chosen)."""
    return {room.id: room for room in db.session.scalars(select(Room))}


def rooms_to_choose(course: Course | None = None) -> list[Room]:
    """Rooms a course can be put in: those not archived at venues not archived, by venue
    and name, plus the course's own room whatever its state (so editing keeps it)."""
    stmt = (
        select(Room)
        .join(Room.venue)
        .where(Room.is_archived.is_(False), Venue.is_archived.is_(False))
        .order_by(Venue.town, Venue.name, Room.name)
    )
    found = list(db.session.scalars(stmt))
    if course is not None and course.room is not None and course.room not in found:
        found.append(course.room)
    return found


# --- The capacity rule ---------------------------------------------------------------------


def _needs_reason(room: Room, total_places: int, course: Course | None) -> bool:
    """Over the room's capacity, and not as already saved (same room, same places)."""
    if total_places <= room.capacity:
        return False
    unchanged = (
        course is not None and course.room_id == room.id and course.total_places == total_places
    )
    return not unchanged


def room_problems(
    room: Room | None,
    *,
    venue: Venue | None,
    total_places: int,
    capacity_reason: str,
    course: Course | None,
) -> list[tuple[str, str]]:
    """What is wrong with a course's room: not at its venue, archived, or too small for its
    places without a reason."""
    if room is None or venue is None:
        return []
    if room.venue_id != venue.id:
        return [("room_id", f"Choose a room at {venue.name}, or no room")]
    if room.is_archived and (course is None or course.room_id != room.id):
        return [("room_id", "That room is archived. Choose another room")]
    if _needs_reason(room, total_places, course) and not capacity_reason.strip():
        return [
            (
                "capacity_reason",
                f"{room.name} holds {room.capacity} people. Enter {room.capacity} or fewer "
                "total places, or say why this course needs more places than the room holds",
            )
        ]
    return []


def record_over_capacity(
    course: Course, *, capacity_reason: str, actor: ActorLike, now: datetime
) -> None:
    """Keep the coordinator's reason for places beyond the room's capacity in the audit
    trail (called once the course is saved)."""
    reason = capacity_reason.strip()
    if reason and course.room is not None and course.total_places > course.room.capacity:
        audit.record(
            "course.over_room_capacity",
            course,
            actor=actor,
            now=now,
            reason=reason,
            room=course.room.name,
            capacity=course.room.capacity,
            total_places=course.total_places,
        )


# --- Changing rooms ------------------------------------------------------------------------


def _clean(details: RoomDetails, venue: Venue, room: Room | None) -> tuple[str, int]:
    """The name with single spaces, and the capacity; Problems if either will not do."""
    name = " ".join(details.name.split())
    problems = []
    if not name:
        problems.append(("name", "Enter the room's name"))
    elif len(name) > NAME_LIMIT:
        problems.append(("name", f"The name must be {NAME_LIMIT} characters or fewer"))
    elif any(
        other.name.lower() == name.lower() and other is not room
        for other in rooms_at(venue, include_archived=True)
    ):
        problems.append(("name", f"{venue.name} already has a room called {name}"))
    if details.capacity is None:
        problems.append(("capacity", "Enter how many people the room holds"))
    elif not 1 <= details.capacity <= MAX_CAPACITY:
        problems.append(("capacity", f"The number of people must be between 1 and {MAX_CAPACITY}"))
    if problems or details.capacity is None:
        raise Problems(problems)
    return name, details.capacity


@transactional
def create_room(venue: Venue, details: RoomDetails, *, actor: ActorLike, now: datetime) -> Room:
    """Add a room to a venue."""
    name, capacity = _clean(details, venue, None)
    room = Room(venue=venue, name=name, capacity=capacity)
    db.session.add(room)
    db.session.flush()
    audit.record("room.created", room, actor=actor, now=now, venue_id=venue.id)
    return room


@transactional
def update_room(room: Room, details: RoomDetails, *, actor: ActorLike, now: datetime) -> Room:
    """Change a room's name or how many it holds (courses already there keep their places)."""
    room.name, room.capacity = _clean(details, room.venue, room)
    audit.record("room.updated", room, actor=actor, now=now, capacity=room.capacity)
    return room


@transactional
def archive_room(room: Room, *, actor: ActorLike, now: datetime) -> Room:
    """Stop offering a room for new courses (courses already there keep it)."""
    if room.is_archived:
        raise NotAllowed("This room is already archived.")
    room.is_archived = True
    audit.record("room.archived", room, actor=actor, now=now)
    return room


@transactional
def restore_room(room: Room, *, actor: ActorLike, now: datetime) -> Room:
    """Offer an archived room for new courses again."""
    if not room.is_archived:
        raise NotAllowed("This room is not archived.")
    room.is_archived = False
    audit.record("room.restored", room, actor=actor, now=now)
    return room

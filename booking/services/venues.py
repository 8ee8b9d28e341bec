"""Venues courses are held at: adding, changing (people with places on upcoming courses
there are told when the address changes), archiving and restoring."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import Course, CourseStatus, Venue, with_details
from ..values import ScheduleChange
from . import audit
from .actors import ActorLike
from .courses import current_days, tell_schedule_change
from .db import transactional
from .errors import NotAllowed, Problems


@dataclass
class VenueDetails:
    name: str
    address: str
    town: str
    postcode: str = ""
    accessibility_notes: str = ""
    parking_notes: str = ""


def venues(*, include_archived: bool = False) -> list[Venue]:
    stmt = select(Venue).order_by(Venue.town, Venue.name)
    if not include_archived:
        stmt = stmt.where(Venue.is_archived.is_(False))
    return list(db.session.scalars(stmt))


_VENUE_LIMITS = {"name": 200, "town": 100, "postcode": 10}


def _clean_venue(details: VenueDetails) -> VenueDetails:
    cleaned = VenueDetails(
        name=" ".join(details.name.split()),
        address="\n".join(line.strip() for line in details.address.splitlines() if line.strip()),
        town=" ".join(details.town.split()),
        postcode=" ".join(details.postcode.upper().split()),
        accessibility_notes=details.accessibility_notes.strip(),
        parking_notes=details.parking_notes.strip(),
    )
    problems = []
    for name, label in (
        ("name", "the venue's name"),
        ("address", "the address"),
        ("town", "the town"),
    ):
        if not getattr(cleaned, name):
            problems.append((name, f"Enter {label}"))
    for name, limit in _VENUE_LIMITS.items():
        if len(getattr(cleaned, name)) > limit:
            problems.append((name, f"{name.capitalize()} must be {limit} characters or fewer"))
    if problems:
        raise Problems(problems)
    return cleaned


_VENUE_FIELDS = ("name", "address", "town", "postcode", "accessibility_notes", "parking_notes")
_LOCATION_FIELDS = ("name", "address", "town", "postcode")


@transactional
def create_venue(details: VenueDetails, *, actor: ActorLike, now: datetime) -> Venue:
    """Add a venue courses can be held at."""
    cleaned = _clean_venue(details)
    venue = Venue(**{name: getattr(cleaned, name) for name in _VENUE_FIELDS})
    db.session.add(venue)
    db.session.flush()
    audit.record("venue.created", venue, actor=actor, now=now)
    return venue


@transactional
def update_venue(venue: Venue, details: VenueDetails, *, actor: ActorLike, now: datetime) -> Venue:
    """Change a venue. If its name or address changes, people holding places on upcoming
    courses there are told, as for any change of venue."""
    cleaned = _clean_venue(details)
    moved = any(getattr(venue, n) != getattr(cleaned, n) for n in _LOCATION_FIELDS)
    old_address = venue.one_line_address
    for name in _VENUE_FIELDS:
        setattr(venue, name, getattr(cleaned, name))
    db.session.flush()
    if moved:
        upcoming = db.session.scalars(
            with_details(
                select(Course).where(
                    Course.venue_id == venue.id,
                    Course.status == CourseStatus.PUBLISHED,
                    ~Course.is_over(now),
                )
            )
        )
        for course in upcoming:
            days = current_days(course)
            change = ScheduleChange(days, days, old_address, venue.one_line_address)
            tell_schedule_change(course, change, actor=actor, now=now)
    audit.record("venue.updated", venue, actor=actor, now=now, address_changed=moved)
    return venue


@transactional
def archive_venue(venue: Venue, *, actor: ActorLike, now: datetime) -> Venue:
    """Stop offering a venue for new courses (courses already there keep it)."""
    if venue.is_archived:
        raise NotAllowed("This venue is already archived.")
    venue.is_archived = True
    audit.record("venue.archived", venue, actor=actor, now=now)
    return venue


@transactional
def restore_venue(venue: Venue, *, actor: ActorLike, now: datetime) -> Venue:
    """Offer an archived venue for new courses again."""
    if not venue.is_archived:
        raise NotAllowed("This venue is not archived.")
    venue.is_archived = False
    audit.record("venue.restored", venue, actor=actor, now=now)
    return venue

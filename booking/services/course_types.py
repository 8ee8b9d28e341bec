"""Course types: what kinds of course there are, for whom, the defaults a new course of each
type starts from, and prerequisites (the types someone must have completed first).

Rules about a booking and its course's type live with the booking rules: who may take a
place (`allocation`, "partners may book"), and the prerequisite check (`prerequisites`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy import func, select

from ..extensions import db
from ..models import CourseType
from . import audit
from .actors import ActorLike
from .db import transactional
from .errors import Problems

MAX_DAYS = 5
MAX_PLACES = 500
#: Stops slips such as 140 instead of 14.
MAX_RELEASE_DAYS_BEFORE = 90
MAX_CUTOFF_WORKING_DAYS_BEFORE = 20


@dataclass
class CourseTypeDetails:
    """Everything a coordinator sets on a course type."""

    name: str
    summary: str = ""
    description: str = ""
    what_to_bring: str = ""
    days_count: int = 2
    default_starts_at: time = time(9, 30)
    default_ends_at: time = time(16, 30)
    default_total_places: int = 20
    default_partner_places: int = 4
    partners_may_book: bool = True
    manager_approval_required: bool = False  #: rule 25
    release_days_before: int = 14
    cutoff_working_days_before: int = 2
    prerequisites: Sequence[CourseType] = field(default_factory=list)


def course_types() -> list[CourseType]:
    """Every course type, by name."""
    return list(db.session.scalars(select(CourseType).order_by(CourseType.name)))


def by_slug(slug: str) -> CourseType | None:
    return db.session.scalar(select(CourseType).where(CourseType.slug == slug))


def slug_for(name: str) -> str:
    """A short name for URLs from the type's name: "Advanced practice" -> "advanced-practice"."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80] or "course"


def _leads_back(start: CourseType, target: CourseType) -> bool:
    """Whether `target` is `start` or one of its prerequisites, however far down."""
    seen: set[int] = set()
    todo = [start]
    while todo:
        current = todo.pop()
        if current.id == target.id:
            return True
        if current.id not in seen:
            seen.add(current.id)
            todo.extend(current.prerequisites)
    return False


def _name_problems(details: CourseTypeDetails, course_type: CourseType | None) -> list:
    name = details.name.strip()
    if not name:
        return [("name", "Enter the name of the course type")]
    taken = db.session.scalar(
        select(CourseType.id).where(
            func.lower(CourseType.name) == name.lower(),
            CourseType.id != (course_type.id if course_type else -1),
        )
    )
    return [("name", "There is already a course type with that name")] if taken else []


def _number_problems(details: CourseTypeDetails) -> list[tuple[str, str]]:
    problems = []
    if not 1 <= details.days_count <= MAX_DAYS:
        problems.append(("days_count", f"The number of days must be between 1 and {MAX_DAYS}"))
    if details.default_ends_at <= details.default_starts_at:
        problems.append(("default_ends_at", "A day must end after it starts"))
    if not 1 <= details.default_total_places <= MAX_PLACES:
        problems.append(
            ("default_total_places", f"Total places must be between 1 and {MAX_PLACES}")
        )
    elif details.partners_may_book and not (
        0 <= details.default_partner_places <= details.default_total_places
    ):
        problems.append(
            (
                "default_partner_places",
                "Places for partner agencies must be between 0 and the total number of places",
            )
        )
    if not 0 <= details.release_days_before <= MAX_RELEASE_DAYS_BEFORE:
        problems.append(
            (
                "release_days_before",
                f"Days before day 1 must be between 0 and {MAX_RELEASE_DAYS_BEFORE}",
            )
        )
    if not 1 <= details.cutoff_working_days_before <= MAX_CUTOFF_WORKING_DAYS_BEFORE:
        problems.append(
            (
                "cutoff_working_days_before",
                f"Working days before day 1 must be between 1 and {MAX_CUTOFF_WORKING_DAYS_BEFORE}",
            )
        )
    return problems


def check_details(details: CourseTypeDetails, course_type: CourseType | None = None) -> None:
    """Raise Problems (each with its field) if these details cannot be saved."""
    problems = _name_problems(details, course_type) + _number_problems(details)
    if course_type is not None:
        for required in details.prerequisites:
            if _leads_back(required, course_type):
                problems.append(
                    (
                        "prerequisite_ids",
                        f"{required.name} cannot be needed first: it needs this course itself",
                    )
                )
    if problems:
        raise Problems(problems)


def _unique_slug(name: str, course_type: CourseType | None) -> str:
    base = slug_for(name)
    slug, number = base, 2
    while (found := by_slug(slug)) is not None and found is not course_type:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _apply(course_type: CourseType, details: CourseTypeDetails) -> None:
    course_type.name = details.name.strip()
    course_type.summary = details.summary.strip()
    course_type.description = details.description.strip()
    course_type.what_to_bring = details.what_to_bring.strip()
    course_type.days_count = details.days_count
    course_type.default_starts_at = details.default_starts_at
    course_type.default_ends_at = details.default_ends_at
    course_type.default_total_places = details.default_total_places
    # A type partner agencies cannot book keeps no places for them.
    course_type.partners_may_book = details.partners_may_book
    course_type.default_partner_places = (
        details.default_partner_places if details.partners_may_book else 0
    )
    course_type.manager_approval_required = details.manager_approval_required
    course_type.release_days_before = details.release_days_before
    course_type.cutoff_working_days_before = details.cutoff_working_days_before
    course_type.prerequisites = [t for t in details.prerequisites if t is not course_type]


@transactional
def create_course_type(
    details: CourseTypeDetails, *, actor: ActorLike, now: datetime
) -> CourseType:
    """Save a new course type."""
    check_details(details)
    course_type = CourseType(slug=_unique_slug(details.name, None))
    _apply(course_type, details)
    db.session.add(course_type)
    db.session.flush()
    audit.record("course_type.created", course_type, actor=actor, now=now, name=course_type.name)
    return course_type


@transactional
def update_course_type(
    course_type: CourseType, details: CourseTypeDetails, *, actor: ActorLike, now: datetime
) -> CourseType:
    """Change a course type. Its courses keep their own places, dates and times; the type's
    name, description, audience and prerequisites apply to them at once. The slug (in
    bookmarked calendar links) stays."""
    check_details(details, course_type)
    _apply(course_type, details)
    db.session.flush()
    audit.record(
        "course_type.updated",
        course_type,
        actor=actor,
        now=now,
        partners_may_book=course_type.partners_may_book,
        manager_approval_required=course_type.manager_approval_required,
        prerequisites=[t.id for t in course_type.prerequisites],
    )
    return course_type

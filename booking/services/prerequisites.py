"""The rule "prerequisites" (rule 24): a course type may need other types completed first (for
example the advanced course needs the introductory course). Someone who has not completed
one cannot book, nor join the waitlist; the refusal names the course they need and its next
dates. A coordinator adding someone may go ahead anyway, giving a reason (the audit trail
keeps it). A prerequisite completed elsewhere counts once a coordinator records it
(`records.record_completion_elsewhere`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import Course, CourseType, Person, TrainingCompletion, with_details
from ..words import short_date
from .courses import first_day_date
from .errors import NotAllowed

#: How many next dates the refusal names.
NEXT_DATES_SHOWN = 3


class PrerequisiteMissing(NotAllowed):
    """Refused: the person has not completed a course type this one needs first."""

    def __init__(self, message: str, missing: list[CourseType]):
        super().__init__(message)
        self.missing = missing


def missing_for(person: Person | None, course_type: CourseType) -> list[CourseType]:
    """The prerequisites of `course_type` the person has no completion of (one query).
    Someone not on record yet (None) has completed nothing."""
    needed = list(course_type.prerequisites)
    if not needed or person is None:
        return needed
    done = set(
        db.session.scalars(
            select(TrainingCompletion.course_type_id).where(
                TrainingCompletion.person_id == person.id,
                TrainingCompletion.course_type_id.in_([t.id for t in needed]),
            )
        )
    )
    return [t for t in needed if t.id not in done]


def next_courses(course_type: CourseType, *, now: datetime) -> list[Course]:
    """The next courses of this type open for booking, soonest first."""
    stmt = (
        select(Course)
        .where(Course.course_type_id == course_type.id, Course.is_open_for_booking(now))
        .order_by(first_day_date(), Course.id)
        .limit(NEXT_DATES_SHOWN)
    )
    return list(db.session.scalars(with_details(stmt)))


def refusal_words(missing: list[CourseType], *, now: datetime) -> str:
    """'You need to complete X before booking this course. Its next dates: ...'"""
    sentences = []
    for course_type in missing:
        dates = [
            f"{short_date(c.first_day.date)} in {c.venue.town}"
            for c in next_courses(course_type, now=now)
        ]
        then = (
            f"Its next dates: {', '.join(dates)}."
            if dates
            else "There are no dates for it yet: please contact the training team."
        )
        sentences.append(
            f"You need to complete {course_type.name} before booking this course. {then}"
        )
    return " ".join(sentences)


def check(person: Person | None, course: Course, *, now: datetime) -> None:
    """Refuse (PrerequisiteMissing) unless the person has completed every type the course's
    type needs first."""
    missing = missing_for(person, course.course_type)
    if missing:
        raise PrerequisiteMissing(refusal_words(missing, now=now), missing)

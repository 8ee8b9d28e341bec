"""Feedback reports for coordinators: each course and each trainer, never with names.

A course (or trainer) with fewer than `FEWEST_SHOWN` responses shows as "too few to show":
only its numbers invited and answered, nothing anyone wrote or chose, so nobody can be
picked out. Answers are listed in a fixed order unrelated to who wrote them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased, selectinload

from ..extensions import db
from ..models import Course, CourseDay, FeedbackResponse, QuoteAnswer
from .feedback import QUESTIONS

#: Fewer responses than this show as "too few to show".
FEWEST_SHOWN = 3
TOO_FEW = "Too few to show"
_TRAINER_SEPARATORS = re.compile(r"\s*(?:,|;|/|\n|\band\b|&)\s*", re.IGNORECASE)


@dataclass
class FeedbackFigures:
    """Responses for one course or one trainer."""

    label: str
    invited: int = 0
    answered: list[FeedbackResponse] = field(default_factory=list)

    @property
    def responses(self) -> int:
        return len(self.answered)

    @property
    def rate(self) -> int:
        """Responses as a whole percentage of people invited."""
        return round(100 * self.responses / self.invited) if self.invited else 0

    @property
    def too_few(self) -> bool:
        return self.responses < FEWEST_SHOWN

    def _average(self, name: str) -> float | None:
        values = [getattr(r, name) for r in self.answered if getattr(r, name) is not None]
        return round(sum(values) / len(values), 1) if values and not self.too_few else None

    @property
    def before(self) -> float | None:
        """Average confidence before the course (0 to 10), or None when too few."""
        return self._average("confidence_before")

    @property
    def after(self) -> float | None:
        return self._average("confidence_after")

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 1)

    def answers(self, question: QuoteAnswer) -> list[str]:
        """What people wrote to one question, sorted (not in the order they wrote it)."""
        if self.too_few:
            return []
        return sorted(t for t in (getattr(r, question.value) for r in self.answered) if t)


def trainers_of(course: Course) -> list[str]:
    """Who trained on a course: its trainers' accounts when it has any, else the names in the
    note about trainers kept in its note for coordinators ("Sam Lee and Ali Khan, Jo Bell"),
    for courses from before accounts."""
    if course.trainer_accounts:
        return [user.full_name or user.email for user in course.trainer_accounts]
    names = (n.strip() for n in _TRAINER_SEPARATORS.split(course.trainers_note))
    return [n for n in names if n]


def _responses_between(start: date, end: date) -> list[FeedbackResponse]:
    first_day = aliased(CourseDay)
    return list(
        db.session.scalars(
            select(FeedbackResponse)
            .join(Course, Course.id == FeedbackResponse.course_id)
            .join(first_day, and_(first_day.course_id == Course.id, first_day.day_number == 1))
            .where(first_day.date >= start, first_day.date <= end)
            .options(
                selectinload(FeedbackResponse.course).selectinload(Course.days),
                selectinload(FeedbackResponse.course).selectinload(Course.venue),
                # by_trainer reads each course's trainers: one query for all, not one a course
                selectinload(FeedbackResponse.course).selectinload(Course.trainer_accounts),
            )
            .order_by(first_day.date, Course.id, FeedbackResponse.id)
        )
    )


def _add(figures: FeedbackFigures, response: FeedbackResponse) -> None:
    figures.invited += 1
    if response.submitted_at is not None:
        figures.answered.append(response)


def by_course(start: date, end: date) -> list[FeedbackFigures]:
    """Feedback for each course starting in [start, end] that invited anyone, by date."""
    rows: dict[int, FeedbackFigures] = {}
    for response in _responses_between(start, end):
        course = response.course
        if course.id not in rows:
            label = f"{course.first_day.date:%d %B %Y}, {course.venue.name}"
            rows[course.id] = FeedbackFigures(label=label)
        _add(rows[course.id], response)
    return list(rows.values())


def by_trainer(start: date, end: date) -> list[FeedbackFigures]:
    """Feedback for each trainer named on courses starting in [start, end], by name."""
    rows: dict[str, FeedbackFigures] = defaultdict(lambda: FeedbackFigures(label=""))
    for response in _responses_between(start, end):
        for name in trainers_of(response.course):
            rows[name.lower()].label = rows[name.lower()].label or name
            _add(rows[name.lower()], response)
    return sorted(rows.values(), key=lambda f: f.label.lower())


SUMMARY_HEADER = [
    "Course or trainer", "Kind", "People invited", "Responses", "Response rate (%)",
    "Average confidence before", "Average confidence now", "Change",
]  # fmt: skip


def summary_rows(courses: list[FeedbackFigures], trainers: list[FeedbackFigures]) -> list[list]:
    """One spreadsheet row for each course and each trainer ("Too few to show" as needed)."""
    rows = []
    for kind, group in (("Course", courses), ("Trainer", trainers)):
        for f in group:
            figures = [TOO_FEW] * 3 if f.too_few else [f.before, f.after, f.change]
            rows.append([f.label, kind, f.invited, f.responses, f.rate, *figures])
    return rows


def answer_rows(courses: list[FeedbackFigures]) -> list[list]:
    """One spreadsheet row for each answer written, for courses with enough responses."""
    return [
        [f.label, question_text, answer]
        for f in courses
        for question, question_text in QUESTIONS.items()
        for answer in f.answers(question)
    ]

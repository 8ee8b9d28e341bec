"""CSV files for registers, records and reports, made to open cleanly in Excel.

UTF-8 with a byte order mark (so Excel reads accents and apostrophes), dates as ISO dates
(2026-03-02, which Excel reads as a date), times in Europe/London, and any text cell that
starts with =, +, -, @, a tab or a carriage return gets a leading apostrophe so a name can
never run as a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from ..models import CourseDay
from ..timezone import LONDON, london_date
from . import feedback_reports
from .feedback_reports import FeedbackFigures
from .records import SOURCE_WORDS, PersonRecord, mark_words
from .registers import RegisterLine
from .reports import AgencyFigures, CompletionGroup, CourseAttendance, NoShow, Waiting, most_days

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str | int | float:
    """One cell: dates as ISO, numbers as numbers, risky text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return value.astimezone(LONDON).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def to_csv(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """A whole CSV file as bytes: BOM, header row, then the rows (CRLF line ends, as Excel)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return (BOM + out.getvalue()).encode("utf-8")


def _course_name(course) -> str:
    return f"{course.first_day.date:%d %B %Y}, {course.venue.name}"


def register_csv(day: CourseDay, lines: list[RegisterLine]) -> bytes:
    header = [
        "Name", "Email", "Job title", "Team", "Organisation", "Staff or partner",
        "Date", "Day", "Mark", "Day counts", "Walk-in beyond places", "Marked at",
    ]  # fmt: skip
    rows = [
        [
            line.person.full_name,
            line.person.email,
            line.person.job_title,
            line.person.team,
            line.person.organisation,
            "Partner" if line.is_partner else "Staff",
            day.date,
            day.day_number,
            mark_words(line.mark),
            (line.mark.counts_as_attended if line.mark else ""),
            line.booking.over_capacity,
            line.mark.marked_at if line.mark else None,
        ]
        for line in lines
    ]
    return to_csv(header, rows)


def person_record_csv(record: PersonRecord) -> bytes:
    header = ["Name", "Email", "Course starts", "Venue", "Booking", "Day 1", "Day 2", "Outcome"]
    person = record.person
    rows = [
        [
            person.full_name,
            person.email,
            line.course.first_day.date,
            line.course.venue.name,
            line.status_words,
            *(line.marks_words + ["", ""])[:2],
            line.outcome_words,
        ]
        for line in record.lines
    ]
    rows += [
        [
            person.full_name,
            person.email,
            c.completed_on,
            "",
            f"Completed ({SOURCE_WORDS[c.source]})",
            "",
            "",
            c.reason,
        ]
        for c in record.completions
        if c.booking_id is None
    ]
    return to_csv(header, rows)


def attendance_csv(rows: list[CourseAttendance]) -> bytes:
    """One row per course, with a column for each day up to the longest course's last (left
    empty for a course without that day)."""
    days = most_days(rows)
    header = [
        "Course starts", "Venue", "Places held", "Walk-ins beyond places",
        *(f"Attended day {n}" for n in range(1, days + 1)),
        "Completed", "Not completed", "No-shows",
    ]  # fmt: skip
    return to_csv(
        header,
        (
            [
                r.course.first_day.date,
                r.course.venue.name,
                r.places,
                r.walk_ins,
                *(r.attended + [""] * days)[:days],
                r.completed,
                r.not_completed,
                r.no_shows,
            ]
            for r in rows
        ),
    )


def completions_csv(rows: list[CompletionGroup]) -> bytes:
    header = ["Organisation", "Team", "Completed on a course", "Recorded otherwise", "Total"]
    return to_csv(
        header,
        ([g.organisation, g.team, g.from_courses, g.recorded_otherwise, g.total] for g in rows),
    )


def agencies_csv(rows: list[AgencyFigures]) -> bytes:
    header = ["Agency", "Places", "Completed", "Waiting now"]
    return to_csv(header, ([r.name, r.places, r.completions, r.waiting] for r in rows))


def no_shows_csv(rows: list[NoShow]) -> bytes:
    header = ["Name", "Email", "Organisation", "Team", "Course day 1", "Venue"]
    return to_csv(
        header,
        (
            [
                r.person.full_name,
                r.person.email,
                r.person.organisation,
                r.person.team,
                r.day.date,
                r.course.venue.name,
            ]
            for r in rows
        ),
    )


def waiting_csv(rows: list[Waiting]) -> bytes:
    header = ["Name", "Email", "Organisation", "Waiting for", "Waiting since", "Days waiting"]
    return to_csv(
        header,
        (
            [
                r.person.full_name,
                r.person.email,
                r.person.organisation,
                _course_name(r.course),
                london_date(r.booking.requested_at),
                r.days_waiting,
            ]
            for r in rows
        ),
    )


def feedback_csv(courses: list[FeedbackFigures], trainers: list[FeedbackFigures]) -> bytes:
    """The feedback report's figures for each course and trainer, without names."""
    return to_csv(feedback_reports.SUMMARY_HEADER, feedback_reports.summary_rows(courses, trainers))


def feedback_answers_csv(courses: list[FeedbackFigures]) -> bytes:
    """What people wrote, for courses with enough responses to show (written text is the
    likeliest cell to start with "=", so `to_csv` neutralising it matters most here)."""
    return to_csv(["Course", "Question", "Answer"], feedback_reports.answer_rows(courses))

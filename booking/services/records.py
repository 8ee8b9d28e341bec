"""Training records: who completed the course, who did not, no-shows, and past completions.

When the training counts as completed (the rule "completion", `Booking.attendance` and
`AttendanceMark.counts` in the models): a `TrainingCompletion` (source "course") is made as
soon as every day of the course carries a mark that counts (present, late, or left early when the
coordinator says the day still counts), dated the last day of the course. The outcome is
worked out again after every mark saved for that booking, so a correction after the course
can make or undo a completion. Once every day is marked and one does not count, the
training is not completed and the person is told once (with the next dates).
A no-show (`Booking.is_no_show`) is someone still holding their place who is marked absent
on day 1; it is read from the marks, not stored.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    Attendance,
    AttendanceMark,
    Booking,
    CompletionSource,
    Course,
    CourseType,
    Mark,
    Person,
    TrainingCompletion,
    has_completed_training,
)
from ..timezone import london_date
from ..words import STATUS_WORDS, short_date
from . import audit, people
from .actors import ActorLike, as_actor
from .db import transactional
from .errors import NotAllowed, ValidationError
from .people import clean_details


def update_outcome(booking: Booking, *, actor: ActorLike, now: datetime) -> Attendance:
    """Make, keep or undo the completion for a booking from its marks. Returns the outcome.

    Called by the register service after each mark; joins the caller's transaction, and
    reads the outcome in SQL so the mark just saved is counted.
    """
    outcome = Attendance(
        db.session.scalars(select(Booking.attendance).where(Booking.id == booking.id)).one()
    )
    if outcome == Attendance.NOT_YET_KNOWN:
        return outcome
    completion = db.session.scalars(
        select(TrainingCompletion).where(
            TrainingCompletion.person_id == booking.person_id,
            TrainingCompletion.course_type_id == booking.course_type_id,
        )
    ).one_or_none()
    if outcome == Attendance.COMPLETED:
        if completion is None:
            _add_completion(
                booking.person_id,
                booking.course_type_id,
                booking.course.last_day.date,
                CompletionSource.COURSE,
                actor=actor,
                now=now,
                booking_id=booking.id,
            )
            db.session.flush()
            audit.record("training.completed", booking, actor=actor, now=now)
        return outcome
    ours = (
        completion is not None
        and completion.source == CompletionSource.COURSE
        and completion.booking_id == booking.id
    )
    if ours:
        db.session.delete(completion)
        audit.record("training.completion_undone", booking, actor=actor, now=now)
        completion = None
    # The person hears what happens next from the after-course message (services/reminders.py).
    return outcome


def _add_completion(
    person_id: int,
    course_type_id: int,
    completed_on: date,
    source: CompletionSource,
    *,
    actor: ActorLike,
    now: datetime,
    reason: str = "",
    booking_id: int | None = None,
) -> TrainingCompletion:
    """A new training completion record, added to the caller's transaction."""
    completion = TrainingCompletion(
        person_id=person_id,
        course_type_id=course_type_id,
        completed_on=completed_on,
        source=source,
        reason=reason,
        booking_id=booking_id,
        recorded_by_id=as_actor(actor).user_id,
        created_at=now,
    )
    db.session.add(completion)
    return completion


# ---------------------------------------------------------------- people and their records

SOURCE_WORDS = {
    CompletionSource.COURSE: "on a course here",
    CompletionSource.ELSEWHERE: "recorded by a coordinator",
    CompletionSource.IMPORT: "imported from past records",
}
MARK_WORDS = {
    Mark.PRESENT: "Present",
    Mark.LATE: "Late",
    Mark.LEFT_EARLY: "Left early",
    Mark.ABSENT: "Absent",
}


def mark_words(mark: AttendanceMark | None) -> str:
    if mark is None:
        return "Not marked"
    words = MARK_WORDS[mark.mark]
    if mark.mark == Mark.LEFT_EARLY:
        words += " (counts)" if mark.counts else " (does not count)"
    return words


OUTCOME_WORDS = {
    Attendance.NOT_YET_KNOWN: "",
    Attendance.COMPLETED: "Completed",
    Attendance.NOT_COMPLETED: "Not completed",
}
NO_SHOW_WORDS = "Not completed: did not come on day 1 (no-show)"


@dataclass(frozen=True)
class RecordLine:
    """One booking on a person's record (its course's days and its marks loaded)."""

    booking: Booking

    @property
    def course(self) -> Course:
        return self.booking.course

    @property
    def day_marks(self) -> list[AttendanceMark | None]:
        return self.booking.day_marks

    @property
    def status_words(self) -> str:
        return STATUS_WORDS[self.booking.status].record

    @property
    def marks_words(self) -> list[str]:
        return [mark_words(m) for m in self.day_marks]

    @property
    def is_no_show(self) -> bool:
        return self.booking.is_no_show

    @property
    def outcome(self) -> Attendance:
        return self.booking.attendance

    @property
    def outcome_words(self) -> str:
        """Completed, Not completed (and a no-show), or empty while not known."""
        return NO_SHOW_WORDS if self.is_no_show else OUTCOME_WORDS[self.outcome]


@dataclass(frozen=True)
class PersonRecord:
    person: Person
    lines: list[RecordLine]
    completions: list[TrainingCompletion] = field(default_factory=list)


def search_people(query: str, *, limit: int = 50) -> list[Person]:
    """People whose name or email contains `query` (any case), by name."""
    text = " ".join((query or "").split()).lower()
    if len(text) < 2:
        return []
    return list(
        db.session.scalars(
            select(Person)
            .where(
                or_(
                    func.lower(Person.full_name).contains(text, autoescape=True),
                    func.lower(Person.email).contains(text, autoescape=True),
                )
            )
            .order_by(Person.full_name, Person.email)
            .limit(limit)
        )
    )


def person_record(person: Person) -> PersonRecord:
    """Every course a person booked, waited for, attended or missed, and their completions."""
    bookings = db.session.scalars(
        select(Booking)
        .where(Booking.person_id == person.id)
        .options(
            selectinload(Booking.course).selectinload(Course.days),
            selectinload(Booking.course).selectinload(Course.venue),
            selectinload(Booking.marks),
        )
        .order_by(Booking.requested_at.desc(), Booking.id.desc())
    ).all()
    lines = [RecordLine(booking=b) for b in bookings]
    completions = db.session.scalars(
        select(TrainingCompletion)
        .where(TrainingCompletion.person_id == person.id)
        .options(selectinload(TrainingCompletion.course_type))
        .order_by(TrainingCompletion.completed_on)
    ).all()
    return PersonRecord(person=person, lines=lines, completions=list(completions))


def completion_for(person: Person, course_type: CourseType) -> TrainingCompletion | None:
    return db.session.scalars(
        select(TrainingCompletion).where(
            TrainingCompletion.person_id == person.id,
            TrainingCompletion.course_type_id == course_type.id,
        )
    ).one_or_none()


@transactional
def record_completion_elsewhere(
    person: Person,
    course_type: CourseType,
    completed_on: date,
    *,
    actor: ActorLike,
    now: datetime,
    reason: str,
) -> TrainingCompletion:
    """Record training someone completed before this system (or elsewhere), with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say how you know they completed the training.", field="reason")
    if completed_on > london_date(now):
        raise ValidationError(
            "The date they completed it must be today or in the past.", field="completed_on"
        )
    existing = completion_for(person, course_type)
    if existing is not None:
        raise NotAllowed(
            f"{person.full_name or person.email} already has this training recorded "
            f"(completed {short_date(existing.completed_on)})."
        )
    completion = _add_completion(
        person.id,
        course_type.id,
        completed_on,
        CompletionSource.ELSEWHERE,
        actor=actor,
        now=now,
        reason=reason,
    )
    db.session.flush()
    audit.record(
        "training.recorded_elsewhere",
        person,
        actor=actor,
        now=now,
        reason=reason,
        completion_id=completion.id,
    )
    return completion


# ---------------------------------------------------------------- importing past completions

#: Small enough that the signed copy the preview page carries stays within form limits.
MAX_IMPORT_BYTES = 500_000
MAX_IMPORT_ROWS = 5_000
COLUMNS = {
    "email": {"email", "email address", "e-mail", "e-mail address"},
    "full_name": {"name", "full name"},
    "job_title": {"job title", "role"},
    "team": {"team"},
    "organisation": {"organisation", "organization", "employer"},
    "completed_on": {"completed on", "date completed", "completion date", "completed", "date"},
}
#: The columns that become the person's details (cleaned as every way in cleans them).
_DETAIL_COLUMNS = ("full_name", "job_title", "team", "organisation")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y")


@dataclass(frozen=True)
class ImportRow:
    """A row that will become a completion."""

    line: int
    email: str
    full_name: str
    job_title: str
    team: str
    organisation: str
    completed_on: date
    known_person: bool


@dataclass(frozen=True)
class ImportProblem:
    line: int  #: 0 for the whole file
    text: str


@dataclass(frozen=True)
class ImportPreview:
    rows: list[ImportRow]
    problems: list[ImportProblem]
    #: A fingerprint of what would be created; confirming checks it has not changed.
    digest: str


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise ValidationError("This does not look like a CSV file.", field="file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # saved from older Excel


def _parse_date(raw: str) -> date | None:
    raw = " ".join(raw.split())
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


def preview_import(data: bytes, course_type: CourseType, *, now: datetime) -> ImportPreview:
    """Read a CSV of past completions without saving: what would be made, and every problem."""
    reader = _csv_reader(data)
    columns = _columns(reader)
    missing = [
        label
        for key, label in (("email", "Email"), ("completed_on", "Completed on"))
        if key not in columns
    ]
    if missing:
        text = f"The first row must name the columns. We could not find: {', '.join(missing)}."
        return ImportPreview(rows=[], problems=[ImportProblem(1, text)], digest="")
    problems: list[ImportProblem] = []
    lines = _read_lines(reader, problems)
    check = _RowCheck(columns, course_type, [cells for _, cells in lines], today=london_date(now))
    rows: list[ImportRow] = []
    for line, cells in lines:
        checked = check(line, cells)
        if isinstance(checked, ImportRow):
            rows.append(checked)
        else:
            problems.append(checked)
    fingerprint = json.dumps(
        [course_type.id, [[r.email, r.full_name, r.completed_on.isoformat()] for r in rows]]
    )
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()
    return ImportPreview(rows=rows, problems=problems, digest=digest)


def _csv_reader(data: bytes):
    """A CSV reader over the file, once it is known to be neither empty nor too big."""
    if not data.strip():
        raise ValidationError("The file is empty.", field="file")
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError(
            "The file is too big. Split it into files under 500 KB.", field="file"
        )
    return csv.reader(io.StringIO(_decode(data), newline=""))


def _columns(reader) -> dict[str, int]:
    """Which column holds each field, from the names in the first row (the first wins)."""
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise ValidationError("We could not read this file as a CSV.", field="file") from None
    names = [" ".join(h.split()).lower() for h in header]
    columns: dict[str, int] = {}
    for key, aliases in COLUMNS.items():
        for index, name in enumerate(names):
            if name in aliases and key not in columns:
                columns[key] = index
    return columns


def _read_lines(reader, problems: list[ImportProblem]) -> list[tuple[int, list[str]]]:
    """The rows that are not blank, with their line numbers (at most MAX_IMPORT_ROWS)."""
    lines: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(lines) >= MAX_IMPORT_ROWS:
                problems.append(
                    ImportProblem(
                        reader.line_num,
                        f"Only the first {MAX_IMPORT_ROWS} rows "
                        "are read. Put the rest in another file.",
                    )
                )
                break
            lines.append((reader.line_num, cells))
    except csv.Error as exc:
        problems.append(ImportProblem(reader.line_num, f"This row could not be read ({exc})."))
    return lines


class _RowCheck:
    """Checks each row of an import in turn: a completion to make, or the problem with it."""

    def __init__(
        self,
        columns: dict[str, int],
        course_type: CourseType,
        rows: list[list[str]],
        *,
        today: date,
    ):
        self.columns = columns
        self.today = today
        self.seen: dict[str, int] = {}
        emails = {self.cell(cells, "email").lower() for cells in rows}
        self.known = set(db.session.scalars(select(Person.email).where(Person.email.in_(emails))))
        self.done = set(
            db.session.scalars(
                select(Person.email).where(
                    Person.email.in_(emails), has_completed_training(Person.id, course_type.id)
                )
            )
        )

    def cell(self, cells: list[str], key: str) -> str:
        index = self.columns.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def __call__(self, line: int, cells: list[str]) -> ImportRow | ImportProblem:
        raw_email = self.cell(cells, "email")
        raw_date = self.cell(cells, "completed_on")
        details = clean_details({key: self.cell(cells, key) for key in _DETAIL_COLUMNS})
        try:
            email = validate_email(raw_email, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            return ImportProblem(line, f"“{raw_email or '(empty)'}” is not an email address.")
        completed_on = _parse_date(raw_date)
        if completed_on is None:
            return ImportProblem(
                line,
                f"“{raw_date or '(empty)'}” is not a date we can "
                "read. Use a date like 2024-03-25 or 25/03/2024.",
            )
        problem = self._problem(line, email, completed_on, has_name=bool(details["full_name"]))
        if problem:
            return ImportProblem(line, problem)
        return ImportRow(
            line=line,
            email=email,
            **details,
            completed_on=completed_on,
            known_person=email in self.known,
        )

    def _problem(self, line: int, email: str, completed_on: date, *, has_name: bool) -> str:
        """What stops this row becoming a completion, or empty. A row with a good date
        claims its address, so a later row for the same person is a problem."""
        if completed_on > self.today:
            return f"{completed_on:%d/%m/%Y} is in the future."
        if email in self.seen:
            return f"{email} is also on row {self.seen[email]}."
        self.seen[email] = line
        if email in self.done:
            return f"{email} already has this training recorded."
        if email not in self.known and not has_name:
            return f"{email} is new to us, so we need their name."
        return ""


@transactional
def confirm_import(
    data: bytes,
    course_type: CourseType,
    *,
    expected_digest: str,
    actor: ActorLike,
    now: datetime,
    reason: str,
    council_domains: list[str],
) -> list[TrainingCompletion]:
    """Save the completions a preview showed; refuse if the preview would now be different."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say where these records come from.", field="reason")
    preview = preview_import(data, course_type, now=now)
    if preview.digest != expected_digest:
        raise NotAllowed("Something changed since you checked this file. Check it again.")
    if not preview.rows:
        raise NotAllowed("There is nothing in this file we can save.")
    created = []
    for row in preview.rows:
        details = {field: getattr(row, field) for field in _DETAIL_COLUMNS}
        person = people.find_or_add_person(
            row.email, details, council_domains=council_domains, now=now, actor=actor
        )
        created.append(
            _add_completion(
                person.id,
                course_type.id,
                row.completed_on,
                CompletionSource.IMPORT,
                actor=actor,
                now=now,
                reason=reason,
            )
        )
    db.session.flush()
    audit.record(
        "training.imported",
        course_type,
        actor=actor,
        now=now,
        reason=reason,
        completions=len(created),
    )
    return created

"""Training records: who completed the course, who did not, no-shows, and past completions.

When the training counts as completed (the rule "completion", `Booking.attendance` and
`AttendanceMark.counts` in the models): a `TrainingCompletion` (source "course") is made as
soon as both days carry a mark that counts (present, late, or left early when the
coordinator says the day still counts), dated the last day of the course. The outcome is
worked out again after every mark saved for that booking, so a correction after the course
can make or undo a completion. Once both days are marked and one does not count, the
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
    BookingStatus,
    CompletionSource,
    Course,
    CourseType,
    Mark,
    Person,
    TrainingCompletion,
    User,
)
from ..timezone import LONDON
from . import audit
from .db import transactional
from .errors import NotAllowed, ValidationError
from .people import classify_email, clean_details


def update_outcome(booking: Booking, *, actor: User | str, now: datetime) -> Attendance:
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
            completion = TrainingCompletion(
                person_id=booking.person_id,
                course_type_id=booking.course_type_id,
                completed_on=booking.course.last_day.date,
                source=CompletionSource.COURSE,
                booking_id=booking.id,
                recorded_by_id=actor.id if isinstance(actor, User) else None,
                created_at=now,
            )
            db.session.add(completion)
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


# ---------------------------------------------------------------- people and their records

BOOKING_WORDS = {
    BookingStatus.CONFIRMED: "Had a place",
    BookingStatus.OFFERED: "Offered a place",
    BookingStatus.WAITLISTED: "On the waitlist",
    BookingStatus.CANCELLED: "Cancelled",
    BookingStatus.DECLINED: "Said no to an offered place",
    BookingStatus.EXPIRED: "Did not answer an offer in time",
    BookingStatus.WITHDRAWN: "Left the waitlist (got a place on another date)",
    BookingStatus.MOVED: "Moved to another date",
}
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
        words += " (counts)" if mark.counts_as_attended else " (does not count)"
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
        return BOOKING_WORDS[self.booking.status]

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
    actor: User | str,
    now: datetime,
    reason: str,
) -> TrainingCompletion:
    """Record training someone completed before this system (or elsewhere), with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say how you know they completed the training.", field="reason")
    if completed_on > now.astimezone(LONDON).date():
        raise ValidationError(
            "The date they completed it must be today or in the past.", field="completed_on"
        )
    existing = completion_for(person, course_type)
    if existing is not None:
        raise NotAllowed(
            f"{person.full_name or person.email} already has this training recorded "
            f"(completed {existing.completed_on.day} {existing.completed_on:%B %Y})."
        )
    completion = TrainingCompletion(
        person_id=person.id,
        course_type_id=course_type.id,
        completed_on=completed_on,
        source=CompletionSource.ELSEWHERE,
        reason=reason,
        recorded_by_id=actor.id if isinstance(actor, User) else None,
        created_at=now,
    )
    db.session.add(completion)
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
    if not data.strip():
        raise ValidationError("The file is empty.", field="file")
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError(
            "The file is too big. Split it into files under 500 KB.", field="file"
        )
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise ValidationError("We could not read this file as a CSV.", field="file") from None
    names = [" ".join(h.split()).lower() for h in header]
    columns = {}
    for key, aliases in COLUMNS.items():
        for index, name in enumerate(names):
            if name in aliases and key not in columns:
                columns[key] = index
    missing = [
        label
        for key, label in (("email", "Email"), ("completed_on", "Completed on"))
        if key not in columns
    ]
    if missing:
        return ImportPreview(
            rows=[],
            problems=[
                ImportProblem(
                    1,
                    "The first row must name the columns. We could not "
                    f"find: {', '.join(missing)}.",
                )
            ],
            digest="",
        )
    rows: list[ImportRow] = []
    problems: list[ImportProblem] = []
    seen: dict[str, int] = {}
    today = now.astimezone(LONDON).date()
    parsed: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(parsed) >= MAX_IMPORT_ROWS:
                problems.append(
                    ImportProblem(
                        line,
                        f"Only the first {MAX_IMPORT_ROWS} rows "
                        "are read. Put the rest in another file.",
                    )
                )
                break
            parsed.append((line, cells))
    except csv.Error as exc:
        problems.append(ImportProblem(reader.line_num, f"This row could not be read ({exc})."))

    def cell(cells, key):
        index = columns.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    emails_in_file = [cell(c, "email").lower() for _, c in parsed]
    people = {
        p.email: p
        for p in db.session.scalars(select(Person).where(Person.email.in_(set(emails_in_file))))
    }
    done = set(
        db.session.scalars(
            select(Person.email)
            .join(TrainingCompletion, TrainingCompletion.person_id == Person.id)
            .where(
                TrainingCompletion.course_type_id == course_type.id,
                Person.email.in_(set(emails_in_file)),
            )
        )
    )
    for line, cells in parsed:
        raw_email = cell(cells, "email")
        raw_date = cell(cells, "completed_on")
        details = clean_details({key: cell(cells, key) for key in _DETAIL_COLUMNS})
        name = details["full_name"]
        try:
            email = validate_email(raw_email, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            problems.append(
                ImportProblem(line, f"“{raw_email or '(empty)'}” is not an email address.")
            )
            continue
        completed_on = _parse_date(raw_date)
        if completed_on is None:
            problems.append(
                ImportProblem(
                    line,
                    f"“{raw_date or '(empty)'}” is not a date we can "
                    "read. Use a date like 2024-03-25 or 25/03/2024.",
                )
            )
            continue
        if completed_on > today:
            problems.append(ImportProblem(line, f"{completed_on:%d/%m/%Y} is in the future."))
            continue
        if email in seen:
            problems.append(ImportProblem(line, f"{email} is also on row {seen[email]}."))
            continue
        seen[email] = line
        if email in done:
            problems.append(ImportProblem(line, f"{email} already has this training recorded."))
            continue
        if email not in people and not name:
            problems.append(ImportProblem(line, f"{email} is new to us, so we need their name."))
            continue
        rows.append(
            ImportRow(
                line=line,
                email=email,
                **details,
                completed_on=completed_on,
                known_person=email in people,
            )
        )
    fingerprint = json.dumps(
        [course_type.id, [[r.email, r.full_name, r.completed_on.isoformat()] for r in rows]]
    )
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()
    return ImportPreview(rows=rows, problems=problems, digest=digest)


@transactional
def confirm_import(
    data: bytes,
    course_type: CourseType,
    *,
    expected_digest: str,
    actor: User | str,
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
    people = {
        p.email: p
        for p in db.session.scalars(
            select(Person).where(Person.email.in_([r.email for r in preview.rows]))
        )
    }
    created = []
    for row in preview.rows:
        person = people.get(row.email)
        if person is None:
            person = Person(
                email=row.email,
                full_name=row.full_name,
                job_title=row.job_title,
                team=row.team,
                organisation=row.organisation,
                group=classify_email(row.email, council_domains),
                created_at=now,
            )
            db.session.add(person)
            db.session.flush()
        completion = TrainingCompletion(
            person_id=person.id,
            course_type_id=course_type.id,
            completed_on=row.completed_on,
            source=CompletionSource.IMPORT,
            reason=reason,
            recorded_by_id=actor.id if isinstance(actor, User) else None,
            created_at=now,
        )
        db.session.add(completion)
        created.append(completion)
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

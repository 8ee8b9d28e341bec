"""Figures for the coordinators' dashboard and reports.

Every function here reads a fixed number of queries whatever the number of courses or
people, so pages stay quick as the programme grows.

A course is "at risk" when it is published, starts within `AT_RISK_DAYS` days and fewer
than half of its places are held (confirmed or offered).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from ..extensions import db
from ..models import (
    Agency,
    Attendance,
    AttendanceMark,
    AuditEvent,
    Booking,
    BookingStatus,
    CompletionSource,
    Course,
    CourseDay,
    CourseStatus,
    Group,
    Person,
    TrainingCompletion,
)
from ..timezone import london_date
from ..words import describe_action, short_date, time_of_day
from . import allocation
from .allocation import Availability
from .people import council_name

AT_RISK_DAYS = 21
AT_RISK_SHARE = 0.5
DASHBOARD_COURSES = 100
RECENT_CHANGES = 15


def _courses_between(start: date | None, end: date | None, statuses) -> list[Course]:
    """Courses whose first day falls in [start, end], in date order, days and venue loaded."""
    first_day = aliased(CourseDay)
    stmt = (
        select(Course)
        .join(first_day, and_(first_day.course_id == Course.id, first_day.day_number == 1))
        .options(
            selectinload(Course.days), joinedload(Course.venue), joinedload(Course.course_type)
        )
        .where(Course.status.in_(statuses))
        .order_by(first_day.date, Course.id)
    )
    if start is not None:
        stmt = stmt.where(first_day.date >= start)
    if end is not None:
        stmt = stmt.where(first_day.date <= end)
    return list(db.session.scalars(stmt).unique())


# ---------------------------------------------------------------- dashboard


@dataclass(frozen=True)
class CourseFigures:
    course: Course
    availability: Availability
    waiting: int
    offers: int
    at_risk: bool

    @property
    def staff_allocation(self) -> int:
        return self.course.total_places - self.course.partner_places


@dataclass(frozen=True)
class OpenOffer:
    booking: Booking
    person: Person
    course: Course


@dataclass(frozen=True)
class Change:
    event: AuditEvent
    person: Person | None

    @property
    def words(self) -> str:
        return describe_action(self.event.action)


@dataclass(frozen=True)
class Dashboard:
    courses: list[CourseFigures]
    offers: list[OpenOffer]
    recent: list[Change]

    @property
    def at_risk(self) -> list[CourseFigures]:
        return [c for c in self.courses if c.at_risk]

    @property
    def waiting(self) -> int:
        return sum(c.waiting for c in self.courses)


def is_at_risk(course: Course, held: int, today: date) -> bool:
    """Published, starting within AT_RISK_DAYS days, and less than half full."""
    days_to_go = (course.first_day.date - today).days
    return (
        course.status == CourseStatus.PUBLISHED
        and 0 <= days_to_go <= AT_RISK_DAYS
        and held < course.total_places * AT_RISK_SHARE
    )


def dashboard(now: datetime) -> Dashboard:
    """Courses not over yet with their figures, open offers and recent changes (six queries)."""
    today = london_date(now)
    first_day = aliased(CourseDay)
    courses = list(
        db.session.scalars(
            select(Course)
            .join(first_day, and_(first_day.course_id == Course.id, first_day.day_number == 1))
            .where(Course.status == CourseStatus.PUBLISHED, ~Course.is_over(now))
            .order_by(first_day.date, Course.id)
            .limit(DASHBOARD_COURSES)
            .options(
                selectinload(Course.days),
                joinedload(Course.venue),
                joinedload(Course.course_type),
            )
        ).unique()
    )
    ids = [c.id for c in courses]
    places = allocation.availability_for(courses, now)
    waiting = allocation.waitlist_counts(ids)
    offers = _open_offers(ids)
    offer_counts: dict[int, int] = defaultdict(int)
    for offer in offers:
        offer_counts[offer.course.id] += 1
    figures = [
        CourseFigures(
            course=c,
            availability=places[c.id],
            waiting=waiting[c.id],
            offers=offer_counts[c.id],
            at_risk=is_at_risk(c, places[c.id].held, today),
        )
        for c in courses
    ]
    return Dashboard(courses=figures, offers=offers, recent=recent_changes())


def _open_offers(course_ids: list[int]) -> list[OpenOffer]:
    if not course_ids:
        return []
    rows = db.session.scalars(
        select(Booking)
        .join(Person, Person.id == Booking.person_id)
        .options(contains_eager(Booking.person), joinedload(Booking.course))
        .where(Booking.course_id.in_(course_ids), Booking.status == BookingStatus.OFFERED)
        .order_by(Booking.offer_expires_at, Booking.id)
    ).all()
    return [OpenOffer(booking=b, person=b.person, course=b.course) for b in rows]


def recent_changes(limit: int = RECENT_CHANGES) -> list[Change]:
    """The latest changes from the audit trail (not views of support needs), in one query."""
    rows = db.session.execute(
        select(AuditEvent, Person)
        .outerjoin(
            Booking,
            and_(AuditEvent.object_type == "booking", AuditEvent.object_id == Booking.id),
        )
        .outerjoin(Person, Person.id == Booking.person_id)
        .where(AuditEvent.action != "support_needs.viewed")
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    ).all()
    return [Change(event=e, person=p) for e, p in rows]


# ---------------------------------------------------------------- reports


@dataclass(frozen=True)
class CourseAttendance:
    course: Course
    places: int  #: people who held a place at the end
    attended: list[int]  #: per day: present, late, or left early that counts
    completed: int
    not_completed: int
    no_shows: int
    walk_ins: int = 0

    @property
    def label(self) -> str:
        """The course in words: "2 March 2026, Kendal Town Hall"."""
        return f"{short_date(self.course.first_day.date)}, {self.course.venue.name}"

    @property
    def completion_rate(self) -> int | None:
        """Completed as a whole percentage of places, or None with no places."""
        return round(100 * self.completed / self.places) if self.places else None


def course_labels(rows: list[CourseAttendance]) -> list[str]:
    """Each course's label, with its start time added where two courses would read the
    same (two rooms at one venue on one day), so no two bars on a chart look alike."""
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.label] += 1
    return [
        f"{row.label}, {time_of_day(row.course.first_day.starts_at)}"
        if counts[row.label] > 1
        else row.label
        for row in rows
    ]


def completed_by_course(rows: list[CourseAttendance]) -> list[tuple[str, int]]:
    """(label, people who completed) for each course, for the chart."""
    return list(zip(course_labels(rows), (row.completed for row in rows), strict=True))


def attendance_by_course(start: date, end: date) -> list[CourseAttendance]:
    """Attendance and completion for each course starting in [start, end] (three queries).

    Each booking's outcome and no-show come from the rules on `Booking` (read in SQL), and
    each day's count from `AttendanceMark.counts`, so this report agrees with the records.
    """
    courses = _courses_between(start, end, (CourseStatus.PUBLISHED,))
    ids = [c.id for c in courses]
    if not ids:
        return []
    rows = db.session.execute(
        select(
            Booking.id,
            Booking.course_id,
            Booking.over_capacity,
            Booking.attendance,
            Booking.is_no_show,
            AttendanceMark,
        )
        .outerjoin(AttendanceMark, AttendanceMark.booking_id == Booking.id)
        .where(Booking.course_id.in_(ids), Booking.status == BookingStatus.CONFIRMED)
    ).all()
    outcomes: dict[int, dict[int, tuple[Attendance, bool]]] = defaultdict(dict)
    walk_ins: dict[int, set[int]] = defaultdict(set)
    attended_on: dict[int, int] = defaultdict(int)  # course day id -> marks that count
    for booking_id, course_id, over, outcome, no_show, mark in rows:
        outcomes[course_id][booking_id] = (outcome, no_show)
        if over:
            walk_ins[course_id].add(booking_id)
        if mark is not None and mark.counts:
            attended_on[mark.course_day_id] += 1
    result = []
    for course in courses:
        booked = outcomes[course.id].values()
        result.append(
            CourseAttendance(
                course=course,
                places=len(booked),
                attended=[attended_on[day.id] for day in course.days],
                completed=sum(outcome == Attendance.COMPLETED for outcome, _ in booked),
                not_completed=sum(outcome == Attendance.NOT_COMPLETED for outcome, _ in booked),
                no_shows=sum(no_show for _, no_show in booked),
                walk_ins=len(walk_ins[course.id]),
            )
        )
    return result


def most_days(rows: Sequence[CourseAttendance]) -> int:
    """How many "attended day" columns the attendance report needs: the longest course's
    days (two when there is no course, as for the introductory course)."""
    return max((len(r.attended) for r in rows), default=2)


@dataclass(frozen=True)
class CompletionGroup:
    organisation: str
    team: str
    from_courses: int
    recorded_otherwise: int

    @property
    def total(self) -> int:
        return self.from_courses + self.recorded_otherwise


NOT_GIVEN = "Not given"


def completions_by_organisation(
    start: date, end: date, *, council_names: Mapping[str, str] | None = None
) -> list[CompletionGroup]:
    """Completions dated in [start, end], by organisation and team (one query).

    Council staff are told to leave their organisation blank, so a council address names
    its council (`council_names`: domain to name); everyone else is counted under the
    organisation they gave.
    """
    rows = db.session.execute(
        select(
            Person.email,
            Person.group,
            Person.organisation,
            Person.team,
            TrainingCompletion.source,
            func.count(TrainingCompletion.id),
        )
        .join(Person, Person.id == TrainingCompletion.person_id)
        .where(TrainingCompletion.completed_on.between(start, end))
        .group_by(
            Person.email, Person.group, Person.organisation, Person.team, TrainingCompletion.source
        )
    ).all()
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for email, group, organisation, team, source, number in rows:
        council = council_name(email, council_names or {}) if group == Group.STAFF else None
        key = (
            council or (organisation or "").strip() or NOT_GIVEN,
            (team or "").strip() or NOT_GIVEN,
        )
        totals[key][0 if CompletionSource(source) == CompletionSource.COURSE else 1] += number
    return sorted(
        (CompletionGroup(org, team, a, b) for (org, team), (a, b) in totals.items()),
        key=lambda g: (g.organisation.lower(), g.team.lower()),
    )


def organisation_totals(groups: list[CompletionGroup]) -> list[tuple[str, int]]:
    """Completions per organisation, from the per-team rows (for the chart)."""
    totals: dict[str, int] = defaultdict(int)
    for g in groups:
        totals[g.organisation] += g.total
    return sorted(totals.items(), key=lambda item: (-item[1], item[0].lower()))


@dataclass(frozen=True)
class AgencyFigures:
    """One partner agency's row in the report (or the partners linked to none)."""

    name: str
    places: int  #: partner places held on courses whose day 1 is in the period
    completions: int  #: completions dated in the period
    waiting: int  #: people waiting now, on any course not yet over


NOT_LINKED = "Not linked to an agency"


def by_agency(start: date, end: date, *, now: datetime) -> list[AgencyFigures]:
    """Places and completions in [start, end], and people waiting now, per partner agency:
    every agency on the list, then partners linked to none (three queries)."""
    first_day = aliased(CourseDay)
    places = _count_by_agency(
        select(Person.agency_id, func.count(Booking.id))
        .join(Booking, Booking.person_id == Person.id)
        .join(first_day, and_(first_day.course_id == Booking.course_id, first_day.day_number == 1))
        .where(Booking.holds_place, first_day.date.between(start, end))
    )
    completions = _count_by_agency(
        select(Person.agency_id, func.count(TrainingCompletion.id))
        .join(TrainingCompletion, TrainingCompletion.person_id == Person.id)
        .where(TrainingCompletion.completed_on.between(start, end))
    )
    waiting = _count_by_agency(
        select(Person.agency_id, func.count(Booking.id))
        .join(Booking, Booking.person_id == Person.id)
        .join(Course, Course.id == Booking.course_id)
        .where(Booking.status == BookingStatus.WAITLISTED, ~Course.is_over(now))
    )
    names = [(a.id, a.name) for a in db.session.scalars(select(Agency).order_by(Agency.name))]
    rows = [
        AgencyFigures(name, places.get(aid, 0), completions.get(aid, 0), waiting.get(aid, 0))
        for aid, name in [*names, (None, NOT_LINKED)]
    ]
    return [r for r in rows if r.name != NOT_LINKED or r.places or r.completions or r.waiting]


def _count_by_agency(stmt) -> dict[int | None, int]:
    """Run a count of partners' rows grouped by their agency (None: linked to none)."""
    rows = db.session.execute(
        stmt.where(Person.group == Group.PARTNER).group_by(Person.agency_id)
    ).all()
    return {agency_id: number for agency_id, number in rows}


@dataclass(frozen=True)
class NoShow:
    booking: Booking
    person: Person
    course: Course
    day: CourseDay


def no_shows(start: date, end: date) -> list[NoShow]:
    """No-shows (`Booking.is_no_show`) whose day 1 is in [start, end] (one query)."""
    rows = db.session.execute(
        select(Booking, Person, Course, CourseDay)
        .join(Person, Person.id == Booking.person_id)
        .join(Course, Course.id == Booking.course_id)
        .join(CourseDay, and_(CourseDay.course_id == Course.id, CourseDay.day_number == 1))
        .options(joinedload(Course.venue))
        .where(Booking.is_no_show, CourseDay.date.between(start, end))
        .order_by(CourseDay.date, Person.full_name)
    ).all()
    return [NoShow(*row) for row in rows]


@dataclass(frozen=True)
class Waiting:
    booking: Booking
    person: Person
    course: Course
    days_waiting: int


def waiting_without_a_date(now: datetime) -> list[Waiting]:
    """People on a waitlist who hold no place on any date and are not yet trained."""
    rows = db.session.execute(
        select(Booking, Person, Course)
        .join(Person, Person.id == Booking.person_id)
        .join(Course, Course.id == Booking.course_id)
        .options(selectinload(Course.days), joinedload(Course.venue))
        .where(
            Booking.status == BookingStatus.WAITLISTED,
            ~Booking.has_place_on_any_date,
            ~Booking.person_has_completed,
        )
        .order_by(Booking.requested_at, Booking.id)
    ).all()
    today = london_date(now)
    return [Waiting(b, p, c, (today - london_date(b.requested_at)).days) for b, p, c in rows]


def default_period(now: datetime, *, months: int) -> tuple[date, date]:
    """From about `months` months ago to today."""
    today = london_date(now)
    return today - timedelta(days=round(months * 30.44)), today

"""Plain functions that make realistic rows for tests. They commit so other connections see them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import count

from werkzeug.security import generate_password_hash

from booking.extensions import db
from booking.models import (
    TRAINERS_NOTE_PREFIX,
    Agency,
    AgencyDomain,
    Course,
    CourseDay,
    CourseStatus,
    CourseType,
    Group,
    Person,
    Role,
    User,
    Venue,
)

_seq = count(1)

INTRODUCTORY = "Signs of Safety Two Day Introductory Training"


def course_type(name: str = INTRODUCTORY, slug: str = "introductory") -> CourseType:
    existing = db.session.query(CourseType).filter_by(slug=slug).one_or_none()
    if existing:
        return existing
    ct = CourseType(name=name, slug=slug, description="", what_to_bring="A pen and a notebook.")
    db.session.add(ct)
    db.session.commit()
    return ct


def venue(town: str = "Kendal", **fields) -> Venue:
    v = Venue(
        name=fields.pop("name", f"{town} Town Hall"),
        address=fields.pop("address", f"Highgate\n{town}"),
        town=town,
        postcode=fields.pop("postcode", "LA9 4DL"),
        accessibility_notes=fields.pop("accessibility_notes", "Step-free entrance at the side."),
        parking_notes=fields.pop("parking_notes", "Pay and display car park nearby."),
        **fields,
    )
    db.session.add(v)
    db.session.commit()
    return v


def course(
    day1: date = date(2026, 3, 2),
    day2: date | None = None,
    *,
    total_places: int = 20,
    partner_places: int = 4,
    status: CourseStatus = CourseStatus.PUBLISHED,
    release_on: date | None = None,
    booking_closes_at: datetime | None = None,
    starts_at: time = time(9, 30),
    ends_at: time = time(16, 30),
    venue_obj: Venue | None = None,
    type_obj: CourseType | None = None,
    dates: list[date] | None = None,
    **fields,
) -> Course:
    """A two-day course; day 2 defaults to the day after day 1. `dates` gives a course of
    any number of days instead (day 1 is its first)."""
    day2 = day2 or day1 + timedelta(days=1)
    dates = dates or [day1, day2]
    day1 = dates[0]
    # `trainers="..."`: a course from before trainers' accounts, its names in the note.
    trainers = fields.pop("trainers", "")
    note = fields.pop("coordinator_note", TRAINERS_NOTE_PREFIX + trainers if trainers else "")
    c = Course(
        course_type=type_obj or course_type(),
        venue=venue_obj or venue(),
        status=status,
        total_places=total_places,
        partner_places=partner_places,
        release_on=release_on or day1 - timedelta(days=14),
        booking_closes_at=booking_closes_at
        or datetime.combine(day1 - timedelta(days=3), time(23, 59), tzinfo=UTC),
        coordinator_note=note,
        **fields,
    )
    c.days = [
        CourseDay(day_number=n, date=when, starts_at=starts_at, ends_at=ends_at)
        for n, when in enumerate(dates, start=1)
    ]
    db.session.add(c)
    db.session.commit()
    return c


def person(group: Group = Group.STAFF, email: str | None = None, **fields) -> Person:
    n = next(_seq)
    if email is None:
        domain = "cumberland.gov.uk" if group == Group.STAFF else "nhs.net"
        email = f"person{n}@{domain}"
    p = Person(
        email=email.strip().lower(),
        full_name=fields.pop("full_name", f"Test Person {n}"),
        job_title=fields.pop("job_title", "Social Worker"),
        team=fields.pop("team", "Children's Services"),
        organisation=fields.pop(
            "organisation", "Cumberland Council" if group == Group.STAFF else "NHS"
        ),
        group=group,
        **fields,
    )
    db.session.add(p)
    db.session.commit()
    return p


def agency(name: str, *domains: str, contact_email: str = "") -> Agency:
    """A partner agency; each domain is "nhs.net" or "nhs.net: words its name contains"."""
    entries = []
    for line in domains:
        domain, _, words = line.partition(":")
        entries.append(AgencyDomain(domain=domain.strip(), name_contains=words.strip()))
    a = Agency(name=name, contact_email=contact_email, domains=entries)
    db.session.add(a)
    db.session.commit()
    return a


def coordinator(
    email: str | None = None, password: str = "correct horse battery staple", **fields
) -> User:
    n = next(_seq)
    u = User(
        email=email or f"coordinator{n}@cumbria.gov.uk",
        full_name=fields.pop("full_name", f"Coordinator {n}"),
        password_hash=generate_password_hash(password),
        role=fields.pop("role", Role.COORDINATOR),
        **fields,
    )
    db.session.add(u)
    db.session.commit()
    return u


def booking(course: Course, person_obj: Person | None = None, status=None, **fields):
    """A booking row written directly (no rules applied): for tests of other areas."""
    import secrets

    from booking.models import Booking, BookingStatus

    person_obj = person_obj or person()
    b = Booking(
        course=course,
        course_type_id=course.course_type_id,
        person=person_obj,
        status=status or BookingStatus.CONFIRMED,
        link_key=secrets.token_hex(16),
        **fields,
    )
    db.session.add(b)
    db.session.commit()
    return b

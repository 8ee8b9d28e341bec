"""`flask seed-demo`: a realistic programme to look at and try, relative to today.

Courses at six Cumbrian towns over the coming months, some nearly full or full with a
waitlist, one finished course in the past and one draft; plus a demo coordinator account
(development only). Never runs in production.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from .. import clock
from ..extensions import db
from ..models import Booking, BookingStatus, Course, CourseStatus, Group, Person, User
from ..services import accounts
from ..services import courses as course_service
from ..services.courses import CourseDetails, DayDetails, VenueDetails
from ..services.db import transactional

DEMO_COORDINATOR_EMAIL = "demo.coordinator@cumbria.gov.uk"
DEMO_COORDINATOR_PASSWORD = "demo-password-for-this-laptop-only"  # noqa: S105 - demo data

VENUES = {
    "Carlisle": VenueDetails(
        name="Carlisle Civic Centre",
        address="Training Suite, Ground Floor\nRickergate",
        town="Carlisle",
        postcode="CA3 8QG",
        accessibility_notes=(
            "Step-free entrance from Rickergate. Lift to every floor, hearing loop in the "
            "training suite and accessible toilets on the ground floor."
        ),
        parking_notes=(
            "No staff parking on site. Pay and display at Rickergate and the Sands Centre "
            "car parks (5 minutes' walk). Carlisle railway station is 15 minutes' walk."
        ),
    ),
    "Workington": VenueDetails(
        name="Workington Carnegie Centre",
        address="Meeting Room 2\nFinkle Street",
        town="Workington",
        postcode="CA14 2BD",
        accessibility_notes="Level access through the main doors. Accessible toilet next to the room.",
        parking_notes="Free parking at Dunmail Park is 10 minutes' walk. Some street parking nearby.",
    ),
    "Whitehaven": VenueDetails(
        name="The Beacon",
        address="Learning Room, First Floor\nWest Strand",
        town="Whitehaven",
        postcode="CA28 7LY",
        accessibility_notes="Lift to the first floor. Accessible toilets on every floor.",
        parking_notes="Pay and display on the harbourside, next to the building.",
    ),
    "Penrith": VenueDetails(
        name="Voreda House",
        address="Conference Room\nPortland Place",
        town="Penrith",
        postcode="CA11 7BF",
        accessibility_notes="Step-free entrance at the rear. Lift to the conference room.",
        parking_notes="A small number of visitor spaces at the rear; otherwise Bluebell Lane car park.",
    ),
    "Kendal": VenueDetails(
        name="Kendal County Offices",
        address="Training Room 1\nBusher Walk",
        town="Kendal",
        postcode="LA9 4RQ",
        accessibility_notes="Ramp to the main entrance. Training Room 1 is on the ground floor.",
        parking_notes="Visitor parking on site is limited; the Westmorland Shopping Centre car park is close by.",
    ),
    "Barrow-in-Furness": VenueDetails(
        name="Barrow Town Hall",
        address="Council Chamber Annexe\nDuke Street",
        town="Barrow-in-Furness",
        postcode="LA14 2LD",
        accessibility_notes="Accessible entrance on Schneider Square. Lift to the annexe.",
        parking_notes="Pay and display on Duke Street and at the Forum car park.",
    ),
}

TRAINERS = ["Helen Armstrong and Gary Nicholson", "Anne Tyson and Mark Dobson", "Ruth Steel"]


@dataclass
class Plan:
    """One demo course: when, where, and how many places are taken by each group."""

    weeks_ahead: int
    town: str
    staff: int
    partner: int
    waiting: int = 0
    total: int = 20
    partner_places: int = 4
    second_day_next_week: bool = False
    status: CourseStatus = CourseStatus.PUBLISHED


PROGRAMME = [
    Plan(1, "Carlisle", staff=15, partner=3),
    Plan(2, "Kendal", staff=14, partner=4, waiting=3, total=18),
    Plan(3, "Whitehaven", staff=12, partner=2),
    Plan(5, "Barrow-in-Furness", staff=12, partner=1, total=16),
    Plan(7, "Penrith", staff=5, partner=0),
    Plan(9, "Workington", staff=3, partner=1),
    Plan(11, "Carlisle", staff=2, partner=0, total=24, partner_places=6, second_day_next_week=True),
    Plan(14, "Kendal", staff=0, partner=0),
    Plan(17, "Barrow-in-Furness", staff=0, partner=0),
    Plan(20, "Whitehaven", staff=0, partner=0),
    Plan(23, "Penrith", staff=0, partner=0, status=CourseStatus.DRAFT),
]

FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Chloe",
    "Daniel",
    "Emma",
    "Fiona",
    "George",
    "Hannah",
    "Ian",
    "Jess",
    "Karen",
    "Liam",
    "Megan",
    "Nathan",
    "Olivia",
    "Paul",
    "Rachel",
    "Sam",
    "Tom",
    "Uma",
    "Victoria",
    "Will",
    "Yasmin",
    "Zoe",
    "Alan",
    "Beth",
    "Craig",
    "Dawn",
    "Ellie",
    "Frank",
]
LAST_NAMES = [
    "Armstrong",
    "Bell",
    "Carr",
    "Dixon",
    "Elliott",
    "Graham",
    "Hodgson",
    "Irving",
    "Jackson",
    "Kirkbride",
    "Lowther",
    "Messenger",
    "Nixon",
    "Oliver",
    "Pattinson",
    "Robinson",
    "Scott",
    "Tinkler",
    "Walker",
    "Young",
]
STAFF_DOMAINS = ["cumberland.gov.uk", "westmorlandandfurness.gov.uk"]
PARTNERS = [
    ("nhs.net", "North Cumbria Integrated Care NHS Foundation Trust", "Health Visitor"),
    ("cumbria.police.uk", "Cumbria Constabulary", "Police Constable"),
    ("stbees-school.example.org", "St Bees Primary School", "Designated Safeguarding Lead"),
    ("barnardos.org.uk", "Barnardo's", "Family Support Worker"),
]
STAFF_JOBS = ["Social Worker", "Senior Social Worker", "Family Support Worker", "Team Manager"]
STAFF_TEAMS = ["Children and Families", "Safeguarding Hub", "Children in Care", "Early Help"]


def register(app: Flask) -> None:
    """Add this area's commands to the flask command line."""
    app.cli.add_command(seed_demo)


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only load the demo when there are no courses yet.")
def seed_demo(if_empty: bool) -> None:
    """Load a demo programme of courses, people and bookings (never in production)."""
    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("Demo data is never loaded in production.")
    if if_empty and db.session.scalar(select(func.count(Course.id))):
        click.echo("There are courses already, so no demo data was loaded.")
        return
    now = clock.now()
    summary = load_demo(now=now)
    click.echo(
        f"Loaded {summary['courses']} demo courses at {summary['venues']} venues, "
        f"with {summary['bookings']} bookings."
    )
    if current_app.config.get("ENV_NAME") in ("development", "testing"):
        _demo_coordinator(now)


def _demo_coordinator(now: datetime) -> None:
    exists = db.session.scalar(select(User.id).where(User.email == DEMO_COORDINATOR_EMAIL))
    if exists is None:
        accounts.create_coordinator(
            DEMO_COORDINATOR_EMAIL,
            password=DEMO_COORDINATOR_PASSWORD,
            full_name="Demo Coordinator",
            administrator=True,
            actor="demo data",
            now=now,
        )
    click.echo(
        "Demo coordinator (this computer only): sign in at /coordinator/sign-in with\n"
        f"  email:    {DEMO_COORDINATOR_EMAIL}\n"
        f"  password: {DEMO_COORDINATOR_PASSWORD}"
    )


def _day_pair(today: date, plan: Plan) -> tuple[date, date]:
    """A Tuesday and Wednesday about `weeks_ahead` weeks on (day 2 a week later if the plan
    says). The first Tuesday is at least 8 days away, so its booking is still open."""
    soonest = today + timedelta(days=8)
    tuesday = soonest + timedelta(days=(1 - soonest.weekday()) % 7)
    day1 = tuesday + timedelta(weeks=plan.weeks_ahead - 1)
    while (day1.month, day1.day) >= (12, 20) or (day1.month, day1.day) <= (1, 3):
        day1 += timedelta(weeks=1)  # no training over Christmas and New Year
    day2 = day1 + timedelta(weeks=1) if plan.second_day_next_week else day1 + timedelta(days=1)
    return day1, day2


def load_demo(*, now: datetime) -> dict[str, int]:
    """Create the venues, courses, people and bookings; return how many of each."""
    actor = "demo data"
    rng = random.Random(2026)  # the same demo every time  # noqa: S311
    people = _People(rng, now)
    venues = {
        town: course_service.create_venue(details, actor=actor, now=now)
        for town, details in VENUES.items()
    }
    today = course_service.today_in_london(now)
    course_type = course_service.default_course_type()
    made = 0
    for index, plan in enumerate(PROGRAMME):
        day1, day2 = _day_pair(today, plan)
        course = course_service.create_course(
            CourseDetails(
                venue=venues[plan.town],
                total_places=plan.total,
                partner_places=plan.partner_places,
                days=[
                    DayDetails(day1, time(9, 30), time(16, 30)),
                    DayDetails(day2, time(9, 30), time(16, 0)),
                ],
                trainers=TRAINERS[index % len(TRAINERS)],
                notes="Tea, coffee and a sandwich lunch are provided on both days.",
                course_type=course_type,
            ),
            actor=actor,
            now=now,
        )
        if plan.status == CourseStatus.PUBLISHED:
            course_service.publish_course(course, actor=actor, now=now)
        _demo_bookings(course, plan, people, now)
        made += 1
    finished = _demo_finished_course(venues["Carlisle"], course_type, today, people, now)
    made += 1 if finished else 0
    return {"courses": made, "venues": len(venues), "bookings": people.bookings}


class _People:
    """Makes demo people with realistic names and addresses, each used once."""

    def __init__(self, rng: random.Random, now: datetime):
        self.rng = rng
        self.now = now
        self.used: set[str] = set()
        self.bookings = 0

    def make(self, group: Group) -> Person:
        while True:
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            if group == Group.STAFF:
                domain, job = self.rng.choice(STAFF_DOMAINS), self.rng.choice(STAFF_JOBS)
                organisation = (
                    "Cumberland Council"
                    if domain.startswith("cumberland")
                    else "Westmorland and Furness Council"
                )
            else:
                domain, organisation, job = self.rng.choice(PARTNERS)
            email = f"{first}.{last}@{domain}".lower()
            if email not in self.used:
                self.used.add(email)
                break
        person = Person(
            email=email,
            full_name=f"{first} {last}",
            job_title=job,
            team=self.rng.choice(STAFF_TEAMS) if group == Group.STAFF else "",
            organisation=organisation,
            group=group,
            created_at=self.now,
        )
        db.session.add(person)
        return person


@transactional
def _demo_bookings(course: Course, plan: Plan, people: _People, now: datetime) -> None:
    """DEMO DATA ONLY: booking rows written directly, without the booking rules, so the
    calendar's figures look like a real programme. Real bookings go through the booking service."""
    asked = now - timedelta(days=20)
    for group, number, status in (
        (Group.STAFF, plan.staff, BookingStatus.CONFIRMED),
        (Group.PARTNER, plan.partner, BookingStatus.CONFIRMED),
        (Group.STAFF, plan.waiting, BookingStatus.WAITLISTED),
    ):
        for _ in range(number):
            asked += timedelta(minutes=people.rng.randint(5, 600))
            db.session.add(
                Booking(
                    course=course,
                    course_type_id=course.course_type_id,
                    person=people.make(group),
                    status=status,
                    requested_at=min(asked, now),
                    confirmed_at=min(asked, now) if status == BookingStatus.CONFIRMED else None,
                    link_key=secrets.token_hex(16),
                    created_at=min(asked, now),
                )
            )
            people.bookings += 1


@transactional
def _demo_finished_course(
    venue, course_type, today: date, people: _People, now: datetime
) -> Course:
    """DEMO DATA ONLY: a course that ran four weeks ago (the services refuse past dates)."""
    from ..models import CourseDay

    day1 = today - timedelta(weeks=4, days=today.weekday() - 1)
    course = Course(
        course_type=course_type,
        venue=venue,
        status=CourseStatus.PUBLISHED,  # over, worked out from its dates
        total_places=20,
        partner_places=4,
        release_on=course_service.default_release_on(day1),
        booking_closes_at=course_service.closing_moment(
            course_service.default_booking_closes_on(day1)
        ),
        trainers=TRAINERS[0],
        created_at=now - timedelta(weeks=12),
        updated_at=now,
        days=[
            CourseDay(day_number=1, date=day1, starts_at=time(9, 30), ends_at=time(16, 30)),
            CourseDay(
                day_number=2,
                date=day1 + timedelta(days=1),
                starts_at=time(9, 30),
                ends_at=time(16, 0),
            ),
        ],
    )
    db.session.add(course)
    db.session.flush()
    _demo_bookings(course, Plan(-4, venue.town, staff=16, partner=2), people, now)
    return course

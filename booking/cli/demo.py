"""`flask seed-demo`: a realistic programme to look at and try, relative to today.

Courses at six Cumbrian towns (each venue with its rooms) over the coming months, some nearly
full or full with a waitlist, three courses in the past with their registers taken, and two
drafts in the same room on the same days (so one course page shows a clash warning); three
course types (the introductory two-day course, an advanced two-day course for council staff
that needs the introductory course first, and a one-day session for partner agencies); plus a
demo coordinator account (development only). Never runs in production.

Everything is made through the services with the clock passed in, as if the programme had
been set up some weeks ago and people had booked since, so the demo keeps the booking rules
(docs/rules.md) like real data. The emails those services queue for the made-up people are
removed at the end: their addresses are at real domains.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

import click
import pyotp
from flask import Flask, current_app
from sqlalchemy import delete, func, select

from .. import clock
from ..extensions import db
from ..models import (
    TRAINERS_NOTE_PREFIX,
    Attendance,
    Booking,
    BookingStatus,
    Course,
    CourseStatus,
    CourseType,
    Group,
    Mark,
    OutboxMessage,
    Role,
    User,
)
from ..services import accounts, actors, course_types, people, registers, requests, rooms
from ..services import courses as course_service
from ..services import venues as venue_service
from ..services.course_types import CourseTypeDetails
from ..services.courses import CourseDetails, DayDetails
from ..services.db import transactional
from ..services.errors import BookingError
from ..services.rooms import RoomDetails
from ..services.venues import VenueDetails
from ..timezone import LONDON, london_date

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

#: Each venue's rooms and how many people they hold; courses go in the first unless a plan
#: names another.
ROOMS = {
    "Carlisle": [("Training Suite", 24), ("Meeting Room 3", 12)],
    "Workington": [("Meeting Room 2", 24)],
    "Whitehaven": [("Learning Room", 20), ("Harbour Room", 10)],
    "Penrith": [("Conference Room", 24)],
    "Kendal": [("Training Room 1", 20), ("Training Room 2", 14)],
    "Barrow-in-Furness": [("Council Chamber Annexe", 22)],
}

#: Why the demo's second draft is saved although it clashes with the first (same room, same
#: days): so the coordinator's course page shows what a clash warning looks like.
DEMO_CLASH_REASON = "Set up to show a clash warning in the demo."

TRAINERS = ["Helen Armstrong and Gary Nicholson", "Anne Tyson and Mark Dobson", "Ruth Steel"]
#: Trainers' accounts on a developer's computer (they share the demo coordinator's password),
#: each taking the registers of every third demo course.
DEMO_TRAINERS = {
    "helen.armstrong@cumbria.gov.uk": "Helen Armstrong",
    "anne.tyson@westmorlandandfurness.gov.uk": "Anne Tyson",
    "ruth.steel@cumberland.gov.uk": "Ruth Steel",
}


#: Who the audit trail says made the demo.
ACTOR = actors.system("demo data")
#: The demo programme was set up this long before today, and people booked since.
SET_UP_BEFORE = timedelta(weeks=20)
BOOKING_FROM = timedelta(days=20)


@dataclass
class Plan:
    """One demo course: when, where, and how many people of each group ask for a place
    (in this order: staff, partner agencies, then the staff in `waiting`)."""

    weeks_ahead: int
    town: str
    staff: int
    partner: int
    waiting: int = 0
    total: int = 20
    partner_places: int = 4
    second_day_next_week: bool = False
    status: CourseStatus = CourseStatus.PUBLISHED
    #: The course type's key in `COURSE_TYPES` ("" for the introductory course).
    kind: str = ""
    clash_reason: str = ""


#: Courses already run: how many weeks ago, where, and who came (their marks are below).
PAST = [
    Plan(-5, "Carlisle", staff=16, partner=2),
    Plan(-9, "Penrith", staff=12, partner=3),
    Plan(-13, "Kendal", staff=14, partner=4),
]


PROGRAMME = [
    Plan(1, "Carlisle", staff=15, partner=3),
    Plan(2, "Kendal", staff=14, partner=4, waiting=5, total=18),
    Plan(3, "Whitehaven", staff=12, partner=2),
    Plan(5, "Barrow-in-Furness", staff=12, partner=1, total=16),
    Plan(7, "Penrith", staff=8, partner=0),
    Plan(9, "Workington", staff=6, partner=2),
    Plan(11, "Carlisle", staff=2, partner=0, total=24, partner_places=6, second_day_next_week=True),
    Plan(14, "Kendal", staff=8, partner=2),
    Plan(17, "Barrow-in-Furness", staff=6, partner=1),
    Plan(20, "Whitehaven", staff=3, partner=0),
    Plan(23, "Penrith", staff=0, partner=0, status=CourseStatus.DRAFT),
    # In the same room on the same days as the draft above: a clash warning to look at.
    Plan(
        23,
        "Penrith",
        staff=0,
        partner=0,
        status=CourseStatus.DRAFT,
        clash_reason=DEMO_CLASH_REASON,
    ),
    # The advanced course: only people who completed the introductory course can book it.
    Plan(6, "Carlisle", staff=6, partner=0, total=16, partner_places=0, kind="advanced"),
    Plan(15, "Kendal", staff=2, partner=0, total=16, partner_places=0, kind="advanced"),
    # One-day sessions for partner agencies (most places kept for them until the release date).
    Plan(4, "Workington", staff=2, partner=5, total=24, partner_places=16, kind="partner"),
    Plan(13, "Penrith", staff=1, partner=2, total=24, partner_places=16, kind="partner"),
]

#: The demo's other course types (the introductory course is `default_course_type`).
COURSE_TYPES = {
    "advanced": CourseTypeDetails(
        name="Signs of Safety Advanced Training",
        summary="Two days for practitioners who use Signs of Safety and want to go further.",
        description=(
            "Two days on mapping with families, safety planning and working with networks, "
            "for practitioners who have completed the introductory course."
        ),
        what_to_bring="Notes from a case you are working on (with no names in them).",
        days_count=2,
        default_total_places=16,
        default_partner_places=0,
        partners_may_book=False,
    ),
    "partner": CourseTypeDetails(
        name="Signs of Safety for Partner Agencies",
        summary="One day for health, police, schools and charities working with our social workers.",
        description=(
            "A one-day introduction for people in partner agencies: how Signs of Safety "
            "meetings and plans work, and your part in them."
        ),
        what_to_bring="A pen and a notebook.",
        days_count=1,
        default_starts_at=time(9, 30),
        default_ends_at=time(15, 30),
        default_total_places=24,
        default_partner_places=16,
        partners_may_book=True,
        release_days_before=7,
    ),
}

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
    try:
        summary = load_demo(
            now=now,
            council_domains=current_app.config["COUNCIL_EMAIL_DOMAINS"],
            max_span_days=current_app.config["COURSE_MAX_SPAN_DAYS"],
        )
    except BookingError as refused:
        raise click.ClickException(f"The demo could not be loaded: {refused.message}") from None
    click.echo(
        f"Loaded {summary['courses']} demo courses at {summary['venues']} venues, "
        f"with {summary['bookings']} bookings."
    )
    if current_app.config.get("ENV_NAME") in ("development", "testing"):
        make_demo_coordinator(now)
        make_demo_trainers(now)


def make_demo_coordinator(now: datetime) -> None:
    """The demo coordinator (an administrator with its app set up), if not made already,
    and its details printed."""
    exists = db.session.scalar(select(User.id).where(User.email == DEMO_COORDINATOR_EMAIL))
    if exists is None:
        user = accounts.create_coordinator(
            DEMO_COORDINATOR_EMAIL,
            password=DEMO_COORDINATOR_PASSWORD,
            full_name="Demo Coordinator",
            administrator=True,
            actor=ACTOR,
            now=now,
        )
        _set_up_demo_app(user, now)
    click.echo(
        "Demo coordinator (this computer only): sign in at /coordinator/sign-in with\n"
        f"  email:    {DEMO_COORDINATOR_EMAIL}\n"
        f"  password: {DEMO_COORDINATOR_PASSWORD}\n"
        "  code:     run `.venv/bin/flask demo code` for the code an authenticator app would show"
    )


@transactional
def _demo_trainer_accounts(now: datetime) -> list[User]:
    """The demo trainers' accounts (made the first time), each assigned to every third demo
    course, as TRAINERS names them."""
    trainers = []
    for email, name in DEMO_TRAINERS.items():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = accounts.create_account(
                email, DEMO_COORDINATOR_PASSWORD, full_name=name, role=Role.TRAINER,
                actor=ACTOR, now=now,
            )  # fmt: skip
            _set_up_demo_app(user, now)
        trainers.append(user)
    for index, course in enumerate(db.session.scalars(select(Course).order_by(Course.id))):
        # The trainer the course's note names (TRAINERS and DEMO_TRAINERS are in one order).
        named = TRAINERS.index(course.trainers_note) if course.trainers_note in TRAINERS else index
        trainer = trainers[named % len(trainers)]
        if trainer not in course.trainer_accounts:
            course.trainer_accounts.append(trainer)
    return trainers


def make_demo_trainers(now: datetime) -> None:
    """Trainers' accounts for the demo courses, and how to sign in as one printed."""
    trainers = _demo_trainer_accounts(now)
    click.echo(
        "Demo trainers (this computer only): each takes the registers of their own courses.\n"
        "Sign in at /coordinator/sign-in with one of these emails and the same password:\n"
        + "".join(f"  email:    {t.email} ({t.full_name})\n" for t in trainers)
        + f"  password: {DEMO_COORDINATOR_PASSWORD}\n"
        "  code:     run `.venv/bin/flask demo code EMAIL` for the code an authenticator app "
        "would show"
    )


def _set_up_demo_app(user: User, now: datetime) -> None:
    """Set up the demo coordinator's authenticator app as if on a phone, so signing in asks
    for the code (which `flask demo code` prints). It is confirmed with the code from 30
    seconds ago (accepted for clock drift), so the code showing now has not been used."""
    secret = accounts.begin_second_factor_setup(user)
    earlier = pyotp.TOTP(secret).at(now - timedelta(seconds=30))
    accounts.confirm_second_factor(user, earlier, now=now)


def _day_pair(today: date, plan: Plan) -> tuple[date, date]:
    """A Tuesday and Wednesday about `weeks_ahead` weeks on (day 2 a week later if the plan
    says). The first Tuesday is at least 8 days away, so its booking is still open. A plan
    with weeks in the past gives the Tuesday that many weeks ago."""
    if plan.weeks_ahead < 0:
        day1 = today - timedelta(weeks=-plan.weeks_ahead, days=(today.weekday() - 1) % 7)
    else:
        soonest = today + timedelta(days=8)
        tuesday = soonest + timedelta(days=(1 - soonest.weekday()) % 7)
        day1 = tuesday + timedelta(weeks=plan.weeks_ahead - 1)
    step = timedelta(weeks=1 if plan.weeks_ahead >= 0 else -1)
    while (day1.month, day1.day) >= (12, 20) or (day1.month, day1.day) <= (1, 3):
        day1 += step  # no training over Christmas and New Year
    day2 = day1 + timedelta(weeks=1) if plan.second_day_next_week else day1 + timedelta(days=1)
    return day1, day2


@transactional
def load_demo(
    *,
    now: datetime,
    council_domains: Iterable[str],
    max_span_days: int = course_service.MAX_SPAN_DAYS,
) -> dict[str, int]:
    """Create the venues, courses, people and bookings through the services; return how
    many of each. One transaction: the services join it, and the demo is all or nothing."""
    rng = random.Random(2026)  # the same demo every time  # noqa: S311
    set_up = now - SET_UP_BEFORE
    folk = _People(rng, list(council_domains))
    venues = {
        town: venue_service.create_venue(details, actor=ACTOR, now=set_up)
        for town, details in VENUES.items()
    }
    main_rooms = {
        town: [
            rooms.create_room(venues[town], RoomDetails(name, size), actor=ACTOR, now=set_up)
            for name, size in ROOMS[town]
        ][0]
        for town in VENUES
    }
    today = london_date(now)
    types = _demo_course_types(set_up)
    made = 0
    busy: dict[date, set[int]] = {}  # the trainers already teaching on each day
    for index, plan in enumerate(PAST + PROGRAMME):
        course = _demo_course(
            plan,
            (venues[plan.town], main_rooms[plan.town]),
            types[plan.kind],
            _free_trainer(index, _day_pair(today, plan), busy),
            today,
            set_up,
            max_span_days,
        )
        if plan.weeks_ahead < 0:
            day1 = course.first_day.date
            start = datetime.combine(day1 - timedelta(weeks=5), time(9, 0), tzinfo=LONDON)
            held = _demo_bookings(course, plan, folk, max(start, set_up + timedelta(days=1)))
            _demo_registers(course, held)
            folk.trained += [
                b.person
                for b in held
                if b.person.group == Group.STAFF and b.attendance == Attendance.COMPLETED
            ]
        elif plan.status == CourseStatus.PUBLISHED:
            _demo_bookings(course, plan, folk, now - BOOKING_FROM, until=now)
        made += 1
    _forget_demo_mail(folk.booking_ids)
    return {"courses": made, "venues": len(venues), "bookings": len(folk.booking_ids)}


def _free_trainer(index: int, days: tuple[date, date], busy: dict[date, set[int]]) -> int:
    """The demo's trainers take turns (by `index`), skipping any already teaching on one of
    these days (courses moved past Christmas can land in the same week): the demo shows no
    trainer clash, only the room clash it sets up on purpose."""
    for turn in range(len(TRAINERS)):
        trainer = (index + turn) % len(TRAINERS)
        if not any(trainer in busy.get(day, set()) for day in days):
            break
    else:
        trainer = index % len(TRAINERS)
    for day in days:
        busy.setdefault(day, set()).add(trainer)
    return trainer


def _demo_course_types(set_up: datetime) -> dict[str, CourseType]:
    """The introductory course (key "") and the others in `COURSE_TYPES`; the advanced
    course needs the introductory course first."""
    introductory = course_service.default_course_type()
    types = {"": introductory}
    for key, details in COURSE_TYPES.items():
        needs = [introductory] if key == "advanced" else []
        types[key] = course_types.create_course_type(
            replace(details, prerequisites=needs), actor=ACTOR, now=set_up
        )
    return types


def _demo_course(
    plan: Plan,
    where: tuple,
    course_type,
    trainer: int,
    today: date,
    set_up: datetime,
    max_span_days: int,
):
    """One demo course as `plan` says, taught by `TRAINERS[trainer]`."""
    day1, day2 = _day_pair(today, plan)
    venue, room = where
    if course_type.days_count == 1:
        days = [DayDetails(day1, course_type.default_starts_at, course_type.default_ends_at)]
    else:
        days = [
            DayDetails(day1, time(9, 30), time(16, 30)),
            DayDetails(day2, time(9, 30), time(16, 0)),
        ]
    course = course_service.create_course(
        CourseDetails(
            venue=venue,
            room=room,
            clash_reason=plan.clash_reason,
            total_places=plan.total,
            partner_places=plan.partner_places,
            days=days,
            coordinator_note=TRAINERS_NOTE_PREFIX + TRAINERS[trainer],
            notes="Tea, coffee and a sandwich lunch are provided"
            + (" on both days." if len(days) == 2 else "."),
            course_type=course_type,
        ),
        actor=ACTOR,
        now=set_up,
        max_span_days=max_span_days,
    )
    if plan.status == CourseStatus.PUBLISHED:
        course_service.publish_course(course, actor=ACTOR, now=set_up)
    return course


@dataclass
class _People:
    """Makes demo people with realistic names and addresses, each used once."""

    rng: random.Random
    council_domains: list[str]
    used: set[str] = field(default_factory=set)
    booking_ids: list[int] = field(default_factory=list)
    #: Council staff who completed the introductory course on a past demo course.
    trained: list = field(default_factory=list)

    def make(self, group: Group, now: datetime):
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
        details = {
            "full_name": f"{first} {last}",
            "job_title": job,
            "team": self.rng.choice(STAFF_TEAMS) if group == Group.STAFF else "",
            "organisation": organisation,
        }
        return people.find_or_create_person(
            email, council_domains=self.council_domains, now=now, details=details, actor=ACTOR
        )


def _demo_bookings(
    course: Course, plan: Plan, folk: _People, start: datetime, *, until: datetime | None = None
) -> list[Booking]:
    """People ask for places one after another from `start`, through the booking rules
    (rules 1 to 6); returns the bookings that hold a place."""
    asked = start
    held = []
    for group, number in (
        (Group.STAFF, plan.staff),
        (Group.PARTNER, plan.partner),
        (Group.STAFF, plan.waiting),
    ):
        for _ in range(number):
            asked += timedelta(minutes=folk.rng.randint(5, 600))
            when = min(asked, until) if until else asked
            # Only people who completed what the course needs first can book it.
            person = folk.trained.pop(0) if plan.kind == "advanced" else folk.make(group, when)
            booking = requests.book_place(course, person, actor=ACTOR, now=when)
            folk.booking_ids.append(booking.id)
            if booking.status == BookingStatus.CONFIRMED:
                held.append(booking)
    return held


#: Who did not simply come on every day, by their place in the list: day 1 and day 2 marks,
#: and whether a "left early" day still counts. Everyone else is present on every day (and
#: so is everyone on a day after day 2, on a longer course).
PAST_MARKS = {
    0: ((Mark.LATE, True), (Mark.PRESENT, True)),
    1: ((Mark.PRESENT, True), (Mark.LEFT_EARLY, True)),
    2: ((Mark.PRESENT, True), (Mark.LEFT_EARLY, False)),
    3: ((Mark.ABSENT, False), (Mark.ABSENT, False)),  # a no-show
    4: ((Mark.PRESENT, True), (Mark.ABSENT, False)),
}


def _demo_registers(course: Course, held: list[Booking]) -> None:
    """Take every day's register on the day, through the register service (which records
    who completed the training)."""
    for day in course.days:
        on_the_day = datetime.combine(day.date, time(10, 0), tzinfo=LONDON)
        for index, booking in enumerate(held):
            marks = PAST_MARKS.get(index, ())
            mark, counts = (
                marks[day.day_number - 1] if day.day_number <= len(marks) else (Mark.PRESENT, True)
            )
            registers.mark(
                booking, day, mark, actor=ACTOR, now=on_the_day, counts_as_attended=counts
            )


def _forget_demo_mail(booking_ids: list[int]) -> None:
    """The demo's people are made up but their addresses are at real domains: drop the
    emails the services queued for them, so none is ever sent."""
    db.session.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.booking_id.in_(booking_ids))
        .execution_options(synchronize_session=False)
    )

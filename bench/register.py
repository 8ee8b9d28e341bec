"""Scenario 3: the register for a course day with 40 people.

The clock is pinned to the morning of the first day (`CLOCK_OVERRIDE`), when the register
opens. Measured in-process through Flask's test client: the register page, then one mark
(present) saved for each person in turn (each POST marks someone not yet marked).
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, time, timedelta

from common import (
    QueryCounter,
    app_env,
    database,
    dispose,
    make_app,
    migrate,
    sign_in_coordinator,
    table,
    time_requests,
)

PEOPLE = 40


def seed(app) -> tuple[int, list[int], datetime]:
    """A course whose first day is today, 40 confirmed people; (day id, booking ids, now)."""
    from sqlalchemy import insert, select

    from booking.extensions import db
    from booking.models import (
        Booking,
        BookingStatus,
        Course,
        CourseDay,
        CourseStatus,
        CourseType,
        Group,
        Person,
        Venue,
    )

    first = date.today() + timedelta(days=30)
    now = datetime.combine(first, time(9, 0), tzinfo=UTC)
    with app.app_context():
        course = Course(
            course_type=CourseType(
                name="Signs of Safety Two Day Introductory Training", slug="intro"
            ),
            venue=Venue(
                name="Kendal Town Hall", address="Highgate", town="Kendal", postcode="LA9 4DL"
            ),
            status=CourseStatus.PUBLISHED,
            total_places=PEOPLE,
            partner_places=6,
            release_on=first - timedelta(days=60),
            booking_closes_at=now - timedelta(days=3),
        )
        course.days = [
            CourseDay(
                day_number=n,
                date=first + timedelta(days=n - 1),
                starts_at=time(9, 30),
                ends_at=time(16, 30),
            )
            for n in (1, 2)
        ]
        db.session.add(course)
        db.session.flush()
        db.session.execute(
            insert(Person),
            [
                {
                    "email": f"person{n}@cumberland.gov.uk",
                    "full_name": f"Person {n:02d}",
                    "group": Group.STAFF,
                    "organisation": "Cumberland Council",
                }
                for n in range(PEOPLE)
            ],
        )
        people = list(db.session.scalars(select(Person.id).order_by(Person.id)))
        db.session.execute(
            insert(Booking),
            [
                {
                    "course_id": course.id,
                    "course_type_id": course.course_type_id,
                    "person_id": person_id,
                    "status": BookingStatus.CONFIRMED,
                    "requested_at": now - timedelta(days=40),
                    "confirmed_at": now - timedelta(days=40),
                    "link_key": secrets.token_hex(16),
                }
                for person_id in people
            ],
        )
        db.session.commit()
        day_id = course.days[0].id
        bookings = list(db.session.scalars(select(Booking.id).order_by(Booking.id)))
    return day_id, bookings, now


def measure(kind: str) -> dict:
    with database(kind) as url:
        env = app_env(url)
        migrate(env)
        app = make_app(url, env)
        day_id, bookings, now = seed(app)
        app.config["CLOCK_OVERRIDE"] = now
        counter = QueryCounter(app)
        client = app.test_client()
        sign_in_coordinator(app, client, now)
        page = time_requests(
            client, counter, lambda c: c.get(f"/coordinator/registers/days/{day_id}"), 30
        )
        assert page.status == 200, page.status
        waiting = iter(bookings)

        def mark(c):
            booking_id = next(waiting)
            return c.post(
                f"/coordinator/registers/days/{day_id}/people/{booking_id}",
                data={"mark": "present"},
            )

        marks = time_requests(client, counter, mark, PEOPLE - 1)
        assert marks.status == 302, marks.status
        marked = _marks(app)
        assert marked == PEOPLE, marked
        dispose(app)
    return {"kind": kind, "page": page, "mark": marks}


def _marks(app) -> int:
    from sqlalchemy import func, select

    from booking.extensions import db
    from booking.models import AttendanceMark

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AttendanceMark))


def main(kinds=("sqlite",)) -> str:
    rows = []
    for kind in kinds:
        r = measure(kind)
        label = "SQLite file" if kind == "sqlite" else "PostgreSQL"
        for name, timed in (("register page", r["page"]), ("save one mark (POST)", r["mark"])):
            rows.append(
                [
                    label,
                    name,
                    timed.queries,
                    f"{timed.percentile(50):.1f}",
                    f"{timed.percentile(95):.1f}",
                ]
            )
    return table(
        f"Register: a course day with {PEOPLE} people (in-process test client)",
        ["database", "request", "queries", "p50 ms", "p95 ms"],
        rows,
    )


if __name__ == "__main__":
    import sys

    print(main(tuple(sys.argv[1:]) or ("sqlite",)))

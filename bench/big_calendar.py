"""Scenario 2: a big calendar. Queries per request and time, at 30 and at 300 courses.

Courses are published and released, two days each, spread over the coming year across ten
venues; each has 50 bookings (24 confirmed, 26 waiting), so 300 courses carry 15,000
bookings. Rows go in with bulk inserts. Pages are requested in-process through Flask's test
client (no HTTP, no gunicorn), so the times are the application's own work.
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

CONFIRMED, WAITING = 24, 26
REPEAT = 30
SIZES = (30, 300)


def seed(app, courses: int) -> int:
    """`courses` published courses with 50 bookings each; returns one course id."""
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

    today = date.today()
    now = datetime.now(UTC)
    with app.app_context():
        course_type = CourseType(
            name="Signs of Safety Two Day Introductory Training", slug="introductory"
        )
        venues = [
            Venue(
                name=f"Venue {n}",
                address=f"{n} High Street\nKendal",
                town=f"Town {n}",
                postcode="LA9 4DL",
            )
            for n in range(10)
        ]
        db.session.add_all([course_type, *venues])
        db.session.flush()
        db.session.execute(
            insert(Course),
            [
                {
                    "course_type_id": course_type.id,
                    "venue_id": venues[n % 10].id,
                    "status": CourseStatus.PUBLISHED,
                    "total_places": CONFIRMED,
                    "partner_places": 6,
                    "release_on": today - timedelta(days=30),
                    "booking_closes_at": datetime.combine(
                        today + timedelta(days=400), time(23), tzinfo=UTC
                    ),
                    "trainers": "Sam Trainer",
                }
                for n in range(courses)
            ],
        )
        ids = list(db.session.scalars(select(Course.id).order_by(Course.id)))
        days = []
        for n, course_id in enumerate(ids):
            first = today + timedelta(days=7 + n * 350 // courses)
            for number in (1, 2):
                days.append(
                    {
                        "course_id": course_id,
                        "day_number": number,
                        "date": first + timedelta(days=number - 1),
                        "starts_at": time(9, 30),
                        "ends_at": time(16, 30),
                    }
                )
        db.session.execute(insert(CourseDay), days)
        per_course = CONFIRMED + WAITING
        db.session.execute(
            insert(Person),
            [
                {
                    "email": f"person{n}@cumberland.gov.uk",
                    "full_name": f"Person {n}",
                    "job_title": "Social Worker",
                    "team": "Children's Services",
                    "organisation": "Cumberland Council",
                    "group": Group.STAFF,
                }
                for n in range(courses * per_course)
            ],
        )
        people = list(db.session.scalars(select(Person.id).order_by(Person.id)))
        rows = []
        for n, course_id in enumerate(ids):
            for k in range(per_course):
                confirmed = k < CONFIRMED
                rows.append(
                    {
                        "course_id": course_id,
                        "course_type_id": course_type.id,
                        "person_id": people[n * per_course + k],
                        "status": BookingStatus.CONFIRMED
                        if confirmed
                        else BookingStatus.WAITLISTED,
                        "requested_at": now - timedelta(minutes=per_course - k),
                        "confirmed_at": now if confirmed else None,
                        "link_key": secrets.token_hex(16),
                    }
                )
        db.session.execute(insert(Booking), rows)
        db.session.commit()
        return ids[len(ids) // 2]


def _fresh_feed(client):
    """The feed as the first request after a change gets it: this worker's copy is dropped,
    so it is rendered (the time before issue 16 for every request)."""
    from booking.services import feed

    feed._rendered.clear()
    return client.get("/courses.ics")


def measure(kind: str, courses: int) -> list[dict]:
    with database(kind) as url:
        env = app_env(url)
        migrate(env)
        app = make_app(url, env)
        course_id = seed(app, courses)
        counter = QueryCounter(app)
        client = app.test_client()
        sign_in_coordinator(app, client, datetime.now(UTC))
        etag = client.get("/courses.ics").headers["ETag"]
        pages = {
            "calendar `/courses`": lambda c: c.get("/courses"),
            "course page": lambda c: c.get(f"/courses/{course_id}"),
            "coordinator dashboard": lambda c: c.get("/coordinator"),
            "`/courses.ics` just changed (rendered)": _fresh_feed,
            "`/courses.ics` unchanged (kept copy)": lambda c: c.get("/courses.ics"),
            "`/courses.ics` unchanged, `If-None-Match` (304)": lambda c: c.get(
                "/courses.ics", headers={"If-None-Match": etag}
            ),
        }
        results = []
        for name, call in pages.items():
            timed = time_requests(client, counter, call, REPEAT)
            assert timed.status == (304 if "304" in name else 200), (name, timed.status)
            results.append({"page": name, "courses": courses, "timed": timed})
        dispose(app)
    return results


def main(kinds=("sqlite",)) -> str:
    rows = []
    for kind in kinds:
        rows.extend(_rows(kind))
    return table(
        f"Big calendar (in-process test client, {REPEAT} requests each; 50 bookings per course)",
        [
            "database",
            "page",
            f"queries at {SIZES[0]}",
            f"queries at {SIZES[1]}",
            f"p50 ms at {SIZES[0]}",
            f"p95 ms at {SIZES[0]}",
            f"p50 ms at {SIZES[1]}",
            f"p95 ms at {SIZES[1]}",
        ],
        rows,
    )


def _rows(kind: str) -> list[list]:
    results = [r for size in SIZES for r in measure(kind, size)]
    by_page: dict[str, dict[int, object]] = {}
    for r in results:
        by_page.setdefault(r["page"], {})[r["courses"]] = r["timed"]
    label = "SQLite file" if kind == "sqlite" else "PostgreSQL"
    rows = []
    for page, sizes in by_page.items():
        small, big = sizes[SIZES[0]], sizes[SIZES[1]]
        rows.append(
            [
                label,
                page,
                small.queries,
                big.queries,
                f"{small.percentile(50):.1f}",
                f"{small.percentile(95):.1f}",
                f"{big.percentile(50):.1f}",
                f"{big.percentile(95):.1f}",
            ]
        )
    return rows


if __name__ == "__main__":
    import sys

    print(main(tuple(sys.argv[1:]) or ("sqlite",)))

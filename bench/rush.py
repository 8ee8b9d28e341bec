"""Scenario 1: the booking rush over HTTP, beside the stack's own ceiling.

500 people (375 council staff, 125 partners) book one course of 24 places (6 for partner
agencies, before the release date) from 32 clients at once, by two paths, each on its own
course in the same database:

- **emailed link** (the path most people take): they filled in the form earlier and now
  press "Confirm" on the page their emailed link opens (`POST /confirm/<token>`). They have
  no record yet: the confirm finds or creates the person, then books.
- **signed in**: people already known and signed in (as after an earlier emailed link)
  send the booking form (`POST /courses/<id>/book`).

The same gunicorn configuration then serves two ceilings: a bare Flask endpoint, and the
least a booking can do (lock the course row, count, insert). Run on file SQLite and
PostgreSQL, 2 then 4 workers.
"""

from __future__ import annotations

import secrets
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from common import (
    Gunicorn,
    LoadResult,
    Request,
    app_env,
    database,
    migrate,
    run_load,
    table,
)

CLIENTS = 32
STAFF, PARTNERS = 375, 125
PLACES, PARTNER_PLACES = 24, 6


PATHS = ("emailed link", "signed in")


@dataclass
class Seeded:
    course_ids: dict[str, int]
    requests: dict[str, list[Request]]


def _course(first: date):
    from booking.models import Course, CourseDay, CourseStatus

    course = Course(
        status=CourseStatus.PUBLISHED,
        total_places=PLACES,
        partner_places=PARTNER_PLACES,
        release_on=first - timedelta(days=14),
        booking_closes_at=datetime.combine(first - timedelta(days=3), time(23, 0), tzinfo=UTC),
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
    return course


def _details(n: int, prefix: str) -> dict[str, str]:
    staff = n < STAFF
    return {
        "email": f"{prefix}staff{n}@cumberland.gov.uk" if staff else f"{prefix}partner{n}@nhs.net",
        "full_name": f"Person {n}",
        "job_title": "Social Worker",
        "team": "Children's Services",
        "organisation": "Cumberland Council" if staff else "NHS",
        "support_needs": "",
        "consent": "y",
    }


def _shuffled(items: list) -> list:
    """Interleave the groups so partners are not all last in the queue."""
    return sorted(items, key=lambda _item: secrets.randbelow(1_000_000))


class _Forms:
    """Session cookies and CSRF tokens as the app's own pages would have given them."""

    def __init__(self, app):
        from flask.sessions import SecureCookieSessionInterface
        from itsdangerous import URLSafeTimedSerializer

        self.cookie_name = app.config.get("SESSION_COOKIE_NAME", "session")
        self.signer = SecureCookieSessionInterface().get_signing_serializer(app)
        self.csrf = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")

    def post(self, path: str, fields: dict[str, str], session: dict | None = None) -> Request:
        raw = secrets.token_hex(20)
        cookie = self.signer.dumps({**(session or {}), "csrf_token": raw})
        body = urllib.parse.urlencode({"csrf_token": self.csrf.dumps(raw), **fields}).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"{self.cookie_name}={cookie}",
        }
        return Request("POST", path, headers, body)


def _signed_in_requests(forms: _Forms, course_id: int) -> list[Request]:
    from booking.extensions import db
    from booking.models import Group, Person

    people = [
        Person(
            group=Group.STAFF if n < STAFF else Group.PARTNER,
            **{k: v for k, v in _details(n, "").items() if k not in ("support_needs", "consent")},
        )
        for n in range(STAFF + PARTNERS)
    ]
    db.session.add_all(people)
    db.session.commit()
    return [
        forms.post(
            f"/courses/{course_id}/book",
            _details(n, ""),
            {"attendee": {"id": person.id, "v": person.session_version}},
        )
        for n, person in _shuffled(list(enumerate(people)))
    ]


def _emailed_link_requests(forms: _Forms, course) -> list[Request]:
    """Each person asked for a place through the form; the link in their email is used now."""
    from booking.services import requests as booking_requests

    now = datetime.now(UTC)
    tokens = [
        booking_requests.request_place(course, _details(n, "link-"), now=now)[1]
        for n in range(STAFF + PARTNERS)
    ]
    return [forms.post(f"/confirm/{token}", {}) for token in _shuffled(tokens)]


def seed(url: str, env: dict[str, str]) -> Seeded:
    """Two courses far enough ahead that they are not released, and 500 people for each:
    emailed links for one, signed-in cookies for the other."""
    import os

    from sqlalchemy import text

    os.environ["INSTANCE_PATH"] = env["INSTANCE_PATH"]
    from booking import create_app
    from booking.extensions import db
    from booking.models import CourseType, Venue

    app = create_app("development", SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=env["SECRET_KEY"])
    first = date.today() + timedelta(days=60)
    with app.app_context():
        course_type = CourseType(
            name="Signs of Safety Two Day Introductory Training", slug="introductory"
        )
        venue = Venue(
            name="Kendal Town Hall", address="Highgate\nKendal", town="Kendal", postcode="LA9 4DL"
        )
        courses = {}
        for n, path in enumerate(PATHS):
            courses[path] = _course(first + timedelta(days=7 * n))
            courses[path].course_type, courses[path].venue = course_type, venue
        db.session.add_all(courses.values())
        db.session.commit()
        db.session.execute(
            text(
                "CREATE TABLE ceiling_rows (id INTEGER PRIMARY KEY, course_id INTEGER, position INTEGER)"
            )
            if url.startswith("sqlite")
            else text(
                "CREATE TABLE ceiling_rows (id SERIAL PRIMARY KEY, course_id INTEGER, position INTEGER)"
            )
        )
        db.session.commit()
        forms = _Forms(app)
        with app.test_request_context():
            link_requests = _emailed_link_requests(forms, courses["emailed link"])
        seeded = Seeded(
            {path: course.id for path, course in courses.items()},
            {
                "emailed link": link_requests,
                "signed in": _signed_in_requests(forms, courses["signed in"].id),
            },
        )
        db.session.remove()
        db.engine.dispose()
    return seeded


def check_counts(url: str, env: dict[str, str], course_id: int) -> dict:
    """Exactly 18 staff and 6 partners confirmed; everyone else waiting, staff first, in time order."""
    import os

    os.environ["INSTANCE_PATH"] = env["INSTANCE_PATH"]
    from sqlalchemy import func, select

    from booking import create_app
    from booking.extensions import db
    from booking.models import Booking, BookingStatus, Course, Group, Person
    from booking.services.waitlist import ordered_waitlist

    app = create_app("development", SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=env["SECRET_KEY"])
    with app.app_context():
        rows = db.session.execute(
            select(Person.group, Booking.status, func.count())
            .join(Person, Person.id == Booking.person_id)
            .where(Booking.course_id == course_id)
            .group_by(Person.group, Booking.status)
        ).all()
        counts = {(Group(g).value, BookingStatus(s).value): n for g, s, n in rows}
        course = db.session.get(Course, course_id)
        waiting = db.session.scalars(ordered_waitlist(course)).all()
        groups = [b.person.group for b in waiting]
        first_partner = groups.index(Group.PARTNER) if Group.PARTNER in groups else len(groups)
        staff_first = all(g == Group.STAFF for g in groups[:first_partner]) and all(
            g == Group.PARTNER for g in groups[first_partner:]
        )
        in_time_order = all(
            a.requested_at <= b.requested_at
            for a, b in zip(waiting, waiting[1:], strict=False)
            if a.person.group == b.person.group
        )
        people_twice = db.session.scalar(
            select(func.count()).select_from(
                select(Booking.person_id)
                .where(Booking.course_id == course_id)
                .group_by(Booking.person_id)
                .having(func.count() > 1)
                .subquery()
            )
        )
        db.session.remove()
        db.engine.dispose()
    result = {
        "staff confirmed": counts.get(("staff", "confirmed"), 0),
        "partners confirmed": counts.get(("partner", "confirmed"), 0),
        "waiting": len(waiting),
        "staff before partners": staff_first,
        "time order kept": in_time_order,
        "people twice": people_twice,
    }
    assert result["staff confirmed"] == PLACES - PARTNER_PLACES, result
    assert result["partners confirmed"] == PARTNER_PLACES, result
    assert result["waiting"] == STAFF + PARTNERS - PLACES, result
    assert staff_first and in_time_order and people_twice == 0, result
    return result


def run(kind: str, workers: int) -> dict:
    with database(kind) as url:
        env = app_env(url)
        migrate(env)
        seeded = seed(url, env)
        with Gunicorn("bench.ceiling_app:app", workers, env) as ceiling:
            run_load(ceiling.base_url, [Request("GET", "/bare")] * 200, CLIENTS)  # warm up
            bare = run_load(ceiling.base_url, [Request("GET", "/bare")] * 3000, CLIENTS)
            lci = run_load(ceiling.base_url, [Request("POST", "/lock-count-insert")] * 500, CLIENTS)
        rushes, counts = {}, {}
        with Gunicorn("wsgi:app", workers, env) as app_server:
            run_load(app_server.base_url, [Request("GET", "/courses")] * 50, CLIENTS)  # warm up
            for path in PATHS:
                rushes[path] = run_load(app_server.base_url, seeded.requests[path], CLIENTS)
            peak = app_server.peak_rss_mib()
        for path in PATHS:
            counts[path] = check_counts(url, env, seeded.course_ids[path])
    return {
        "kind": kind,
        "workers": workers,
        "bare": bare,
        "lci": lci,
        "rushes": rushes,
        "rss": peak,
        "counts": counts,
    }


def report(results: list[dict]) -> str:
    rows = []
    for r in results:
        for path in PATHS:
            rush: LoadResult = r["rushes"][path]
            counts = r["counts"][path]
            rows.append(
                [
                    "SQLite file" if r["kind"] == "sqlite" else "PostgreSQL",
                    r["workers"],
                    path,
                    f"{rush.rate:.0f}",
                    f"{rush.percentile(50):.0f}",
                    f"{rush.percentile(95):.0f}",
                    f"{rush.percentile(99):.0f}",
                    rush.server_errors,
                    f"{counts['staff confirmed']} + {counts['partners confirmed']}",
                    counts["waiting"],
                    f"{r['bare'].rate:.0f}",
                    f"{r['lci'].rate:.0f}",
                    f"{100 * rush.rate / r['bare'].rate:.0f} %",
                    f"{100 * rush.rate / r['lci'].rate:.0f} %",
                    f"{r['rss']:.0f}",
                ]
            )
    return table(
        f"Booking rush: 500 people, {CLIENTS} clients, 24 places (6 partner)",
        [
            "database",
            "workers",
            "path",
            "bookings/s",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "errors",
            "confirmed",
            "waiting",
            "bare req/s",
            "lock-count-insert/s",
            "vs bare",
            "vs lock-count-insert",
            "peak worker MiB",
        ],
        rows,
    )


def memory_report(results: list[dict]) -> str:
    rows = [
        [
            "SQLite file" if r["kind"] == "sqlite" else "PostgreSQL",
            r["workers"],
            f"{r['rss']:.0f}",
        ]
        for r in results
    ]
    return table(
        "Memory: peak resident memory of one worker after the rush (largest of the workers)",
        ["database", "workers", "peak MiB (VmHWM)"],
        rows,
    )


def main(kinds=("sqlite", "postgres"), workers=(2, 4)) -> list[dict]:
    return [run(kind, w) for kind in kinds for w in workers]


if __name__ == "__main__":
    import os
    import sys

    chosen = tuple(int(w) for w in os.environ.get("BENCH_WORKERS", "2,4").split(","))
    results = main(tuple(sys.argv[1:]) or ("sqlite", "postgres"), chosen)
    print(report(results))
    print(memory_report(results))

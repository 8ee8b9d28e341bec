"""The calendar feed is rendered once per change: conditional GET answers 304, an unchanged
feed is the same bytes without rendering again, and every change to what it shows (through
any session, as another worker would make it) gives a new ETag."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy.orm import Session

from booking.extensions import db
from booking.models import Course, CourseType, FeedVersion, Venue
from booking.services import courses as service
from booking.services import requests, venues
from booking.services.courses import CourseDetails, DayDetails
from booking.views import courses as course_views


@pytest.fixture
def renders(monkeypatch):
    """How many times the feed was rendered (the icalendar library was run)."""
    calls = []
    real = course_views.invitations.courses_feed

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(course_views.invitations, "courses_feed", counting)
    return calls


def get_feed(client, **headers):
    return client.get("/courses.ics", headers=headers)


def test_an_unchanged_feed_is_rendered_once_and_answers_not_modified(client, clock, make, renders):
    make.course(date(2026, 3, 2))
    first = get_feed(client)
    second = get_feed(client)
    assert first.status_code == second.status_code == 200
    assert second.data == first.data
    assert len(renders) == 1
    etag = first.headers["ETag"]
    assert second.headers["ETag"] == etag
    not_modified = get_feed(client, **{"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.data == b""
    assert not_modified.headers["ETag"] == etag
    since = get_feed(client, **{"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    assert len(renders) == 1


def test_a_different_etag_gets_the_whole_feed(client, clock, make):
    make.course(date(2026, 3, 2))
    response = get_feed(client, **{"If-None-Match": '"something-else"'})
    assert response.status_code == 200
    assert b"BEGIN:VCALENDAR" in response.data


def _new_course(course, now):
    details = CourseDetails(
        venue=course.venue,
        total_places=10,
        partner_places=2,
        days=[
            DayDetails(date(2026, 4, 6), time(9, 30), time(16, 30)),
            DayDetails(date(2026, 4, 7), time(9, 30), time(16, 30)),
        ],
    )
    new = service.create_course(details, actor="test", now=now)
    service.publish_course(new, actor="test", now=now)


def _move_course(course, now):
    service.update_course(
        course,
        CourseDetails(
            venue=course.venue,
            total_places=course.total_places,
            partner_places=course.partner_places,
            days=[
                DayDetails(date(2026, 3, 9), time(10, 0), time(16, 0)),
                DayDetails(date(2026, 3, 10), time(10, 0), time(16, 0)),
            ],
        ),
        actor="test",
        now=now,
    )


def _rename_venue(course, now):
    venue = course.venue
    details = venues.VenueDetails(
        name="The Brewery Arts Centre", address="Highgate", town=venue.town
    )
    venues.update_venue(venue, details, actor="test", now=now)


def _cancel(course, now):
    service.cancel_course(course, actor="test", now=now, reason="The trainer is unwell.")


def _rename_course_type(course, now):
    course.course_type.name = "Signs of Safety Refresher"
    db.session.commit()


def _delete_course(course, now):
    db.session.delete(course)
    db.session.commit()


@pytest.mark.parametrize(
    ("change", "seen"),
    [
        (_new_course, b"course-2-day-1"),
        (_move_course, b"20260309T100000"),
        (_rename_venue, b"The Brewery Arts Centre"),
        (_cancel, b"STATUS:CANCELLED"),
        (_rename_course_type, b"Signs of Safety Refresher"),
        (_delete_course, None),
    ],
    ids=["new course", "dates", "venue", "cancelled", "course type", "deleted"],
)
def test_every_kind_of_change_gives_a_new_feed(client, clock, make, change, seen):
    course = make.course(date(2026, 3, 2))
    before = get_feed(client)
    change(course, clock())
    after = get_feed(client, **{"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.data != before.data
    if seen is not None:
        assert seen.replace(b"course-2", f"course-{course.id + 1}".encode()) in after.data
    else:
        assert f"course-{course.id}-day-1".encode() not in after.data


def test_a_change_made_by_another_worker_is_seen(client, clock, make, renders):
    course = make.course(date(2026, 3, 2))
    before = get_feed(client)
    db.session.remove()  # as at the end of every request in a worker (tests share one context)
    with Session(db.engine) as other_worker:
        venue = other_worker.get(Venue, course.venue_id)
        venue.name = "Kendal Leisure Centre"
        other_worker.commit()
    after = get_feed(client, **{"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert b"Kendal Leisure Centre" in after.data
    assert len(renders) == 2


def test_bulk_statements_change_the_stamp(client, clock, make):
    course = make.course(date(2026, 3, 2))
    etags = [get_feed(client).headers["ETag"]]
    db.session.execute(db.update(CourseType).values(name="Signs of Safety Refresher"))
    db.session.commit()
    after = get_feed(client, **{"If-None-Match": etags[-1]})
    assert after.status_code == 200
    assert b"Signs of Safety Refresher" in after.data
    etags.append(after.headers["ETag"])
    db.session.execute(
        db.insert(Venue), [{"name": "Penrith Library", "address": "Penrith", "town": "Penrith"}]
    )
    db.session.commit()
    etags.append(get_feed(client).headers["ETag"])
    db.session.execute(db.delete(Course).where(Course.id == course.id))
    db.session.commit()
    etags.append(get_feed(client).headers["ETag"])
    assert len(set(etags)) == 4


def test_a_course_drops_out_the_day_after_it_ends(client, clock, make):
    course = make.course(date(2026, 3, 2))
    before = get_feed(client)
    clock.set(clock().replace(year=2026, month=3, day=4, hour=9))
    after = get_feed(client, **{"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert f"course-{course.id}-day-1".encode() not in after.data


def test_a_booking_or_a_rolled_back_change_leaves_the_feed_alone(client, clock, make):
    course = make.course(date(2026, 3, 2))
    stamp = db.session.get(FeedVersion, "courses").token
    requests.book_place(course, make.person(), actor="test", now=clock())
    course_row = db.session.get(Course, course.id)
    course_row.coordinator_note = "Someone else"
    db.session.flush()
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(FeedVersion, "courses").token == stamp


def test_the_stamp_changes_when_the_whole_transaction_commits_not_at_a_savepoint(app, make):
    course = make.course(date(2026, 3, 2))

    def stamp():
        return db.session.get(FeedVersion, "courses", populate_existing=True).token

    before = stamp()
    with db.session.begin_nested():
        db.session.get(Course, course.id).coordinator_note = "Someone else"
    assert stamp() == before
    db.session.commit()
    assert stamp() != before

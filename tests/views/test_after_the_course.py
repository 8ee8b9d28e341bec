"""A booking on a course that is over says what happened and what to do next, and offers
no cancel or move (issue 15, item 6); an offer has one way to say no (item 7)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from booking.models import AttendanceMark, BookingStatus, Group, Mark
from booking.services import changes, links, requests

from .test_booking_journey import text

AFTER = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)  # the default course ends on 3 March


def sign_in_attendee(client, person):
    with client.session_transaction() as sess:
        sess.clear()
        sess["attendee"] = {"id": person.id, "v": person.session_version}


def mark(db, booking, day_number, value):
    day = booking.course.days[day_number - 1]
    db.session.add(AttendanceMark(booking_id=booking.id, course_day_id=day.id, mark=value))
    db.session.commit()


def test_a_completed_course_says_completed_with_no_cancel_or_move(client, app, db, make, clock):
    booking = make.booking(make.course(), status=BookingStatus.CONFIRMED)
    mark(db, booking, 1, Mark.PRESENT)
    mark(db, booking, 2, Mark.LATE)
    clock.set(AFTER)
    manage = links.manage_path(booking, app.config["SECRET_KEY"])

    page = text(client.get(manage))
    assert "Completed on Tuesday 3 March 2026" in page
    assert "You have a place" not in page and "reminder" not in page
    assert "Cancel my booking" not in page and "Move to another date" not in page
    assert client.get(manage + "/cancel").headers["Location"] == manage
    assert client.get(manage + "/move").headers["Location"] == manage

    sign_in_attendee(client, booking.person)
    mine = text(client.get("/my-bookings"))
    assert "Completed on Tuesday 3 March 2026" in mine
    assert "You have a place" not in mine and "Cancel or change the date" not in mine


def test_a_missed_day_says_so_and_gives_the_next_dates(client, app, db, make, clock):
    booking = make.booking(make.course(), status=BookingStatus.CONFIRMED)
    make.course(date(2026, 4, 13), venue_obj=make.venue("Penrith"))
    mark(db, booking, 1, Mark.PRESENT)
    mark(db, booking, 2, Mark.ABSENT)
    clock.set(AFTER)

    sign_in_attendee(client, booking.person)
    mine = text(client.get("/my-bookings"))
    assert "You missed day 2" in mine
    assert "Here are the next dates" in mine and "Monday 13 April 2026, Penrith" in mine
    assert "Cancel or change the date" not in mine
    page = text(client.get(links.manage_path(booking, app.config["SECRET_KEY"])))
    assert "You missed day 2" in page and "Cancel my booking" not in page


def test_an_unfinished_register_does_not_promise_a_reminder(client, app, make, clock):
    booking = make.booking(make.course(), status=BookingStatus.CONFIRMED)
    clock.set(AFTER)
    page = text(client.get(links.manage_path(booking, app.config["SECRET_KEY"])))
    assert "This course has finished" in page and "reminder" not in page
    assert "Cancel my booking" not in page


def test_an_offer_has_one_way_to_say_no(client, app, make, clock):
    course = make.course(total_places=1, partner_places=0)
    holder = requests.book_place(course, make.person(Group.STAFF), actor="test", now=clock())
    waiting = requests.book_place(course, make.person(Group.STAFF), actor="test", now=clock())
    changes.cancel_booking(holder, actor="test", now=clock() + timedelta(minutes=1))
    manage = links.manage_path(waiting, app.config["SECRET_KEY"])

    page = text(client.get(manage))
    assert "A place is free for you" in page and "Say no to the place" in page
    assert "Cancel my booking" not in page

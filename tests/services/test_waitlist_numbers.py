"""The number a waiting person is told means what they read it to mean (rule 4): their place
among the people who could be offered the next place they may take."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from booking.models import Booking, BookingStatus, Group, OutboxMessage
from booking.services import booking_pages, changes, outbox, requests, waitlist

RELEASED = datetime(2026, 2, 16, 9, 0, tzinfo=UTC)


def book(make, course, now, group):
    return requests.book_place(course, make.person(group), actor="test", now=now)


def test_a_partner_is_not_counted_behind_staff_who_cannot_take_a_partner_place(db, make, clock):
    course = make.course(total_places=4, partner_places=1)
    now = clock()
    for group in (Group.STAFF, Group.STAFF, Group.STAFF, Group.PARTNER):
        book(make, course, now, group)
    staff = [book(make, course, now + timedelta(minutes=n), Group.STAFF) for n in range(3)]
    partner = book(make, course, now + timedelta(minutes=5), Group.PARTNER)

    assert [waitlist.offer_number(b, now=now) for b in staff] == [1, 2, 3]
    assert waitlist.offer_number(partner, now=now) == 1
    assert waitlist.waitlist_position(partner) == 4  # coordinators still see the whole order
    address = partner.person.email
    outbox.compose_waiting(now=now + timedelta(hours=1))  # as the sender does
    db.session.expire_all()
    email = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == address)
    ).one()
    assert "number 1 in the queue" in email.text_body
    assert "so your number counts only partner agencies" in email.text_body
    page = booking_pages.booking_summary(partner, now=now)
    assert page.position == 1

    # And the number keeps its promise: the next partner place goes to them, at once.
    held = db.session.scalars(
        select(Booking).where(
            Booking.course_id == course.id, Booking.status == BookingStatus.CONFIRMED
        )
    ).all()
    partner_place = next(b for b in held if b.person.group == Group.PARTNER)
    changes.cancel_booking(partner_place, actor="test", now=now)
    db.session.expire_all()
    assert db.session.get(Booking, partner.id).status == BookingStatus.OFFERED


def test_once_places_are_shared_everyone_waiting_ahead_counts(db, make, clock):
    course = make.course(total_places=4, partner_places=1)
    for group in (Group.STAFF, Group.STAFF, Group.STAFF, Group.PARTNER):
        book(make, course, clock(), group)
    for n in range(3):
        book(make, course, clock() + timedelta(minutes=n), Group.STAFF)
    partner = book(make, course, clock() + timedelta(minutes=5), Group.PARTNER)
    assert waitlist.offer_number(partner, now=RELEASED) == 4

"""Every public page made of sentences reads as plain English: a Flesch reading ease of at
least 60 (issue 15, item 21). Run with `-s` to print each figure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from booking.models import AttendanceMark, Group, Mark
from booking.services import changes, feedback, links, requests

from ..support.reading_ease import PLAIN_ENGLISH, flesch, sentences_of_page
from .test_booking_journey import FORM

AFTER = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)


def sign_in_attendee(client, person):
    with client.session_transaction() as sess:
        sess.clear()
        sess["attendee"] = {"id": person.id, "v": person.session_version}


def _pages(app, client, make, clock, db):
    """(name, address, clock moment or None) for every public page in its usual states."""
    secret = app.config["SECRET_KEY"]
    course = make.course(total_places=2, partner_places=1)
    make.course(datetime(2026, 4, 13).date(), venue_obj=make.venue("Penrith"))
    me = make.person(Group.STAFF, full_name="Jo Bloggs", email="jo@cumberland.gov.uk")
    mine = requests.book_place(course, me, actor="test", now=clock(), support_needs="A ramp")
    other = requests.book_place(course, make.person(Group.PARTNER), actor="test", now=clock())
    waiting = requests.book_place(course, make.person(Group.STAFF), actor="test", now=clock())
    offered_course = make.course(total_places=1, partner_places=0, venue_obj=make.venue("Keswick"))
    holder = requests.book_place(offered_course, make.person(), actor="test", now=clock())
    offered = requests.book_place(offered_course, make.person(), actor="test", now=clock())
    changes.cancel_booking(holder, actor="test", now=clock() + timedelta(minutes=1))
    _link, confirm_token = requests.request_place(
        make.course(venue_obj=make.venue("Carlisle")), {**FORM, "email": "new@nhs.net"}, now=clock()
    )
    for day in course.days:
        db.session.add(AttendanceMark(booking_id=mine.id, course_day_id=day.id, mark=Mark.PRESENT))
    db.session.add(
        AttendanceMark(booking_id=other.id, course_day_id=course.days[0].id, mark=Mark.PRESENT)
    )
    db.session.add(
        AttendanceMark(booking_id=other.id, course_day_id=course.days[1].id, mark=Mark.ABSENT)
    )
    db.session.commit()
    feedback.invite(mine, secret_key=secret, now=AFTER)  # as the after-course email does
    db.session.commit()
    sign_in_attendee(client, me)
    manage = links.manage_path
    return [
        ("calendar", "/courses", None),
        ("course page", f"/courses/{course.id}", None),
        ("booking form", f"/courses/{course.id}/book", None),
        ("check your email", f"/courses/{course.id}/book/check-your-email", None),
        ("confirm", f"/confirm/{confirm_token}", None),
        ("booking: a place", manage(mine, secret), None),
        ("booking: waiting", manage(waiting, secret), None),
        ("booking: an offer", manage(offered, secret), None),
        ("cancel", manage(mine, secret) + "/cancel", None),
        ("move", manage(mine, secret) + "/move", None),
        ("my bookings", "/my-bookings", None),
        ("support needs", f"/my-bookings/{mine.id}/support-needs", None),
        ("sign in", "/sign-in", None),
        ("privacy", "/privacy", None),
        ("accessibility", "/accessibility", None),
        ("booking: completed", manage(mine, secret), AFTER),
        ("booking: missed a day", manage(other, secret), AFTER),
        ("my bookings after the course", "/my-bookings", AFTER),
        ("feedback form", links.feedback_path(mine, secret), AFTER),
        ("what workers say", "/what-workers-say", None),
        ("certificate check: no such number", "/certificates/ABCD-EFGH-JKLM", None),
    ]


def test_every_public_page_reads_as_plain_english(app, client, make, clock, db):
    scores = {}
    for name, address, moment in _pages(app, client, make, clock, db):
        if moment is not None:
            clock.set(moment)
        response = client.get(address)
        expected = 404 if name.endswith("no such number") else 200  # it says so, kindly
        assert response.status_code == expected, (name, response.status_code)
        text = sentences_of_page(response.get_data(as_text=True))
        assert text, name
        scores[name] = round(flesch(text), 1)
    for name, score in sorted(scores.items(), key=lambda item: item[1]):
        print(f"page {name}: {score}")
    hard = {name: score for name, score in scores.items() if score < PLAIN_ENGLISH}
    assert hard == {}, f"below {PLAIN_ENGLISH}: {hard}"

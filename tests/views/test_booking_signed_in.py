"""Someone signed in with an emailed link has already proved their address: booking takes
one step, with no second link, and only for their own address."""

from sqlalchemy import func, select

from booking.models import Booking, BookingStatus, EmailLink

from .test_booking_journey import FORM


def sign_in_as(client, person):
    with client.session_transaction() as sess:
        sess["attendee"] = {"id": person.id, "v": person.session_version}


def test_a_signed_in_person_books_in_one_step_and_sees_their_place(client, db, make, clock):
    course = make.course()
    person = make.person(email="jo@cumberland.gov.uk")
    sign_in_as(client, person)

    form = client.get(f"/courses/{course.id}/book").get_data(as_text=True)
    assert 'value="jo@cumberland.gov.uk"' in form
    assert "Book my place" in form  # no link is sent, so the form does not promise one
    assert "send a link" not in form and "Send me a link" not in form
    response = client.post(f"/courses/{course.id}/book", data={**FORM, "email": person.email})

    assert response.status_code == 302 and "/b/" in response.headers["Location"]
    booking = db.session.scalars(select(Booking)).one()
    assert booking.status == BookingStatus.CONFIRMED
    assert db.session.scalar(select(func.count(EmailLink.id))) == 0
    assert "You have a place" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_signed_in_person_cannot_book_for_another_address(client, db, make, clock):
    course = make.course()
    sign_in_as(client, make.person(email="jo@cumberland.gov.uk"))

    response = client.post(
        f"/courses/{course.id}/book", data={**FORM, "email": "someone.else@cumberland.gov.uk"}
    )

    assert response.status_code == 200
    assert "signed in as a different person" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Booking.id))) == 0

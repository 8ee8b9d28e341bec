"""Partner agencies in the browser's terms (issue 17): the coordinators' list, linking
people who chose "Other", the booking form's list, and what an agency's contact sees."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from booking.models import (
    Agency,
    Booking,
    BookingStatus,
    CompletionSource,
    Group,
    OutboxMessage,
    Person,
    TrainingCompletion,
)

from ..support.queries import counting_queries
from .test_booking_journey import FORM


def text(response) -> str:
    return response.get_data(as_text=True)


def sign_in_by_email(client, address: str):
    """The ordinary emailed sign-in link: ask, read the email, use the link."""
    client.post("/sign-in", data={"email": address})
    message = OutboxMessage.query.filter_by(to_address=address).one()
    token = re.search(r"/sign-in/([A-Za-z0-9_-]+)", message.text_body).group(1)
    return client.post(f"/sign-in/{token}")


@pytest.fixture
def two_agencies(db, make):
    """Two agencies with a contact each; a booked, a waiting and a trained person at the
    first, one booked person at the second."""
    course = make.course()
    nhs = make.agency("North Cumbria NHS", "nhs.net", contact_email="lead@nhs.net")
    police = make.agency("Cumbria Police", "cumbria.police.uk", contact_email="chief@police.uk")
    people = {
        "booked": make.person(Group.PARTNER, full_name="Ann Booked", agency_id=nhs.id),
        "waiting": make.person(Group.PARTNER, full_name="Bob Waiting", agency_id=nhs.id),
        "trained": make.person(Group.PARTNER, full_name="Cat Trained", agency_id=nhs.id),
        "police": make.person(
            Group.PARTNER,
            email="dan@cumbria.police.uk",
            full_name="Dan Police",
            agency_id=police.id,
        ),
    }
    make.booking(course, people["booked"], support_needs="A private need")
    make.booking(course, people["waiting"], status=BookingStatus.WAITLISTED)
    make.booking(course, people["police"])
    over = make.course(date(2025, 11, 3))
    make.booking(over, make.person(Group.PARTNER, full_name="Eve Last Year", agency_id=nhs.id))
    db.session.add(
        TrainingCompletion(
            person_id=people["trained"].id,
            course_type_id=course.course_type_id,
            completed_on=date(2025, 11, 20),
            source=CompletionSource.ELSEWHERE,
        )
    )
    db.session.commit()
    return nhs, police


# ------------------------------------------------------------------------- the agency contact


def test_an_agency_contact_signs_in_by_email_and_sees_only_their_agencys_people(
    client, db, clock, two_agencies
):
    nhs, _police = two_agencies

    response = sign_in_by_email(client, "lead@nhs.net")

    assert response.headers["Location"] == "/my-bookings"
    assert "You are the contact for North Cumbria NHS" in text(client.get("/my-bookings"))
    page = text(client.get(f"/agency/{nhs.id}"))
    assert "Ann Booked" in page and "Has a place" in page
    assert "Bob Waiting" in page and "Waiting" in page
    assert "Cat Trained" in page and "20 November 2025" in page
    assert "Dan Police" not in page and "Cumbria Police" not in page
    assert "Eve Last Year" not in page  # a course that is over is not a booking now
    assert "A private need" not in page
    contact = db.session.scalar(select(Person).where(Person.email == "lead@nhs.net"))
    assert contact.group == Group.PARTNER and contact.agency_id == nhs.id


def test_asking_for_a_link_is_the_same_work_for_a_contact_and_an_unknown_address(
    client, make, clock
):
    make.agency("NHS", "nhs.net", contact_email="lead@nhs.net")
    seen = {}
    for email in ("lead@nhs.net", "nobody@nhs.net"):
        with counting_queries() as statements:
            response = client.post("/sign-in", data={"email": email})
        seen[email] = (len(statements), response.status_code, response.location, response.data)

    assert seen["lead@nhs.net"] == seen["nobody@nhs.net"]
    assert [m.to_address for m in OutboxMessage.query.all()] == ["lead@nhs.net"]


def test_an_agency_contact_gets_404_for_another_agency(client, clock, two_agencies):
    _nhs, police = two_agencies
    sign_in_by_email(client, "lead@nhs.net")

    assert client.get(f"/agency/{police.id}").status_code == 404
    assert client.get("/agency/99999").status_code == 404


def test_a_person_who_is_no_agencys_contact_gets_404(client, db, make, clock, two_agencies):
    nhs, _police = two_agencies
    booked = db.session.scalar(select(Person).where(Person.full_name == "Ann Booked"))
    sign_in_by_email(client, booked.email)

    assert client.get("/agency").status_code == 404
    assert client.get(f"/agency/{nhs.id}").status_code == 404


def test_nobody_signed_in_is_sent_to_sign_in(client, clock, two_agencies):
    nhs, _police = two_agencies

    response = client.get(f"/agency/{nhs.id}")

    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"


def test_an_address_that_stops_being_a_contact_sees_nothing(client, db, clock, two_agencies):
    nhs, _police = two_agencies
    sign_in_by_email(client, "lead@nhs.net")
    nhs.contact_email = "someone.new@nhs.net"
    db.session.commit()

    assert client.get(f"/agency/{nhs.id}").status_code == 404


# ------------------------------------------------------------------------- the coordinators


def test_a_coordinator_adds_an_agency_and_mistakes_are_shown_in_an_error_summary(
    coordinator_client, db
):
    bad = coordinator_client.post(
        "/coordinator/agencies/new",
        data={"name": "", "domains": "not a domain", "contact_email": "nope"},
    )
    assert bad.status_code == 200 and "There is a problem" in text(bad)
    assert "Enter the agency’s name" in text(bad)
    bad = coordinator_client.post(
        "/coordinator/agencies/new",
        data={"name": "Police", "domains": "not a domain", "contact_email": "nope"},
    )
    page = text(bad)
    assert "There is a problem" in page and "is not an email domain" in page
    assert "Enter the contact’s email address in the correct format" in page

    good = coordinator_client.post(
        "/coordinator/agencies/new",
        data={"name": "Cumbria Police", "domains": "cumbria.police.uk", "contact_email": ""},
    )
    assert good.headers["Location"] == "/coordinator/agencies"
    listed = text(coordinator_client.get("/coordinator/agencies"))
    assert "Cumbria Police" in listed and "cumbria.police.uk" in listed


def test_a_coordinator_changes_an_agency(coordinator_client, db, make):
    agency = make.agency("NHS", "nhs.net")
    form = text(coordinator_client.get(f"/coordinator/agencies/{agency.id}/edit"))
    assert "nhs.net" in form

    coordinator_client.post(
        f"/coordinator/agencies/{agency.id}/edit",
        data={"name": "NHS North", "domains": "nhs.net: North", "contact_email": "a@nhs.net"},
    )

    db.session.expire_all()
    agency = db.session.get(Agency, agency.id)
    assert (agency.name, agency.contact_email) == ("NHS North", "a@nhs.net")
    assert [(d.domain, d.name_contains) for d in agency.domains] == [("nhs.net", "North")]


def test_a_coordinator_links_someone_who_chose_other(coordinator_client, db, make):
    agency = make.agency("A small charity")
    person = make.person(Group.PARTNER, email="jo@gmail.com", full_name="Jo Other")
    make.booking(make.course(), person)
    assert "Jo Other" in text(coordinator_client.get("/coordinator/agencies"))

    response = coordinator_client.post(
        f"/coordinator/agencies/people/{person.id}", data={"agency": str(agency.id)}
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, person.id).agency_id == agency.id
    page = text(coordinator_client.get("/coordinator/agencies"))
    assert "Jo Other is linked to A small charity" in page  # the flash, once
    assert page.count("Jo Other") == 1  # no longer on the list to link
    record = text(coordinator_client.get(f"/coordinator/reports/people/{person.id}"))
    assert "A small charity" in record


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/coordinator/agencies"),
        ("GET", "/coordinator/agencies/new"),
        ("POST", "/coordinator/agencies/new"),
        ("GET", "/coordinator/agencies/{agency}/edit"),
        ("POST", "/coordinator/agencies/people/{person}"),
    ],
)
def test_the_agency_list_is_for_coordinators_only(client, db, make, clock, method, path):
    agency = make.agency("NHS", "nhs.net", contact_email="lead@nhs.net")
    person = make.person(Group.PARTNER)
    sign_in_by_email(client, "lead@nhs.net")  # an agency contact is not a coordinator

    response = client.open(path.format(agency=agency.id, person=person.id), method=method)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/coordinator/sign-in")
    assert db.session.get(Person, person.id).agency_id is None


# ------------------------------------------------------------------------- the booking form


def test_the_booking_form_lists_the_agencies_and_other(client, db, make, clock):
    course = make.course()
    school = make.agency("Keswick School")

    form = text(client.get(f"/courses/{course.id}/book"))
    assert "Keswick School" in form and ">Other<" in form

    data = {**FORM, "email": "jo@gmail.com", "organisation": "Keswick", "agency": str(school.id)}
    client.post(f"/courses/{course.id}/book", data=data)
    message = OutboxMessage.query.one()
    token = re.search(r"/confirm/([A-Za-z0-9_-]+)", message.text_body).group(1)
    client.post(f"/confirm/{token}")

    booking = db.session.scalars(select(Booking)).one()
    assert booking.person.agency_id == school.id


def test_the_booking_form_has_no_agency_list_when_there_are_no_agencies(client, make, clock):
    course = make.course()

    assert "Partner agency" not in text(client.get(f"/courses/{course.id}/book"))

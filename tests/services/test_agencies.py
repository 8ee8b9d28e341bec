"""Partner agencies (issue 17): linking a partner to their agency, and the agency cap.

The default course: 20 places, 4 for partners, released to everyone from 16 February 2026;
the clock starts on 5 January 2026. PARTNER_AGENCY_CAP is 2 unless a course sets its own.
"""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from booking.models import AuditEvent, Booking, BookingStatus, Group
from booking.services import agencies, allocation, changes, requests, waitlist
from booking.services.errors import Problems

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
RELEASED = datetime(2026, 2, 16, 9, 0, tzinfo=UTC)
COUNCIL = ["cumberland.gov.uk"]
C, W, OFF = BookingStatus.CONFIRMED, BookingStatus.WAITLISTED, BookingStatus.OFFERED


def partner(make, email, organisation="NHS"):
    return make.person(Group.PARTNER, email=email, organisation=organisation)


def book(person, course, now=NOW):
    return requests.book_place(course, person, actor="test", now=now)


def status(db, booking):
    db.session.expire_all()
    return db.session.get(Booking, booking.id).status


# ------------------------------------------------------------------------------------ matching


def test_an_address_on_an_agency_domain_or_its_subdomain_links_to_that_agency(db, make):
    police = make.agency("Cumbria Police", "cumbria.police.uk")

    assert agencies.match_agency("jo@cumbria.police.uk") == police
    assert agencies.match_agency("jo@north.cumbria.police.uk") == police
    assert agencies.match_agency("jo@police.uk") is None
    assert agencies.match_agency("jo@notcumbria.police.uk") is None


def test_a_shared_domain_is_split_by_words_in_the_organisation_name(db, make):
    ncic = make.agency("North Cumbria Integrated Care", "nhs.net: North Cumbria")
    lsc = make.agency("Lancashire and South Cumbria", "nhs.net: South Cumbria")
    any_nhs = make.agency("NHS (other trusts)", "nhs.net")

    assert agencies.match_agency("a@nhs.net", "North Cumbria Integrated Care NHS FT") == ncic
    assert agencies.match_agency("a@nhs.net", "lancashire and SOUTH CUMBRIA trust") == lsc
    assert agencies.match_agency("a@nhs.net", "Some other trust") == any_nhs


def test_with_no_plain_entry_a_shared_domain_without_the_words_links_nobody(db, make):
    make.agency("North Cumbria Integrated Care", "nhs.net: North Cumbria")

    assert agencies.match_agency("a@nhs.net", "Some other trust") is None


def test_confirming_a_request_links_the_partner_by_their_address(db, make, clock):
    police = make.agency("Cumbria Police", "cumbria.police.uk")
    course = make.course()
    details = {"email": "Jo@Cumbria.Police.uk", "full_name": "Jo", "organisation": "Police"}
    _link, token = requests.request_place(course, details, now=NOW)

    booking = requests.confirm_request(token, now=NOW, council_domains=COUNCIL)

    assert booking.person.agency_id == police.id
    assert db.session.scalar(
        select(AuditEvent.action).where(AuditEvent.action == "person.agency_linked")
    )


def test_the_domain_wins_over_the_agency_chosen_on_the_form(db, make, clock):
    police = make.agency("Cumbria Police", "cumbria.police.uk")
    school = make.agency("A School")
    course = make.course()
    details = {"email": "jo@cumbria.police.uk", "organisation": "Police", "agency": str(school.id)}
    _link, token = requests.request_place(course, details, now=NOW)

    booking = requests.confirm_request(token, now=NOW, council_domains=COUNCIL)

    assert booking.person.agency_id == police.id


def test_an_address_on_no_agency_domain_takes_the_agency_chosen_on_the_form(db, make, clock):
    school = make.agency("Keswick School")
    course = make.course()
    details = {"email": "jo@gmail.com", "organisation": "Keswick", "agency": str(school.id)}
    _link, token = requests.request_place(course, details, now=NOW)

    booking = requests.confirm_request(token, now=NOW, council_domains=COUNCIL)

    assert booking.person.agency_id == school.id


def test_other_leaves_them_unlinked_until_a_coordinator_links_them(db, make, clock):
    charity = make.agency("Barnardo's")
    course = make.course()
    details = {"email": "jo@charity.org", "organisation": "A small charity", "agency": "other"}
    _link, token = requests.request_place(course, details, now=NOW)
    booking = requests.confirm_request(token, now=NOW, council_domains=COUNCIL)
    person = booking.person
    assert person.agency_id is None
    assert person.organisation == "A small charity"
    assert agencies.unlinked_partners() == [person]

    agencies.link_to_agency(person, charity, actor="coordinator", now=NOW)

    db.session.expire_all()
    assert booking.person.agency_id == charity.id
    assert agencies.unlinked_partners() == []


def test_council_staff_are_never_linked_to_an_agency(db, make):
    make.agency("Everyone", "cumberland.gov.uk")
    person = make.person(Group.STAFF, email="jo@cumberland.gov.uk")

    book(person, make.course())

    assert person.agency_id is None


def test_a_coordinators_list_refuses_a_domain_another_agency_has(db, make):
    make.agency("Cumbria Police", "cumbria.police.uk")

    with pytest.raises(Problems) as refused:
        agencies.save_agency(
            None,
            name="cumbria police",
            domains="cumbria.police.uk\nnot a domain",
            contact_email="nope",
            actor="coordinator",
            now=NOW,
        )

    fields = {field for field, _message in refused.value.problems}
    assert fields == {"name", "domains", "contact_email"}


def test_saving_an_agency_keeps_its_domains_and_words(db, make):
    agency = agencies.save_agency(
        None,
        name=" North  Cumbria ",
        domains="@NHS.net: North Cumbria\n\nncic.nhs.uk",
        contact_email="Lead@NHS.net",
        actor="coordinator",
        now=NOW,
    )

    assert agency.name == "North Cumbria"
    assert agency.contact_email == "lead@nhs.net"
    assert [(d.domain, d.name_contains) for d in agency.domains] == [
        ("nhs.net", "North Cumbria"),
        ("ncic.nhs.uk", ""),
    ]


# ------------------------------------------------------------------------------------ the cap


def test_one_agency_holds_no_more_than_the_cap_before_the_release_date(db, make):
    make.agency("NHS", "nhs.net")
    make.agency("Police", "police.uk")
    course = make.course(total_places=20, partner_places=4)
    nhs = [book(partner(make, f"n{i}@nhs.net"), course) for i in range(3)]
    police = book(partner(make, "p@police.uk"), course)

    assert [b.status for b in nhs] == [C, C, W]
    assert police.status == C
    places = allocation.availability(course, NOW)
    assert places.partner_left == 1  # one partner place left, for a third agency
    assert places.free_for(Group.PARTNER, nhs[0].person.agency_id) == 0


def test_a_course_may_set_its_own_cap(db, make):
    make.agency("NHS", "nhs.net")
    course = make.course(total_places=20, partner_places=4, agency_cap=3)

    held = [book(partner(make, f"n{i}@nhs.net"), course).status for i in range(4)]

    assert held == [C, C, C, W]


def test_partners_of_no_agency_are_not_capped(db, make):
    course = make.course(total_places=20, partner_places=4)

    held = [book(partner(make, f"n{i}@gmail.com"), course).status for i in range(4)]

    assert held == [C, C, C, C]


def test_after_the_release_date_there_is_no_cap(db, make):
    make.agency("NHS", "nhs.net")
    course = make.course(total_places=20, partner_places=4)

    held = [book(partner(make, f"n{i}@nhs.net"), course, RELEASED).status for i in range(5)]

    assert held == [C] * 5


def test_capped_people_waiting_are_offered_places_once_released(db, make):
    make.agency("NHS", "nhs.net")
    course = make.course(total_places=20, partner_places=4)
    nhs = [book(partner(make, f"n{i}@nhs.net"), course) for i in range(3)]
    assert status(db, nhs[2]) == W

    waitlist.fill_free_places(course, now=RELEASED)

    assert status(db, nhs[2]) == OFF


def test_filling_from_the_waitlist_skips_a_person_over_their_agencys_cap(db, make):
    """Two NHS places held and one NHS person waiting first; a police officer waits behind
    them. When a partner place comes free, the next eligible partner (police) is offered it."""
    make.agency("NHS", "nhs.net")
    make.agency("Police", "police.uk")
    course = make.course(total_places=20, partner_places=3)
    first = [book(partner(make, f"n{i}@nhs.net"), course) for i in range(2)]
    other = book(partner(make, "o@gmail.com"), course)  # the third partner place
    nhs_wait = book(partner(make, "n9@nhs.net"), course, NOW + timedelta(minutes=1))
    police_wait = book(partner(make, "p@police.uk"), course, NOW + timedelta(minutes=2))
    assert [status(db, b) for b in (*first, other, nhs_wait, police_wait)] == [C, C, C, W, W]

    changes.cancel_booking(other, actor="test", now=NOW + timedelta(hours=1))

    assert status(db, nhs_wait) == W
    assert status(db, police_wait) == OFF


def test_when_an_agency_place_comes_free_its_next_person_waiting_is_offered_it(db, make):
    make.agency("NHS", "nhs.net")
    course = make.course(total_places=20, partner_places=4)
    first = [book(partner(make, f"n{i}@nhs.net"), course) for i in range(2)]
    waiting = book(partner(make, "n9@nhs.net"), course, NOW + timedelta(minutes=1))

    changes.cancel_booking(first[0], actor="test", now=NOW + timedelta(hours=1))

    assert status(db, waiting) == OFF


def test_fill_is_not_due_when_everyone_waiting_is_over_their_cap(db, make):
    make.agency("NHS", "nhs.net")
    course = make.course(total_places=20, partner_places=4)
    for i in range(4):
        book(partner(make, f"n{i}@nhs.net"), course)

    assert not waitlist.fill_is_due(course, now=NOW + timedelta(hours=1))


def test_linking_someone_to_an_agency_at_its_cap_keeps_their_place(db, make):
    nhs = make.agency("NHS", "nhs.net")
    course = make.course(total_places=20, partner_places=4)
    [book(partner(make, f"n{i}@nhs.net"), course) for i in range(2)]
    other = book(partner(make, "o@gmail.com"), course)

    agencies.link_to_agency(other.person, nhs, actor="coordinator", now=NOW)

    assert status(db, other) == C
    assert allocation.availability(course, NOW).agency_held[nhs.id] == 3

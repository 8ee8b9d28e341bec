"""Who is who (email address and group) and the links sent by email."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from booking.models import AuditEvent, EmailLink, Group, LinkPurpose, Person
from booking.services import links, people
from booking.services.errors import LinkInvalid, NotAllowed, ValidationError

COUNCIL = ["cumberland.gov.uk", "westmorlandandfurness.gov.uk", "cumbria.gov.uk"]


@pytest.mark.parametrize(
    ("email", "group"),
    [
        ("jo.bloggs@cumberland.gov.uk", Group.STAFF),
        ("  Jo.Bloggs@CUMBERLAND.GOV.UK ", Group.STAFF),
        ("sam@westmorlandandfurness.gov.uk", Group.STAFF),
        ("sam@childrens.cumbria.gov.uk", Group.STAFF),
        ("sam@nhs.net", Group.PARTNER),
        ("sam@notcumbria.gov.uk", Group.PARTNER),
        ("sam@cumbria.gov.uk.example.com", Group.PARTNER),
        ("cumbria.gov.uk@example.com", Group.PARTNER),
    ],
)
def test_council_domains_and_their_subdomains_make_someone_council_staff(email, group):
    assert people.classify_email(email, COUNCIL) == group


def test_an_address_is_one_person_whatever_its_case_or_spaces(db, clock):
    first = people.find_or_create_person(
        " Jo.Bloggs@Cumberland.gov.uk ", council_domains=COUNCIL, now=clock()
    )
    second = people.find_or_create_person(
        "jo.bloggs@cumberland.gov.uk", council_domains=COUNCIL, now=clock()
    )
    assert first.id == second.id
    assert first.email == "jo.bloggs@cumberland.gov.uk"
    assert db.session.scalar(select(func.count(Person.id))) == 1


def test_the_organisation_typed_never_changes_the_group(db, clock):
    person = people.find_or_create_person(
        "sam@nhs.net",
        council_domains=COUNCIL,
        now=clock(),
        details={"organisation": "Cumberland Council", "full_name": "Sam Lee"},
    )
    assert person.group == Group.PARTNER
    assert person.organisation == "Cumberland Council"


def test_newer_details_replace_older_ones_but_blanks_do_not_wipe_them(db, clock):
    people.find_or_create_person(
        "sam@nhs.net",
        council_domains=COUNCIL,
        now=clock(),
        details={"full_name": "Sam Lee", "job_title": "Nurse"},
    )
    person = people.find_or_create_person(
        "sam@nhs.net",
        council_domains=COUNCIL,
        now=clock(),
        details={"full_name": "Sam Lee-Smith", "job_title": ""},
    )
    assert person.full_name == "Sam Lee-Smith"
    assert person.job_title == "Nurse"


def test_an_address_without_an_at_sign_is_refused(db, clock):
    with pytest.raises(ValidationError):
        people.find_or_create_person("not an address", council_domains=COUNCIL, now=clock())


def test_a_coordinator_can_correct_the_group_with_a_reason_that_is_kept(db, clock, make):
    coordinator = make.coordinator()
    person = people.find_or_create_person("worker@nhs.net", council_domains=COUNCIL, now=clock())
    with pytest.raises(ValidationError):
        people.correct_group(person, Group.STAFF, actor=coordinator, now=clock(), reason=" ")
    people.correct_group(
        person, Group.STAFF, actor=coordinator, now=clock(), reason="Seconded to the council."
    )
    assert person.group == Group.STAFF
    assert person.group_override_reason == "Seconded to the council."
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "person.group_corrected")
    )
    assert event.reason == "Seconded to the council."
    assert event.details == {"old_group": "partner", "new_group": "staff"}
    # The correction stays when they book again with the same address.
    again = people.find_or_create_person("worker@nhs.net", council_domains=COUNCIL, now=clock())
    assert again.group == Group.STAFF
    with pytest.raises(NotAllowed):
        people.correct_group(person, Group.STAFF, actor=coordinator, now=clock(), reason="again")


def test_a_link_stores_only_a_hash_of_its_token(db, clock):
    link, token = links.issue_link(
        LinkPurpose.SIGN_IN, "Jo@Example.org", now=clock(), ttl=timedelta(minutes=15)
    )
    stored = db.session.get(EmailLink, link.id)
    assert len(token) >= 43  # 32 random bytes
    assert stored.token_hash == links.hash_token(token)
    assert token not in stored.token_hash
    assert stored.email == "jo@example.org"
    assert stored.expires_at == clock() + timedelta(minutes=15)


def test_a_link_works_once(db, clock):
    _link, token = links.issue_link(
        LinkPurpose.SIGN_IN, "jo@example.org", now=clock(), ttl=timedelta(minutes=15)
    )
    used = links.consume_link(LinkPurpose.SIGN_IN, token, now=clock())
    assert used.used_at == clock()
    with pytest.raises(links.LinkUsed):
        links.consume_link(LinkPurpose.SIGN_IN, token, now=clock())


def test_a_link_stops_working_when_it_expires(db, clock):
    _link, token = links.issue_link(
        LinkPurpose.SIGN_IN, "jo@example.org", now=clock(), ttl=timedelta(minutes=15)
    )
    with pytest.raises(links.LinkExpired):
        links.consume_link(LinkPurpose.SIGN_IN, token, now=clock() + timedelta(minutes=15))
    assert links.link_state(links.peek_link(LinkPurpose.SIGN_IN, token), now=clock()) == "usable"


def test_a_link_is_only_good_for_its_own_purpose_and_unknown_tokens_fail(db, clock):
    _link, token = links.issue_link(
        LinkPurpose.SIGN_IN, "jo@example.org", now=clock(), ttl=timedelta(minutes=15)
    )
    with pytest.raises(LinkInvalid):
        links.consume_link(LinkPurpose.CONFIRM_BOOKING, token, now=clock())
    with pytest.raises(LinkInvalid):
        links.consume_link(LinkPurpose.SIGN_IN, "made-up-token", now=clock())
    assert links.peek_link(LinkPurpose.SIGN_IN, "") is None


def test_looking_at_a_link_changes_nothing(db, clock):
    _link, token = links.issue_link(
        LinkPurpose.SIGN_IN, "jo@example.org", now=clock(), ttl=timedelta(minutes=15)
    )
    for _ in range(3):
        seen = links.peek_link(LinkPurpose.SIGN_IN, token)
    assert seen.used_at is None
    assert links.link_state(seen, now=clock()) == links.LinkState.USABLE


def test_a_booking_link_names_its_booking_and_cannot_be_forged_or_reused_after_revoking(db, make):
    booking = make.booking(make.course())
    token = links.manage_token(booking, "secret-one")
    assert links.booking_from_manage_token(token, "secret-one").id == booking.id
    assert links.booking_from_manage_token(token, "another-secret") is None
    middle = len(token) - 10  # a character inside the signature, changed to a different one
    forged = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    assert links.booking_from_manage_token(forged, "secret-one") is None
    assert links.booking_from_manage_token("rubbish", "secret-one") is None
    booking.link_key = links.new_link_key()
    db.session.commit()
    assert links.booking_from_manage_token(token, "secret-one") is None

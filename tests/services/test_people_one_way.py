"""Finding and adding people is one set of rules (services/people.py), whichever part asks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from booking.models import Group
from booking.services import accounts, people, privacy
from booking.services.errors import ValidationError

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
DOMAINS = ["cumberland.gov.uk"]


def test_coordinator_accounts_and_the_privacy_search_use_the_people_rules():
    assert accounts.normalise_email is people.normalise_email
    assert not hasattr(privacy, "find_person")  # the privacy page asks people.find_person


def test_a_coordinator_account_is_found_however_its_address_is_typed(db, make):
    account = make.coordinator(email="sam.smith@cumberland.gov.uk")
    assert accounts.find_account("  Sam.Smith@Cumberland.GOV.uk ") == account


def test_someone_known_is_found_as_they_are_on_record(db, make):
    known = make.person(email="known@cumberland.gov.uk", full_name="Known Person")
    found = people.find_or_add_person(
        " Known@Cumberland.gov.uk ",
        {"full_name": "Another Name", "team": "Another Team"},
        council_domains=DOMAINS,
        now=NOW,
        actor="a test",
    )
    assert found == known
    assert (found.full_name, found.team) == ("Known Person", known.team)


def test_someone_new_is_added_with_their_name_and_group(db):
    added = people.find_or_add_person(
        "nurse@nhs.net",
        {"full_name": "Nia Nurse"},
        council_domains=DOMAINS,
        now=NOW,
        actor="a test",
    )
    assert (added.email, added.full_name, added.group) == (
        "nurse@nhs.net",
        "Nia Nurse",
        Group.PARTNER,
    )


def test_someone_new_needs_a_name(db):
    with pytest.raises(ValidationError, match="full name"):
        people.find_or_add_person(
            "new@nhs.net", {"full_name": "  "}, council_domains=DOMAINS, now=NOW, actor="a test"
        )

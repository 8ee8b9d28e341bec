"""Coordinators keep the list of venues."""

from __future__ import annotations

from sqlalchemy import select

from booking.models import Venue

GOOD = {
    "name": "The Beacon",
    "address": "Learning Room\nWest Strand",
    "town": "Whitehaven",
    "postcode": "ca28 7ly",
    "accessibility_notes": "Lift to the first floor.",
    "parking_notes": "Pay and display next door.",
}


def test_a_venue_is_added(coordinator_client, db):
    response = coordinator_client.post("/coordinator/venues/new", data=GOOD)
    assert response.status_code == 302
    venue = db.session.scalars(select(Venue)).one()
    assert (venue.name, venue.town, venue.postcode) == ("The Beacon", "Whitehaven", "CA28 7LY")
    assert "The Beacon" in coordinator_client.get("/coordinator/venues").get_data(as_text=True)


def test_a_venue_needs_a_name_address_and_town(coordinator_client, db):
    response = coordinator_client.post(
        "/coordinator/venues/new", data={"name": "", "address": "", "town": ""}
    )
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    for message in ("Enter the venue&#39;s name", "Enter the address", "Enter the town"):
        assert message in page
    assert db.session.scalar(select(Venue.id)) is None


def test_a_too_long_postcode_is_a_shown_error(coordinator_client, db):
    response = coordinator_client.post(
        "/coordinator/venues/new", data={**GOOD, "postcode": "CA28 7LY 12345"}
    )
    assert "The postcode must be 10 characters or fewer" in response.get_data(as_text=True)
    assert db.session.scalar(select(Venue.id)) is None


def test_a_venue_is_changed(coordinator_client, make):
    venue = make.venue("Kendal")
    page = coordinator_client.get(f"/coordinator/venues/{venue.id}/edit").get_data(as_text=True)
    assert 'value="Kendal"' in page
    coordinator_client.post(
        f"/coordinator/venues/{venue.id}/edit", data={**GOOD, "name": "Kendal Hall"}
    )
    assert venue.name == "Kendal Hall"


def test_a_venue_is_archived_and_restored(coordinator_client, make):
    venue = make.venue("Kendal")
    coordinator_client.post(f"/coordinator/venues/{venue.id}/archive")
    assert venue.is_archived
    assert "Archived" in coordinator_client.get("/coordinator/venues").get_data(as_text=True)
    coordinator_client.post(f"/coordinator/venues/{venue.id}/restore")
    assert not venue.is_archived

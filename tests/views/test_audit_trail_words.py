"""The audit trail shows plain words and names, not internal codes (issue 15, item 20)."""

from __future__ import annotations

import re
from pathlib import Path

from booking.models import BookingStatus
from booking.services import changes
from booking.words import AUDIT_ACTION_WORDS

BOOKING = Path(__file__).resolve().parents[2] / "booking"


def recorded_actions() -> set[str]:
    """Every action code the code base records (the first argument of audit.record)."""
    found = set()
    for path in (BOOKING / "services").rglob("*.py"):  # only services record events
        text = path.read_text()
        found |= set(re.findall(r'record\(\s*"([a-z_]+\.[a-z_.]+)"', text))
        for a, b in re.findall(r'"([a-z_]+\.[a-z_]+)" if [^\n]+ else "([a-z_]+\.[a-z_]+)"', text):
            found |= {a, b}
    return found


def test_every_action_the_code_records_has_words():
    actions = recorded_actions()
    assert len(actions) > 40  # the search itself works
    assert actions - set(AUDIT_ACTION_WORDS) == set()


def test_the_audit_trail_names_people_and_courses_in_plain_words(
    make, coordinator_client, coordinator, clock
):
    person = make.person(full_name="Jo Bloggs")
    booking = make.booking(make.course(), person, status=BookingStatus.CONFIRMED)
    changes.cancel_booking(booking, actor=coordinator, now=clock(), reason="Double booked")

    html = coordinator_client.get("/coordinator/audit").get_data(as_text=True)
    table = html.split('<table class="govuk-table">', 1)[1]
    assert "Booking cancelled" in table
    assert "Booking: Jo Bloggs, 2 March 2026, Kendal" in table
    assert "booking.cancelled" not in table
    assert f"booking {booking.id}" not in table and f"person {person.id}" not in table

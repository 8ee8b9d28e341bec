"""The form data of a valid course (the signed-in coordinator is in tests/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def course_form():
    """Form data for a valid course on 2 and 3 March 2026; keyword arguments replace fields."""

    def build(venue, **changes) -> dict:
        data = {
            "venue_id": str(venue),
            "day1_date": ["2", "3", "2026"],
            "day1_starts_at": "9:30am",
            "day1_ends_at": "4:30pm",
            "day2_date": ["3", "3", "2026"],
            "day2_starts_at": "09:30",
            "day2_ends_at": "16:00",
            "total_places": "20",
            "partner_places": "4",
            "release_on": ["", "", ""],
            "booking_closes_on": ["", "", ""],
            "coordinator_note": "Ruth Steel",
            "notes": "",
            "self_check_in": "y",
        }
        data.update(changes)
        return {key: value for key, value in data.items() if value is not None}

    return build

"""A course on 2 and 3 March 2026 (9:30am to 4:30pm) and someone who came on both days."""

from __future__ import annotations

import io

import pypdf
import pytest

from booking.models import BookingStatus

from ..feedback.conftest import AFTER, mark_both_days

__all__ = ["AFTER", "mark_both_days", "pdf_text"]


def pdf_text(data: bytes) -> tuple[pypdf.PdfReader, str]:
    """The PDF opened with pypdf, and all its text on one line."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(text.split())


@pytest.fixture
def completed(make):
    course = make.course(venue_obj=make.venue("Kendal"))
    person = make.person(full_name="Cara Complete", email="cara.complete@cumberland.gov.uk")
    booking = make.booking(course, person, status=BookingStatus.CONFIRMED, confirmed_at=AFTER)
    mark_both_days(booking)
    return booking

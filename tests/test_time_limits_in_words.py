"""Every time limit a person reads comes from the setting that enforces it, and counts are
written with their plural done properly (issue 15, item 20)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from booking.words import how_many

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
#: A number of hours, days, weeks or minutes typed into a page or an email, or a vague limit
#: where the setting should be said ("a short time").
TYPED_LIMIT = re.compile(
    r"\b\d+\s+(?:minutes?|hours?|days?|weeks?|working days?)\b|a short time|a few hours",
    re.IGNORECASE,
)


@pytest.mark.parametrize(
    "path",
    sorted(p for p in TEMPLATES.rglob("*") if p.suffix in {".html", ".txt"}),
    ids=lambda p: str(p.relative_to(TEMPLATES)),
)
def test_no_template_types_a_time_limit(path):
    words = re.sub(r"\{[{%#].*?[}%#]\}", " ", path.read_text(), flags=re.S)
    assert TYPED_LIMIT.findall(words) == []


def test_counts_have_their_plural_done_properly():
    assert how_many(1, "past completion") == "1 past completion"
    assert how_many(2, "past completion") == "2 past completions"
    assert how_many(0, "person", "people") == "0 people"


def test_the_waitlist_email_says_the_offer_time_limit_from_its_setting():
    for ext in ("txt", "html"):
        text = (TEMPLATES / "email" / f"waitlisted.{ext}").read_text()
        assert "limits.OFFER_LIFETIME|duration" in text

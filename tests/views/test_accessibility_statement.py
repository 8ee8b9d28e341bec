"""The accessibility statement has every part UK public-sector websites must publish."""

from __future__ import annotations

import re
from datetime import timedelta

from booking.time_limits import MAILBOX_REPLY_WORKING_DAYS

from ..courses.test_calendar import text_of


def test_the_accessibility_statement_has_every_required_part(client, app):
    response = client.get("/accessibility")
    assert response.status_code == 200
    page = text_of(response)
    for heading in (
        "Accessibility statement for Signs of Safety training",
        "How accessible this website is",
        "Feedback and contact information",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "Technical information about this website's accessibility",
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
    ):
        assert heading in page, heading
    assert (
        "partially compliant with the Web Content Accessibility Guidelines version 2.2 AA" in page
    )
    assert "different format" in page and "large print" in page  # how to ask for another format
    # the reply promise is the training mailbox's own, read from its setting
    assert f"reply within {MAILBOX_REPLY_WORKING_DAYS} working days" in page
    assert "Equality Advisory and Support Service" in page
    assert "Accessibility Regulations 2018" in page
    assert re.search(
        r"prepared on \d{1,2} \w+ 20\d\d\. It was last reviewed on \d{1,2} \w+ 20\d\d", page
    )
    assert re.search(r"last tested on \d{1,2} \w+ 20\d\d", page)
    html = response.get_data(as_text=True)
    assert f'href="mailto:{app.config["TRAINING_MAILBOX"]}"' in html
    for abbreviation in ("WCAG", "EHRC", "EASS"):
        assert abbreviation not in page


def test_a_known_problem_names_the_coordinators_time_limit_from_its_setting(
    client, app, monkeypatch
):
    monkeypatch.setitem(app.config, "COORDINATOR_IDLE_TIMEOUT", timedelta(minutes=45))
    page = text_of(client.get("/accessibility"))
    assert "signed out after 45 minutes without using the website" in page
    assert "2.2.1 (timing adjustable)" in page

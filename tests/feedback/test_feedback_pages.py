"""The feedback form by its emailed link (no sign-in), the booking page's part, the public
quotes page, and the coordinators' quote buttons."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from booking import time_limits
from booking.extensions import db
from booking.models import OutboxMessage
from booking.services import feedback, links

from .conftest import AFTER

FORM = {
    "worked_well": "Mapping with a family",
    "worried": "",
    "do_differently": "Ask scaling questions",
    "confidence_before": "3",
    "confidence_after": "8",
}


def _link(after_course) -> str:
    after_course()
    message = db.session.scalars(select(OutboxMessage)).one()
    return re.search(r"https?://[^/\s]+(/feedback/\S+)", message.text_body).group(1)


def test_the_emailed_link_opens_the_form_without_signing_in(client, attend, after_course):
    attend()
    page = client.get(_link(after_course))
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "What worked well for you on the course?" in text
    assert "A scale from 0 to 10 is one of the Signs of Safety tools" in text
    assert (
        'name="quote_consent"' in text
        and "checked" not in text.split('name="quote_consent"')[1][:80]
    )


def test_sending_the_form_saves_it_and_it_can_be_changed(app, client, attend, after_course):
    booking = attend()
    path = _link(after_course)
    sent = client.post(path, data=FORM)
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/thanks")
    assert "Thank you for your feedback" in client.get(sent.headers["Location"]).get_data(
        as_text=True
    )
    again = client.get(path).get_data(as_text=True)
    assert "You have already sent your feedback" in again and "Mapping with a family" in again
    client.post(path, data={**FORM, "worked_well": "The practice day", "quote_consent": "y"})
    response = feedback.response_for(booking, app.config["SECRET_KEY"])
    db.session.refresh(response)
    assert (response.worked_well, response.confidence_after, response.quote_consent) == (
        "The practice day", 8, True,
    )  # fmt: skip


def test_an_empty_form_shows_the_error_summary(client, attend, after_course):
    attend()
    page = client.post(_link(after_course), data={})
    assert page.status_code == 400
    assert "There is a problem" in page.get_data(as_text=True)
    assert "Answer at least one question" in page.get_data(as_text=True)


def test_a_number_off_the_scale_is_an_error_not_a_crash(client, attend, after_course):
    attend()
    page = client.post(_link(after_course), data={**FORM, "confidence_before": "12"})
    assert page.status_code == 400
    assert "Choose a number from 0 to 10" in page.get_data(as_text=True)


def test_a_closed_form_says_so(client, clock, attend, after_course):
    attend()
    path = _link(after_course)
    clock.set(AFTER + time_limits.FEEDBACK_OPEN_FOR)
    assert client.get(path).status_code == 410
    assert client.post(path, data=FORM).status_code == 410
    feedback.close_finished_forms(now=clock.now)  # and once cut off from the booking
    page = client.get(path)
    assert page.status_code == 410 and "This feedback form has closed" in page.get_data(
        as_text=True
    )


def test_a_forged_link_or_the_booking_page_link_does_not_open_it(app, client, attend, after_course):
    booking = attend()
    after_course()
    assert client.get("/feedback/not-a-real-token").status_code == 404
    manage_token = links.manage_token(booking, app.config["SECRET_KEY"])
    assert client.get(f"/feedback/{manage_token}").status_code == 404


def test_the_booking_page_links_to_the_form_and_lets_them_stop_quotes(
    app, client, make, attend, after_course
):
    booking = attend()
    client.post(_link(after_course), data={**FORM, "quote_consent": "y"})
    manage = links.manage_path(booking, app.config["SECRET_KEY"])
    page = client.get(manage).get_data(as_text=True)
    assert "Change your feedback" in page and "Do not quote what I wrote" in page
    response = feedback.response_for(booking, app.config["SECRET_KEY"])
    feedback.choose_quote(
        response, feedback.QuoteAnswer.WORKED_WELL, actor=make.coordinator(), now=AFTER
    )
    assert "Mapping with a family" in client.get("/what-workers-say").get_data(as_text=True)
    done = client.post(manage + "/feedback/stop-quoting")
    assert done.status_code == 302
    assert "Mapping with a family" not in client.get("/what-workers-say").get_data(as_text=True)


def test_coordinators_choose_and_withdraw_quotes(
    app, client, coordinator_client, attend, after_course
):
    booking = attend()
    path = _link(after_course)
    client.post(path, data={**FORM, "quote_consent": "y"})
    response = feedback.response_for(booking, app.config["SECRET_KEY"])
    listing = coordinator_client.get("/coordinator/reports/feedback/quotes").get_data(as_text=True)
    assert "Mapping with a family" in listing and "Test Person" not in listing
    url = f"/coordinator/reports/feedback/quotes/{response.id}"
    coordinator_client.post(url, data={"answer": "do_differently"})
    quotes = coordinator_client.get("/what-workers-say").get_data(as_text=True)
    assert "Ask scaling questions" in quotes and "A council worker, course in March 2026" in quotes
    coordinator_client.post(url, data={"answer": "withdraw"})
    assert "Ask scaling questions" not in client.get("/what-workers-say").get_data(as_text=True)
    assert coordinator_client.post(url, data={"answer": "nonsense"}).status_code == 400


def test_the_calendar_links_to_what_workers_say(client):
    assert "/what-workers-say" in client.get("/courses").get_data(as_text=True)
    assert client.get("/what-workers-say").status_code == 200


def test_the_form_closes_60_days_after_the_invitation(app, attend, after_course):
    booking = attend()
    after_course()
    response = feedback.response_for(booking, app.config["SECRET_KEY"])
    assert response.closes_at - response.invited_at == timedelta(days=60)

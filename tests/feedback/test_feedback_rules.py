"""Who is asked for feedback, one response per completion, changing it until the form
closes, and consent to be quoted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from booking import time_limits
from booking.extensions import db
from booking.models import FeedbackResponse, OutboxMessage, QuoteAnswer
from booking.services import feedback
from booking.services.errors import NotAllowed, ValidationError

from .conftest import AFTER

GOOD = feedback.Answers(
    worked_well="Mapping with a family",
    worried="The room was cold",
    do_differently="Use scaling questions",
    confidence_before=3,
    confidence_after=8,
    quote_consent=True,
)


def _secret(app):
    return app.config["SECRET_KEY"]


def test_people_who_completed_are_invited_in_the_after_course_email(app, attend, after_course):
    booking = attend()
    after_course()
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.kind == "course_completed"
    assert "Tell us how it went" in message.text_body
    assert "/feedback/" in message.text_body and "/feedback/" in message.html_body
    closes = AFTER + time_limits.FEEDBACK_OPEN_FOR
    assert "You can change your answers until Saturday 2 May 2026" in message.text_body
    response = feedback.response_for(booking, _secret(app))
    assert response is not None and response.closes_at == closes
    assert response.submitted_at is None


def test_people_who_missed_a_day_are_not_asked(app, attend, after_course):
    booking = attend(missed_day_2=True)
    after_course()
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.kind == "course_not_completed"
    assert "/feedback/" not in message.text_body
    assert feedback.response_for(booking, _secret(app)) is None
    with pytest.raises(NotAllowed):
        feedback.invite(booking, secret_key=_secret(app), now=AFTER)


def test_one_response_per_completion_however_often_the_worker_runs(app, attend, after_course):
    booking = attend()
    after_course()
    after_course()
    again = feedback.invite(booking, secret_key=_secret(app), now=AFTER + timedelta(days=1))
    assert db.session.scalars(select(FeedbackResponse)).all() == [again]


def test_answers_can_be_changed_until_the_form_closes(app, attend, after_course):
    booking = attend()
    after_course()
    response = feedback.response_for(booking, _secret(app))
    feedback.save_answers(response, GOOD, now=AFTER + timedelta(days=1))
    changed = feedback.Answers(worked_well="The practice day", confidence_after=9)
    feedback.save_answers(response, changed, now=AFTER + timedelta(days=59))
    db.session.refresh(response)
    assert (response.worked_well, response.worried, response.confidence_after) == (
        "The practice day", "", 9,
    )  # fmt: skip
    assert response.submitted_at == AFTER + timedelta(days=1)
    assert not response.quote_consent  # they untick it
    with pytest.raises(NotAllowed, match="closed"):
        feedback.save_answers(response, GOOD, now=response.closes_at)


def test_an_empty_form_or_a_number_off_the_scale_is_refused(app, attend, after_course):
    booking = attend()
    after_course()
    response = feedback.response_for(booking, _secret(app))
    with pytest.raises(ValidationError, match="at least one"):
        feedback.save_answers(response, feedback.Answers(worked_well="  "), now=AFTER)
    with pytest.raises(ValidationError, match="0 to 10"):
        feedback.save_answers(response, feedback.Answers(confidence_before=11), now=AFTER)


def test_quote_consent_is_off_unless_they_tick_it(app, attend, after_course):
    booking = attend()
    after_course()
    response = feedback.response_for(booking, _secret(app))
    feedback.save_answers(response, feedback.Answers(worked_well="Good"), now=AFTER)
    assert response.quote_consent is False
    with pytest.raises(NotAllowed, match="did not agree"):
        feedback.choose_quote(
            response,
            QuoteAnswer.WORKED_WELL,
            actor=None,
            now=AFTER,  # type: ignore[arg-type]
        )


def test_withdrawing_consent_takes_the_quote_down(app, make, attend, after_course):
    coordinator = make.coordinator()
    booking = attend()
    after_course()
    response = feedback.response_for(booking, _secret(app))
    feedback.save_answers(response, GOOD, now=AFTER)
    feedback.choose_quote(response, QuoteAnswer.DO_DIFFERENTLY, actor=coordinator, now=AFTER)
    [quote] = feedback.public_quotes()
    assert quote.text == "Use scaling questions"
    assert (quote.month, quote.role) == ("March 2026", "A council worker")
    assert feedback.withdraw_consent(booking, secret_key=_secret(app), now=AFTER)
    assert feedback.public_quotes() == []
    assert not feedback.withdraw_consent(booking, secret_key=_secret(app), now=AFTER)


def test_a_coordinator_can_withdraw_a_quote(app, make, attend, after_course):
    coordinator = make.coordinator()
    booking = attend()
    after_course()
    response = feedback.response_for(booking, _secret(app))
    feedback.save_answers(response, GOOD, now=AFTER)
    feedback.choose_quote(response, QuoteAnswer.WORKED_WELL, actor=coordinator, now=AFTER)
    feedback.withdraw_quote(response, actor=coordinator, now=AFTER)
    assert feedback.public_quotes() == []
    assert response.quote_consent  # their consent stands; the coordinator chose not to show it


def test_once_the_form_closes_the_response_is_cut_off_from_the_booking(app, attend, after_course):
    quiet, quoted = attend(), attend()
    after_course()
    for booking, answers in ((quiet, feedback.Answers(worked_well="Fine")), (quoted, GOOD)):
        feedback.save_answers(feedback.response_for(booking, _secret(app)), answers, now=AFTER)
    closes = AFTER + time_limits.FEEDBACK_OPEN_FOR
    assert feedback.close_finished_forms(now=closes - timedelta(seconds=1)) == 0
    assert feedback.close_finished_forms(now=closes) == 1
    db.session.expire_all()
    assert feedback.response_for(quiet, _secret(app)) is None
    # Kept only so the person who agreed to be quoted can still withdraw that ...
    assert feedback.withdraw_consent(quoted, secret_key=_secret(app), now=closes)
    # ... and then it goes too.
    assert feedback.response_for(quoted, _secret(app)) is None
    assert db.session.scalars(select(FeedbackResponse.owner_key)).all() == [None, None]

"""Feedback is kept apart from names, and goes with the person when they are erased."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from booking.extensions import db
from booking.models import Certificate, FeedbackResponse
from booking.services import feedback, privacy

from ..support.stored import everything_stored
from .conftest import AFTER


def test_no_name_or_booking_is_stored_with_a_response(app, attend, after_course):
    booking = attend(full_name="Wendy Writer")
    after_course()
    response = feedback.response_for(booking, app.config["SECRET_KEY"])
    columns = {c.name for c in FeedbackResponse.__table__.columns}
    assert not {"booking_id", "person_id", "email", "full_name"} & columns
    assert str(booking.id) != response.owner_key and len(response.owner_key) == 64


def test_erasing_the_person_anonymises_their_feedback_and_takes_down_quotes(
    app, make, attend, after_course
):
    coordinator = make.coordinator()
    booking = attend(full_name="Wendy Writer", email="wendy.writer@cumberland.gov.uk")
    after_course()
    response = feedback.response_for(booking, app.config["SECRET_KEY"])
    answers = feedback.Answers(
        worked_well="I, Wendy Writer, liked the mapping",
        worried="Email me at wendy.writer@cumberland.gov.uk",
        confidence_before=4,
        confidence_after=8,
        quote_consent=True,
    )
    feedback.save_answers(response, answers, now=AFTER)
    feedback.choose_quote(response, feedback.QuoteAnswer.WORKED_WELL, actor=coordinator, now=AFTER)
    assert "wendy" in everything_stored()
    later = AFTER + timedelta(days=3)
    privacy.erase_person(booking.person, actor=coordinator, now=later, reason="They asked us to")
    db.session.expire_all()
    assert "wendy" not in everything_stored()
    kept = db.session.scalars(select(FeedbackResponse)).one()
    assert (kept.owner_key, kept.quote_consent, kept.quoted_answer) == (None, False, None)
    assert kept.confidence_after == 8 and "liked the mapping" in kept.worked_well
    assert feedback.public_quotes() == []


def test_the_daily_purge_closes_old_forms(app, attend, after_course):
    booking = attend()
    after_course()
    closes = AFTER + timedelta(days=60)
    summary = privacy.purge(
        now=closes, support_needs_days=30, staff_years=6, partner_years=3, message_text_days=90
    )
    assert summary.feedback_forms_closed == 1
    assert feedback.response_for(booking, app.config["SECRET_KEY"]) is None


def test_their_data_download_holds_their_feedback_and_certificate_numbers(
    app, attend, after_course
):
    booking = attend(full_name="Wendy Writer")
    after_course()
    response = feedback.response_for(booking, app.config["SECRET_KEY"])
    answers = feedback.Answers(worked_well="The mapping", confidence_before=3, confidence_after=8)
    feedback.save_answers(response, answers, now=AFTER)
    db.session.commit()

    data = privacy.export_person(booking.person)

    [given] = data["feedback"]
    assert (given["booking_id"], given["worked_well"]) == (booking.id, "The mapping")
    assert (given["confidence_before"], given["confidence_after"]) == (3, 8)
    completion_ids = [c.id for c in booking.person.completions]
    numbers = set(
        db.session.scalars(
            select(Certificate.number).where(Certificate.completion_id.in_(completion_ids))
        )
    )
    assert numbers and {c["number"] for c in data["certificates"]} == numbers

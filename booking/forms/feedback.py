"""The feedback form (after the course) and the coordinators' quote buttons."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import BooleanField, RadioField, SelectChoice, StringField, SubmitField
from wtforms.validators import Length, Optional

from ..models import QuoteAnswer
from ..services.feedback import MAX_ANSWER, QUESTIONS, SCALE, Answers

_TOO_LONG = f"Keep each answer under {MAX_ANSWER} characters"


def _scale(label: str, description: str) -> RadioField:
    return RadioField(
        label,
        description=description,
        coerce=int,
        choices=[SelectChoice(n, str(n)) for n in SCALE],
        widget=GovRadioInput(),
        validators=[Optional()],
        invalid_choice_message="Choose a number from 0 to 10",
        invalid_value_message="Choose a number from 0 to 10",
    )


class FeedbackForm(FlaskForm):
    worked_well = StringField(
        QUESTIONS[QuoteAnswer.WORKED_WELL],
        widget=GovTextArea(),
        validators=[Length(max=MAX_ANSWER, message=_TOO_LONG)],
    )
    worried = StringField(
        QUESTIONS[QuoteAnswer.WORRIED],
        widget=GovTextArea(),
        validators=[Length(max=MAX_ANSWER, message=_TOO_LONG)],
    )
    do_differently = StringField(
        QUESTIONS[QuoteAnswer.DO_DIFFERENTLY],
        description="What needs to happen next in your work with children and families?",
        widget=GovTextArea(),
        validators=[Length(max=MAX_ANSWER, message=_TOO_LONG)],
    )
    confidence_before = _scale(
        "Before the course, how confident did you feel using Signs of Safety?",
        "0 means not at all confident, 10 means completely confident.",
    )
    confidence_after = _scale(
        "And now, how confident do you feel?",
        "0 means not at all confident, 10 means completely confident.",
    )
    quote_consent = BooleanField(
        "You may quote what I wrote on the training page, without my name",
        description="Leave this empty if you would rather we did not. You can change your mind later.",
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Send my feedback", widget=GovSubmitInput())

    def fill_from(self, response) -> None:
        for name in (
            "worked_well", "worried", "do_differently", "confidence_before",
            "confidence_after", "quote_consent",
        ):  # fmt: skip
            getattr(self, name).data = getattr(response, name)

    def answers(self) -> Answers:
        return Answers(
            worked_well=self.worked_well.data or "",
            worried=self.worried.data or "",
            do_differently=self.do_differently.data or "",
            confidence_before=self.confidence_before.data,
            confidence_after=self.confidence_after.data,
            quote_consent=bool(self.quote_consent.data),
        )


class ChooseQuoteForm(FlaskForm):
    """One button on the coordinators' quotes page (which answer is in the button's value)."""

    answer = StringField(validators=[Optional()])
    submit = SubmitField("Show this on the page", widget=GovSubmitInput())

"""Forms for line managers: approving a request, and changing who a person's manager is."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

_MANAGER_EMAIL_VALIDATORS = [
    Optional(),
    Length(max=320, message="The email address must be 320 characters or fewer"),
    Email("Enter an email address in the correct format, like name@example.com"),
]


class ApprovalForm(FlaskForm):
    """The manager's decision: two buttons, and a reason the person sees if they say no."""

    reason = TextAreaField(
        "If you decline, why? (optional)",
        widget=GovTextArea(),
        description="We show this to the person who asked.",
        validators=[Length(max=1000, message="The reason must be 1000 characters or fewer")],
    )
    approve = SubmitField("Approve", widget=GovSubmitInput())
    decline = SubmitField("Decline", widget=GovSubmitInput())


class LineManagerForm(FlaskForm):
    """A person changes or removes their line manager on "My bookings"."""

    line_manager_email = StringField(
        "Your line manager's email address",
        widget=GovTextInput(),
        description="Leave it empty to remove your line manager. We then stop sending them copies.",
        validators=_MANAGER_EMAIL_VALIDATORS,
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class CoordinatorLineManagerForm(LineManagerForm):
    """A coordinator changes or removes someone's line manager, saying why."""

    line_manager_email = StringField(
        "Their line manager's email address",
        widget=GovTextInput(),
        description="Leave it empty to remove their line manager.",
        validators=_MANAGER_EMAIL_VALIDATORS,
    )
    reason = TextAreaField(
        "Why are you changing it?",
        widget=GovTextArea(),
        validators=[
            DataRequired(message="Say why you are changing their line manager"),
            Length(max=1000, message="The reason must be 1000 characters or fewer"),
        ],
    )


class ApproveForManagerForm(FlaskForm):
    """A coordinator approves a request on the line manager's behalf, saying why."""

    reason = TextAreaField(
        "Why are you approving for their manager?",
        widget=GovTextArea(),
        validators=[
            DataRequired(message="Say why you are approving for their manager"),
            Length(max=1000, message="The reason must be 1000 characters or fewer"),
        ],
    )
    submit = SubmitField("Approve for their manager", widget=GovSubmitInput())

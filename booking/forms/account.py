"""Forms for attendees' "My bookings"."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import HiddenField, SubmitField, TextAreaField
from wtforms.validators import Length


class SupportNeedsForm(FlaskForm):
    support_needs = TextAreaField(
        "What support do you need to take part?",
        widget=GovTextArea(),
        description=(
            "For example, a hearing loop, step-free access or breaks. Only the training "
            "coordinators can see this. Leave it empty if you no longer need support."
        ),
        validators=[Length(max=2000, message="Support needs must be 2000 characters or fewer")],
    )
    #: "yes" once the person has said they do want to remove what they told us.
    confirm_removal = HiddenField()
    submit = SubmitField("Save", widget=GovSubmitInput())

"""Forms for reports and training records."""

import re
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovFileInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import DateField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from . import fields


class DayMonthYearField(DateField):
    """A GOV.UK date in three boxes; a post missing some boxes is an error, never a crash."""

    raw_data: list[str] | None
    data: Any  # a date once the form has validated

    def process(self, formdata, data=None, extra_filters=None):
        super().process(formdata, data, extra_filters)
        if self.raw_data is not None and len(self.raw_data) != 3:
            self.raw_data = [*self.raw_data, "", "", ""][:3]
            self.data = None
            self.process_errors = ["Enter the day, month and year."]
        elif self.process_errors:
            self.process_errors = ["Enter a real date, for example 27 3 2021."]


_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


class PeriodDateField(fields.DayMonthYearField):
    """A GOV.UK date input (day, month, year) that also reads one date written 2026-03-31,
    the way the report's own links (the spreadsheet download) carry the period."""

    def process_formdata(self, valuelist):
        if len(valuelist) == 1 and (iso := _ISO_DATE.fullmatch(str(valuelist[0]).strip())):
            year, month, day = iso.groups()
            valuelist = [day, month, year]
        super().process_formdata(valuelist)


class PeriodForm(FlaskForm):
    """From and to dates for a report; read from the address, so no CSRF token. A date left
    empty or not real is an error at its boxes, never quietly replaced."""

    class Meta:
        csrf = False

    start = PeriodDateField(
        "Start date",
        description="For example, 1 3 2026",
        required_message="Enter the start date",
    )
    end = PeriodDateField(
        "End date",
        description="For example, 31 3 2026",
        required_message="Enter the end date",
    )

    def validate_end(self, field):
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError("The end date must be the same as or after the start date")


class SearchForm(FlaskForm):
    """Posted (with its CSRF token), so what is searched for never appears in a web address."""

    q = StringField(
        "Name or email address",
        widget=GovTextInput(),
        description="Part of a name or address is enough, for example ‘smith’ or ‘@nhs.net’.",
        validators=[Optional(), Length(max=200)],
    )


class CompletedElsewhereForm(FlaskForm):
    course_type = SelectField("Training", widget=GovSelect(), coerce=int)
    completed_on = DayMonthYearField(
        "Date they completed it",
        widget=GovDateInput(),
        format="%d %m %Y",
        description="For example, 27 3 2021",
        validators=[InputRequired("Enter the date they completed the training.")],
    )
    reason = TextAreaField(
        "How do you know they completed it?",
        widget=GovTextArea(),
        validators=[InputRequired("Say how you know they completed it."), Length(max=1000)],
    )
    submit = SubmitField("Record training", widget=GovSubmitInput())


class ImportUploadForm(FlaskForm):
    course_type = SelectField("Training", widget=GovSelect(), coerce=int)
    file = FileField(
        "CSV file of past completions",
        widget=GovFileInput(),
        description=(
            "The first row names the columns: Email, Name, Organisation, Team and Completed on."
        ),
        validators=[FileRequired("Choose a CSV file.")],
    )
    reason = TextAreaField(
        "Where do these records come from?",
        widget=GovTextArea(),
        validators=[InputRequired("Say where these records come from."), Length(max=1000)],
    )
    submit = SubmitField("Check the file", widget=GovSubmitInput())


class ImportConfirmForm(FlaskForm):
    """Carries the checked file back, signed, so nothing is kept on the server in between."""

    payload = HiddenField(validators=[InputRequired()])
    submit = SubmitField("Save these completions", widget=GovSubmitInput())

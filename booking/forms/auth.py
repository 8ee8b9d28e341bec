"""Forms for signing in and for managing coordinator accounts."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import EmailField, PasswordField, RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length


class EmailLinkForm(FlaskForm):
    """An attendee asks for a sign-in link."""

    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        description="The address you booked with.",
        validators=[
            DataRequired("Enter your email address"),
            Email("Enter an email address like name@example.com"),
            Length(max=320),
        ],
    )
    submit = SubmitField("Send me a link", widget=GovSubmitInput())


class UseLinkForm(FlaskForm):
    """The button on the page an emailed link opens: only the POST uses the link."""

    submit = SubmitField("Sign in", widget=GovSubmitInput())


class PasswordSignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[DataRequired("Enter your email address"), Length(max=320)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[DataRequired("Enter your password"), Length(max=500)],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class CodeForm(FlaskForm):
    code = StringField(
        "Code",
        widget=GovTextInput(),
        description="The 6 numbers your authenticator app shows now, or one of your recovery codes.",
        validators=[DataRequired("Enter the code"), Length(max=40)],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ButtonForm(FlaskForm):
    """A form that is only a button (sign out, disable an account ...): it carries the CSRF token."""

    submit = SubmitField("Continue", widget=GovSubmitInput())


class NewAccountForm(FlaskForm):
    full_name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[DataRequired("Enter their full name"), Length(max=200)],
    )
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter their email address"),
            Email("Enter an email address like name@cumbria.gov.uk"),
            Length(max=320),
        ],
    )
    role = RadioField(
        "What can they do?",
        widget=GovRadioInput(),
        choices=[
            SelectChoice("coordinator", "Coordinator: runs courses and sees bookings"),
            SelectChoice("administrator", "Administrator: also manages coordinators' accounts"),
            SelectChoice(
                "trainer", "Trainer: takes the registers of the courses they are assigned to"
            ),
        ],
        default="coordinator",
        validators=[DataRequired("Choose what they can do")],
    )
    submit = SubmitField("Create account", widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[DataRequired("Enter your current password"), Length(max=500)],
    )
    new_password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description="12 characters or more. A few unrelated words are easy to remember.",
        validators=[DataRequired("Enter a new password"), Length(max=500)],
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())


class ConfirmItIsYouForm(FlaskForm):
    """Asked again before a change that could keep someone else in an account."""

    password_or_code = PasswordField(
        "Your password, or a code from your authenticator app",
        widget=GovPasswordInput(),
        description="We ask again in case someone else is using a computer you left signed in.",
        validators=[DataRequired("Enter your password or a code from your app"), Length(max=500)],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

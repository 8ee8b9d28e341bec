"""The one family of domain errors (a rule said no), and `TryAgain` (the database was too
busy), which is not one of them. Each carries a plain-English message a person can read."""

from collections.abc import Sequence


class BookingError(Exception):
    """A rule said no. `message` is shown to the person as it is."""

    default_message = "Something went wrong. Please try again."

    def __init__(self, message: str | None = None):
        self.message = message or self.default_message
        super().__init__(self.message)


class NotFound(BookingError):
    default_message = "We could not find that."


class NotAllowed(BookingError):
    default_message = "You cannot do that."


class CourseNotBookable(BookingError):
    default_message = "This course is not taking bookings."


class BookingClosed(BookingError):
    default_message = "Bookings for this course have closed. Please contact the training team."


class AlreadyBooked(BookingError):
    default_message = "You already have a place on this training."


class LinkInvalid(BookingError):
    default_message = (
        "This link does not work any more. It may have been used already or be out of date."
    )


class ValidationError(BookingError):
    """Input that breaks a rule; `field` names the form field to highlight, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class TryAgain(Exception):
    """The database stayed busy however often the change was retried; nothing was changed.

    Not a `BookingError`: no rule said no, so no page shows it as a problem with what was
    typed. One error handler (web.py) shows the "please try again" page for it everywhere;
    commands say the database was busy and exit non-zero.
    """

    default_message = "Lots of people are booking right now. Please try again in a moment."

    def __init__(self, message: str | None = None):
        self.message = message or self.default_message
        super().__init__(self.message)


class Problems(ValidationError):
    """Several problems with what was typed, shown together: a list of (field, message)."""

    def __init__(self, problems: Sequence[tuple[str | None, str]]):
        super().__init__(problems[0][1], problems[0][0])
        self.problems = problems

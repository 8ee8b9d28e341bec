"""Every time limit the booking rules keep to, in one place.

The services enforce these values, and pages and emails say them in words from here (the
`duration` and `working_days` template filters, `limits` in every template), so what a
person reads is always what is enforced. Change a limit here and the words follow.
"""

from __future__ import annotations

from datetime import time, timedelta

#: Someone offered a free place has this long to say yes (never past the booking cut-off).
OFFER_LIFETIME = timedelta(hours=48)
#: The emailed link that confirms a booking request works once, for this long.
CONFIRM_LINK_LIFETIME = timedelta(hours=24)
#: The links sent in reply to an email to the training mailbox (to book, or to cancel).
MAILBOX_LINK_LIFETIME = timedelta(hours=24)
#: An attendee's sign-in link for "My bookings".
SIGN_IN_LINK_LIFETIME = timedelta(minutes=15)
#: Self check-in: the code on the room's screen changes this often ...
SELF_CHECK_IN_STEP = timedelta(seconds=30)
#: ... and a code scanned from it is accepted for this long after it first showed (the code
#: on the screen now and the one before it; a whole number of steps).
SELF_CHECK_IN_ACCEPTED_FOR = timedelta(minutes=1)

#: The rule "release date": unless a coordinator sets another date, unfilled places open to
#: everyone this long before day 1 (from the start of that day, London time).
RELEASE_BEFORE = timedelta(days=14)
#: The rule "booking cut-off": unless a coordinator sets another day, booking closes this
#: many working days (Monday to Friday) before day 1 ...
CUTOFF_WORKING_DAYS_BEFORE = 2
#: ... at this time, London time, on that day.
CUTOFF_TIME = time(23, 59)

#: Reminders go this long before day 1 starts, to people who had their place by then.
REMINDERS_BEFORE = (timedelta(days=7), timedelta(days=1))
#: The after-course message goes only for courses that ended within this time.
AFTER_COURSE_WINDOW = timedelta(days=30)
#: The feedback form, sent with the after-course message, takes answers (and changes to
#: them) for this long.
FEEDBACK_OPEN_FOR = timedelta(days=60)
#: What the acknowledgement of an email to the training mailbox promises.
MAILBOX_REPLY_WORKING_DAYS = 2

_MINUTE, _HOUR, _DAY = 60, 60 * 60, 24 * 60 * 60


def in_words(limit: timedelta) -> str:
    """A time limit as a person says it: "15 minutes", "48 hours", "14 days".

    Whole days from 3 days up, whole hours from 1 hour up (so 48 hours stays 48 hours),
    otherwise minutes (seconds when it is not a whole number of minutes).
    """
    seconds = int(limit.total_seconds())
    if seconds >= 3 * _DAY and seconds % _DAY == 0:
        number, unit = seconds // _DAY, "day"
    elif seconds >= _HOUR and seconds % _HOUR == 0:
        number, unit = seconds // _HOUR, "hour"
    elif seconds < _MINUTE or seconds % _MINUTE:
        number, unit = seconds, "second"
    else:
        number, unit = seconds // _MINUTE, "minute"
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"


def working_days_in_words(number: int) -> str:
    """ "2 working days", "1 working day"."""
    return f"{number} working day" if number == 1 else f"{number} working days"


#: A line manager asked to approve a request has this many working days to answer; then the
#: request lapses and the person is told.
MANAGER_APPROVAL_WORKING_DAYS = 5

"""Words people read, each written once for the pages, the emails and the exports: dates and
times (always Europe/London), a booking's status and a person's group, and the template
filters and globals that the pages and the emails share.

Nothing here reads the app: the web wiring (web.py) and the email composer
(mail/outbound/composing.py) each give their own Jinja environment `TEMPLATE_FILTERS` and
`TEMPLATE_GLOBALS`, so a page and an email say a date, a time limit or a status alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from . import time_limits
from .models import BookingStatus, Group
from .timezone import LONDON

# --- Dates and times -----------------------------------------------------------------------


def to_london(value: datetime) -> datetime:
    """An aware moment as Europe/London wall-clock time."""
    return value.astimezone(LONDON)


def long_date(value: date | datetime) -> str:
    """Monday 3 March 2026."""
    if isinstance(value, datetime):
        value = to_london(value).date()
    return f"{value:%A} {value.day} {value:%B %Y}"


def short_date(value: date | datetime) -> str:
    """3 March 2026."""
    if isinstance(value, datetime):
        value = to_london(value).date()
    return f"{value.day} {value:%B %Y}"


def time_of_day(value: time | datetime) -> str:
    """9:30am, 1pm."""
    if isinstance(value, datetime):
        value = to_london(value).time()
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    if value.minute:
        return f"{hour}:{value.minute:02d}{suffix}"
    return f"{hour}{suffix}"


# --- Statuses and groups -------------------------------------------------------------------


@dataclass(frozen=True)
class StatusWords:
    """A booking's status in words, for each reader."""

    #: On the coordinators' pages, as it is now: "Has a place".
    coordinator: str
    #: To the person, on "My bookings": "You have a place".
    person: str
    #: On a person's training record, looking back: "Had a place".
    record: str


STATUS_WORDS = {
    BookingStatus.CONFIRMED: StatusWords(
        coordinator="Has a place", person="You have a place", record="Had a place"
    ),
    BookingStatus.OFFERED: StatusWords(
        coordinator="Offered a place",
        person="A place is being kept for you: please say if you want it",
        record="Offered a place",
    ),
    BookingStatus.WAITLISTED: StatusWords(
        coordinator="Waiting", person="You are on the waitlist", record="On the waitlist"
    ),
    BookingStatus.CANCELLED: StatusWords(
        coordinator="Cancelled", person="Cancelled", record="Cancelled"
    ),
    BookingStatus.DECLINED: StatusWords(
        coordinator="Said no to an offer",
        person="You said no to a place",
        record="Said no to an offered place",
    ),
    BookingStatus.EXPIRED: StatusWords(
        coordinator="Offer ran out",
        person="The place we kept for you has been offered to someone else",
        record="Did not answer an offer in time",
    ),
    BookingStatus.WITHDRAWN: StatusWords(
        coordinator="Wait ended (place on another date)",
        person="Taken off the waitlist because you have a place on another date",
        record="Left the waitlist (got a place on another date)",
    ),
    BookingStatus.MOVED: StatusWords(
        coordinator="Moved to another date",
        person="Moved to another date",
        record="Moved to another date",
    ),
}

GROUP_WORDS = {Group.STAFF: "Council staff", Group.PARTNER: "Partner agency"}
#: A group named in a sentence: "Full for council staff", "no places left for partner agencies".
GROUP_PLURAL = {Group.STAFF: "council staff", Group.PARTNER: "partner agencies"}


def how_places_are_shared(group: Group, release_on: date, *, released: bool) -> str:
    """One sentence on who a waiting person's number counts (`waitlist.offer_number`)."""
    if released:
        return (
            "Any free place now goes to the next person waiting, with council staff first, "
            "so your number counts everyone waiting."
        )
    return (
        f"Until {long_date(release_on)}, some places are kept for partner agencies, "
        f"so your number counts only {GROUP_PLURAL[group]}."
    )


# --- What templates share ------------------------------------------------------------------

#: `{{ day.date|long_date }}`, `{{ limits.OFFER_LIFETIME|duration }}` ...
TEMPLATE_FILTERS = {
    "long_date": long_date,
    "short_date": short_date,
    "clock": time_of_day,
    "london": to_london,
    "duration": time_limits.in_words,
    "working_days": time_limits.working_days_in_words,
}

#: `{{ limits.OFFER_LIFETIME|duration }}`, `{{ status_words[booking.status].coordinator }}` ...
TEMPLATE_GLOBALS = {
    "limits": time_limits,
    "status_words": STATUS_WORDS,
    "group_words": GROUP_WORDS,
    "group_plural": GROUP_PLURAL,
    "how_places_are_shared": how_places_are_shared,
}

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


def dates_in_words(dates) -> str:
    """A course's days as a title: "Monday 2 March 2026", "Monday 2 and Tuesday 3 March
    2026", "Monday 30, Tuesday 31 March and Wednesday 1 April 2026" (a month or year
    is written once for the days that share it)."""
    dates = list(dates)
    parts = []
    for day, following in zip(dates, [*dates[1:], None], strict=True):
        text = f"{day:%A} {day.day}"
        if following is None or (following.year, following.month) != (day.year, day.month):
            text += f" {day:%B}"
        if following is None or following.year != day.year:
            text += f" {day.year}"
        parts.append(text)
    return and_list(parts)


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
    BookingStatus.AWAITING_APPROVAL: StatusWords(
        coordinator="Waiting for their manager to approve",
        person="Waiting for your manager to approve: no place is held yet",
        record="Waited for their manager to approve",
    ),
    BookingStatus.NOT_APPROVED: StatusWords(
        coordinator="Their manager said no",
        person="Your manager did not approve this request",
        record="Their manager did not approve",
    ),
    BookingStatus.LAPSED: StatusWords(
        coordinator="Their manager did not answer in time",
        person="Your manager did not answer in time, so the request ended",
        record="Their manager did not answer in time",
    ),
}

#: What a line manager reads on "My team" for each booking still going, by status value.
TEAM_WORDS = {
    "confirmed": "Booked",
    "offered": "Offered a place",
    "waitlisted": "Waiting for a place",
    "awaiting_approval": "Waiting for your approval",
}

GROUP_WORDS = {Group.STAFF: "Council staff", Group.PARTNER: "Partner agency"}
#: A group named in a sentence: "Full for council staff", "no places left for partner agencies".
GROUP_PLURAL = {Group.STAFF: "council staff", Group.PARTNER: "partner agencies"}


#: Why a message to the training mailbox is not a request (NotRequestReason), for coordinators.
REASON_WORDS = {
    "calendar_reply": "a reply to a calendar invitation",
    "automatic_reply": "an automatic reply, such as an out-of-office message",
    "mailing_list": "a mailing list or bulk message",
    "bounce": "a message saying an email could not be delivered",
    "read_receipt": "a read receipt",
    "from_ourselves": "a message from this service's own address",
    "no_reply_sender": "sent from an address that does not take replies",
}


def size_in_words(size: int) -> str:
    """A size in bytes as people say it: "20 kilobytes", "5.0 megabytes"."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} kilobytes"
    return f"{size / (1024 * 1024):.1f} megabytes"


def how_many(number: int, thing: str, things: str | None = None) -> str:
    """ "1 place", "2 places", "0 people": a count with its noun, plural done properly."""
    if number == 1:
        return f"1 {thing}"
    return f"{number} {things or thing + 's'}"


#: A course's number of days in words, for a certificate ("in person, two days").
NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


def days_in_words(count: int) -> str:
    """ "one day", "two days", "three days" (digits past five)."""
    return how_many(count, "day").replace(str(count), NUMBER_WORDS.get(count, str(count)), 1)


def every_day(count: int) -> str:
    """All of a course's days, as a sentence names them: "the day" (one), "both days"
    (two), "all 3 days" (more). Never "both days" for a course without two."""
    if count == 1:
        return "the day"
    if count == 2:
        return "both days"
    return f"all {count} days"


def come_to_every_day(count: int) -> str:
    """What a course asks of people: "come for the whole day", "come to both days"."""
    return "come for the whole day" if count == 1 else f"come to {every_day(count)}"


def and_list(items) -> str:
    """ "a", "a and b", "a, b and c"."""
    words = [str(item) for item in items]
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def missed_days_words(missed, count: int) -> str:
    """Which days someone missed: "day 2", "days 1 and 3", or every day ("both days")."""
    missed = list(missed)
    if len(missed) == count:
        return every_day(count)
    if len(missed) == 1:
        return f"day {missed[0]}"
    return f"days {and_list(missed)}"


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


# --- The audit trail, in words ------------------------------------------------------------

#: What each audit action means, for coordinators. The codes stay in the database (they are
#: what the rules and reports query); people read these.
AUDIT_ACTION_WORDS = {
    "account.council_account_linked": "Council account linked",
    "account.council_account_unlinked": "Council account unlinked",
    "account.council_sign_in": "Signed in with a council account",
    "account.created": "Coordinator account created",
    "account.disabled": "Coordinator account turned off",
    "account.enabled": "Coordinator account turned on",
    "account.password_changed": "Password changed",
    "account.password_turned_off": "Password sign-in turned off",
    "account.password_turned_on": "Password sign-in turned on",
    "account.recovery_codes_replaced": "New recovery codes made",
    "account.second_factor_reset": "Authenticator app reset",
    "account.second_factor_set_up": "Authenticator app set up",
    "account.signed_in": "Coordinator signed in",
    "account.signed_out": "Signed out everywhere",
    "attendance.corrected": "Register corrected",
    "attendance.marked": "Register marked",
    "booking.added": "Booked by a coordinator",
    "booking.approval_lapsed": "Request ended: their manager did not answer in time",
    "booking.approved_for_manager": "Approved by a coordinator for their manager",
    "booking.awaiting_approval": "Asked their manager to approve",
    "booking.cancelled": "Booking cancelled",
    "booking.confirmed": "Place booked",
    "booking.moved": "Booking moved to another date",
    "booking.not_approved": "Their manager did not approve",
    "booking.offer_accepted": "Offer of a place accepted",
    "booking.offer_declined": "Offer of a place turned down",
    "booking.offer_expired": "Offer of a place ran out",
    "booking.offered": "Place offered from the waitlist",
    "booking.promoted": "Given a place by a coordinator",
    "booking.reordered": "Place on the waitlist changed",
    "booking.support_needs_changed": "Support needs changed",
    "booking.waitlisted": "Joined the waitlist",
    "booking.walk_in_added": "Walk-in added",
    "booking.withdrawn": "Left the waitlist (has a place on another date)",
    "certificate.issued": "Certificate of completion made",
    "course.cancelled": "Course cancelled",
    "course.created": "Course added",
    "course_type.created": "Course type added",
    "course_type.updated": "Course type changed",
    "course.duplicated": "Next date set up from this course",
    "course.over_room_capacity": "More places than the room holds (reason given)",
    "course.published": "Course published",
    "course.released_early": "Places opened to everyone early",
    "course.saved_despite_clash": "Saved although it clashes with another course",
    "course.schedule_changed": "Dates, times or venue changed",
    "course.updated": "Course details changed",
    "course_type.manager_approval_changed": "Line manager approval turned on or off",
    "feedback.quote_withdrawn": "Quote taken off the public page",
    "feedback.quoted": "Quote chosen for the public page",
    "mailbox.booked_from_message": "Booked from an email",
    "mailbox.link_sent_to_named_person": "Booking link sent to the person named in an email",
    "mailbox.message_closed": "Email dealt with",
    "outbox.retried": "Email sent again",
    "person.added": "Person added",
    "person.created": "Person added",
    "person.erased": "Person's details erased",
    "person.exported": "Person's details downloaded",
    "person.group_corrected": "Group corrected",
    "person.line_manager_changed": "Line manager changed",
    "person.agency_linked": "Linked to a partner agency",
    "agency.saved": "Partner agency saved",
    "person.signed_in": "Signed in to My bookings",
    "privacy.purged": "Old personal details deleted",
    "room.archived": "Room archived",
    "room.created": "Room added",
    "room.restored": "Room brought back",
    "room.updated": "Room details changed",
    "sign_in.council_refused": "Council sign-in refused",
    "support_needs.viewed": "Support needs seen",
    "training.completed": "Training completed",
    "training.completion_undone": "Completion taken off after a correction",
    "training.imported": "Past completions imported",
    "training.recorded_elsewhere": "Training recorded from elsewhere",
    "venue.archived": "Venue archived",
    "venue.created": "Venue added",
    "venue.restored": "Venue brought back",
    "venue.updated": "Venue details changed",
}

#: The kinds of record an audit row is about, as people say them.
AUDIT_RECORD_WORDS = {
    "booking": "Booking",
    "certificate": "Certificate",
    "course": "Course",
    "coursetype": "Training",
    "feedbackresponse": "Feedback (no name kept)",
    "inboundmessage": "Email to the training team",
    "outboxmessage": "Email we sent",
    "person": "Person",
    "retention": "Old records",
    "room": "Room",
    "signinattempt": "Sign-in",
    "user": "Coordinator account",
    "venue": "Venue",
}


def describe_action(action: str) -> str:
    """Plain words for an audit action such as "booking.cancelled"."""
    if action in AUDIT_ACTION_WORDS:
        return AUDIT_ACTION_WORDS[action]
    thing, _, what = action.partition(".")
    return f"{thing.replace('_', ' ').capitalize()} {what.replace('_', ' ')}".strip()


# --- Course types -------------------------------------------------------------------------


def for_whom(partners_may_book: bool) -> str:
    """For whom a course type is, as the calendar and course page say it."""
    return "For council staff and partner agencies" if partners_may_book else "For council staff"


# --- What templates share ------------------------------------------------------------------

#: `{{ day.date|long_date }}`, `{{ limits.OFFER_LIFETIME|duration }}` ...
TEMPLATE_FILTERS = {
    "long_date": long_date,
    "short_date": short_date,
    "clock": time_of_day,
    "london": to_london,
    "duration": time_limits.in_words,
    "how_many": how_many,
    "working_days": time_limits.working_days_in_words,
    "every_day": every_day,
    "come_to_every_day": come_to_every_day,
    "and_list": and_list,
    "days_in_words": days_in_words,
    "for_whom": for_whom,
}

#: `{{ limits.OFFER_LIFETIME|duration }}`, `{{ status_words[booking.status].coordinator }}` ...
TEMPLATE_GLOBALS = {
    "limits": time_limits,
    "status_words": STATUS_WORDS,
    "group_words": GROUP_WORDS,
    "group_plural": GROUP_PLURAL,
    "how_places_are_shared": how_places_are_shared,
    "dates_in_words": dates_in_words,
    "missed_days_words": missed_days_words,
}

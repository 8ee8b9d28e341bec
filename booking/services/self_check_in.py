"""Self check-in: the trainer shows a QR code on the room's screen, and each person scans it
with their own phone, signed in to "My bookings", to mark themselves present.

The code changes every `time_limits.SELF_CHECK_IN_STEP` (as Moodle's rotating QR code does).
It is an HMAC, with the site's secret key, of the course, the day, its date and the time
step, so nothing is stored, nothing can be worked out from an old code, and a code is useless
for any other day or course. A code is accepted while it is on the screen and for one step
after it (`SELF_CHECK_IN_ACCEPTED_FOR`), so a slow phone is not turned away; an older one
is refused and the person scans again. A check-in is an ordinary register mark ("present",
with the time), saved by the person, so it is in the day's history like any other.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

import segno
from sqlalchemy import select

from .. import time_limits
from ..extensions import db
from ..models import AttendanceMark, Booking, BookingStatus, CourseDay, CourseStatus, Mark, Person
from ..timezone import london_date
from ..words import long_date, time_of_day
from .actors import SIGNED_IN
from .check_in import CheckIn, CheckInRefused, mark_arrived

#: Letters in a code: 80 bits of the HMAC, far too many to guess in the minute it works.
CODE_LENGTH = 16
#: How far back a refused code is recognised as an old one from the screen ("scan again"),
#: rather than as a code we do not know.
_OLD_CODES_RECOGNISED = 120

#: What the register's history says about a mark made this way (it has no account to name).
SELF_CHECK_IN_REASON = "Checked themselves in with the code on the screen"
_ALREADY = "You checked in at {time} already."
_STEP_SECONDS = int(time_limits.SELF_CHECK_IN_STEP.total_seconds())
_STEPS_ACCEPTED = int(time_limits.SELF_CHECK_IN_ACCEPTED_FOR / time_limits.SELF_CHECK_IN_STEP)


class SelfCheckInRefused(CheckInRefused):
    """A self check-in that does not mark anyone present, with the plain reason."""


def _step(now: datetime) -> int:
    return int(now.timestamp()) // _STEP_SECONDS


def code_for_step(day: CourseDay, step: int, *, secret: str) -> str:
    """The code for `day` in time step `step` (a number of `SELF_CHECK_IN_STEP`s)."""
    message = f"self-check-in|{day.course_id}|{day.id}|{day.date.isoformat()}|{step}"
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:CODE_LENGTH]


@dataclass(frozen=True)
class ScreenCode:
    """The code to show on the room's screen now, and how long until it changes."""

    code: str
    seconds_left: int


def code_on_screen(day: CourseDay, *, secret: str, now: datetime) -> ScreenCode:
    """The code the room's screen shows at `now`."""
    step = _step(now)
    left = (step + 1) * _STEP_SECONDS - now.timestamp()
    return ScreenCode(code_for_step(day, step, secret=secret), max(1, int(left + 0.999)))


def qr_svg(address: str) -> str:
    """The check-in address as an inline SVG QR code, large enough to scan across a room."""
    return segno.make_qr(address, error="m").svg_inline(
        scale=10, title="QR code for checking yourself in", svgclass="app-qr-code"
    )


def is_on(day: CourseDay) -> bool:
    """Self check-in can be used for this day's course."""
    return day.course.self_check_in and day.course.status == CourseStatus.PUBLISHED


def is_today(day: CourseDay, now: datetime) -> bool:
    """The register for this day is the one to check in to now (London time)."""
    return london_date(now) == day.date


def _check_code(day: CourseDay, code: str, *, secret: str, now: datetime) -> None:
    given = (code or "").strip().lower()
    step = _step(now)
    for age in range(_OLD_CODES_RECOGNISED):
        if hmac.compare_digest(code_for_step(day, step - age, secret=secret), given):
            if age < _STEPS_ACCEPTED:
                return
            raise SelfCheckInRefused(
                "This code has changed since you scanned it. Scan the code on the screen again."
            )
    raise SelfCheckInRefused(
        "We do not recognise this code. Scan the code on the screen in the room again."
    )


def _place_on(day: CourseDay, person: Person) -> Booking:
    booking = db.session.scalars(
        select(Booking).where(
            Booking.course_id == day.course_id,
            Booking.person_id == person.id,
            Booking.status == BookingStatus.CONFIRMED,
        )
    ).first()
    if booking is None:
        raise SelfCheckInRefused(
            f"You do not have a place on {day.course.course_type.name} on these dates, so you "
            "cannot check in here. Speak to the trainer."
        )
    return booking


def refusal(
    day: CourseDay, code: str, person: Person | None, *, secret: str, now: datetime
) -> SelfCheckInRefused | None:
    """Why this code, scanned now (by this person, if signed in), checks no one in; or None."""
    if not is_on(day):
        return SelfCheckInRefused(
            "Self check-in is switched off for this course. Tell the trainer you are here."
        )
    if not is_today(day, now):
        return SelfCheckInRefused(
            f"This code is for day {day.day_number} of the course, {long_date(day.date)}, "
            "not today."
        )
    try:
        _check_code(day, code, secret=secret, now=now)
        if person is not None:
            _place_on(day, person)
    except SelfCheckInRefused as error:
        return error
    arrived = checked_in_at(day, person) if person is not None else None
    if arrived is not None:
        return SelfCheckInRefused(_ALREADY.format(time=time_of_day(arrived)))
    return None


def checked_in_at(day: CourseDay, person: Person) -> datetime | None:
    """When the person was marked present (or late) on `day`, if they have been."""
    return db.session.scalar(
        select(AttendanceMark.marked_at)
        .join(Booking, Booking.id == AttendanceMark.booking_id)
        .where(
            Booking.person_id == person.id,
            AttendanceMark.course_day_id == day.id,
            AttendanceMark.mark.in_((Mark.PRESENT, Mark.LATE)),
        )
    )


def check_in_myself(
    day: CourseDay, code: str, person: Person, *, secret: str, now: datetime
) -> CheckIn:
    """Mark `person` present on `day` with the code they scanned, or refuse with the reason
    (switched off, not today, an old or unknown code, no place, already checked in)."""
    refused = refusal(day, code, person, secret=secret, now=now)
    if refused is not None:
        raise refused
    booking = _place_on(day, person)
    return mark_arrived(
        booking.id, day, actor=SIGNED_IN, now=now, already=_ALREADY, reason=SELF_CHECK_IN_REASON
    )

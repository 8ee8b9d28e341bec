"""Check-in codes: each confirmed booking has a short code for each course day, shown on
the booking page, "My bookings" and the reminder email, and typed (or scanned) at the door.

A code is random and stored against one booking and one day, so it says nothing about the
person and works for that day of that course only. Checking in is an ordinary register mark
("present", with the time), so it is in the day's history like any other.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

import segno
from sqlalchemy import select

from ..extensions import db
from ..models import (
    AttendanceMark,
    Booking,
    BookingStatus,
    CheckInCode,
    CourseDay,
    CourseStatus,
    Mark,
)
from ..words import long_date, time_of_day
from . import registers
from .actors import ActorLike
from .db import transactional
from .errors import BookingError

#: Capital letters and numbers that cannot be mistaken for one another (no O and 0, I, L and
#: 1, S and 5, Z and 2, B and 8, U and V, G and 6).
ALPHABET = "ACDEFHJKMNPQRTWXY3479"
LENGTH = 6
_NOT_IN_A_CODE = re.compile(r"[\s-]+")


class CheckInRefused(BookingError):
    """A code that does not check anyone in here and now; `person_name` when we know who."""

    def __init__(self, message: str, person_name: str = ""):
        super().__init__(message)
        self.person_name = person_name


@dataclass(frozen=True)
class CheckIn:
    """Someone checked in: who, and when the mark was saved."""

    person_name: str
    at: datetime


def normalise(typed: str) -> str:
    """A code as typed or scanned, in capitals without spaces or dashes."""
    return _NOT_IN_A_CODE.sub("", typed or "").upper()


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        if db.session.scalar(select(CheckInCode.id).where(CheckInCode.code == code)) is None:
            return code


def _codes_by_day(booking_id: int) -> dict[int, str]:
    rows = db.session.execute(
        select(CheckInCode.course_day_id, CheckInCode.code).where(
            CheckInCode.booking_id == booking_id
        )
    )
    return {day_id: code for day_id, code in rows}


@transactional
def _add_missing_codes(booking_id: int) -> dict[int, str]:
    # Hold the booking's row so two pages shown at once do not both add a code for a day.
    booking = db.session.execute(
        select(Booking).where(Booking.id == booking_id).with_for_update()
    ).scalar_one()
    codes = _codes_by_day(booking.id)
    for day in booking.course.days:
        if day.id not in codes:
            codes[day.id] = _new_code()
            db.session.add(
                CheckInCode(booking_id=booking.id, course_day_id=day.id, code=codes[day.id])
            )
    return codes


def codes_for(booking: Booking) -> list[tuple[CourseDay, str]]:
    """A confirmed booking's check-in code for each course day (made the first time they are
    shown); nothing for a booking without a place."""
    if booking.status != BookingStatus.CONFIRMED:
        return []
    days = list(booking.course.days)
    codes = _codes_by_day(booking.id)
    if any(day.id not in codes for day in days):
        codes = _add_missing_codes(booking.id)
    return [(day, codes[day.id]) for day in days]


@dataclass(frozen=True)
class DayCode:
    """One day's check-in code, as the person is shown it."""

    day: CourseDay
    code: str

    @property
    def spaced(self) -> str:
        """The code in two halves, easier to read out and type: "ACD 3F7"."""
        return f"{self.code[:3]} {self.code[3:]}"

    @property
    def qr_svg(self) -> str:
        """The code as an inline SVG QR code, drawn here (no outside service sees it)."""
        return segno.make_qr(self.code, error="m").svg_inline(
            scale=5,
            title=f"QR code for checking in on day {self.day.day_number}",
            svgclass="app-qr-code",
        )


def codes_to_show(booking: Booking, *, now: datetime) -> list[DayCode]:
    """The codes to show someone with a place on a course that is not over yet."""
    course = booking.course
    if course.status != CourseStatus.PUBLISHED or course.is_over(now):
        return []
    return [DayCode(day, code) for day, code in codes_for(booking)]


def _refusal(found: CheckInCode | None, day: CourseDay, now: datetime) -> CheckInRefused | None:
    """Why a code does not check anyone in to this day, or None if it does."""
    if found is None:
        return CheckInRefused("We do not recognise that code. Check it and try again.")
    booking = found.booking
    name = booking.person.full_name or booking.person.email
    if found.course_day.course_id != day.course_id:
        return CheckInRefused("This code is for another course, not this one.", name)
    if found.course_day_id != day.id:
        other = found.course_day
        return CheckInRefused(
            f"This code is for day {other.day_number} ({long_date(other.date)}), not this day.",
            name,
        )
    if booking.status != BookingStatus.CONFIRMED:
        return CheckInRefused(
            "Their booking was cancelled, so they do not have a place on this course.", name
        )
    if registers.is_after_the_day(day, now):
        return CheckInRefused("This day is over. Change the register instead.", name)
    return None


@transactional
def check_in(day: CourseDay, typed: str, *, actor: ActorLike, now: datetime) -> CheckIn:
    """Mark the person whose code this is present on `day`, or refuse with the reason."""
    code = normalise(typed)
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        raise CheckInRefused(
            f"A check-in code has {LENGTH} letters and numbers. Check it and try again."
        )
    found = db.session.scalars(select(CheckInCode).where(CheckInCode.code == code)).one_or_none()
    refusal = _refusal(found, day, now)
    if refusal is not None:
        raise refusal
    assert found is not None  # for the type checker: _refusal said no otherwise
    return mark_arrived(found.booking_id, day, actor=actor, now=now)


@transactional
def mark_arrived(
    booking_id: int,
    day: CourseDay,
    *,
    actor: ActorLike,
    now: datetime,
    already: str = "Already checked in at {time}.",
    reason: str = "",
) -> CheckIn:
    """Mark the booking's person present on `day` (by code or self check-in), unless they
    are already marked present or late: then refuse, saying when (`already`)."""
    booking = registers.lock_booking(booking_id)
    assert booking is not None
    name = booking.person.full_name or booking.person.email
    saved = db.session.scalars(
        select(AttendanceMark).where(
            AttendanceMark.booking_id == booking.id, AttendanceMark.course_day_id == day.id
        )
    ).one_or_none()
    if saved is not None and saved.mark in (Mark.PRESENT, Mark.LATE):
        raise CheckInRefused(already.format(time=time_of_day(saved.marked_at)), name)
    mark = registers.mark(booking, day, Mark.PRESENT, actor=actor, now=now, reason=reason)
    return CheckIn(person_name=name, at=mark.marked_at)

"""Certificates of completion, and checking one by its number (rule 22).

- A completion made by a course here (every day attended, the rule "completion") gets a
  certificate when one is first needed: the after-course email, a download.
- A completion a coordinator recorded or imported (training done elsewhere or before this
  system) gets one only when a coordinator chooses; it says "recorded by the training team".
- The number is random (not a counter), so numbers cannot be guessed in turn. The check
  page says only whether it is genuine (name, course, date) or not.
- A completion undone by a corrected register leaves its certificate with no completion:
  the check page says it was cancelled. Erasing the person deletes their certificates.
"""

from __future__ import annotations

import enum
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Booking, Certificate, CompletionSource, TrainingCompletion, User
from ..words import days_in_words
from . import audit
from .db import transactional
from .errors import NotAllowed

#: Letters and digits that cannot be mistaken for each other (no 0/O, 1/I/L).
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
GROUPS, GROUP_LENGTH = 3, 4
COUNCILS = "Cumberland Council and Westmorland and Furness Council"
RECORDED_BY_TEAM = "recorded by the training team"
_NOT_ALPHABET = re.compile(f"[^{ALPHABET}]")


def new_number() -> str:
    """A random certificate number like "K7QM-3XPA-9RTD" (about 59 bits)."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return "-".join(chars[i : i + GROUP_LENGTH] for i in range(0, len(chars), GROUP_LENGTH))


def normalise(number: str) -> str:
    """A number as typed ("k7qm 3xpa 9rtd") in its stored form, or "" if it cannot be one."""
    chars = _NOT_ALPHABET.sub("", (number or "").upper()[:40])
    if len(chars) != GROUPS * GROUP_LENGTH:
        return ""
    return "-".join(chars[i : i + GROUP_LENGTH] for i in range(0, len(chars), GROUP_LENGTH))


def existing(completion: TrainingCompletion) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.completion_id == completion.id))


def completion_of(booking: Booking) -> TrainingCompletion | None:
    """The completion a booking made (every day attended), if it stands."""
    return db.session.scalar(
        select(TrainingCompletion).where(TrainingCompletion.booking_id == booking.id)
    )


def _issue(completion: TrainingCompletion, *, now: datetime, by: User | None) -> Certificate:
    for _ in range(5):
        certificate = Certificate(
            number=new_number(),
            completion_id=completion.id,
            issued_at=now,
            issued_by_id=by and by.id,
        )
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
            return certificate
        except IntegrityError:  # the same number twice (or issued a moment ago)
            found = existing(completion)
            if found is not None:
                return found
    raise RuntimeError("Could not find a free certificate number.")  # pragma: no cover


def certificate_for(completion: TrainingCompletion, *, now: datetime) -> Certificate:
    """The certificate for a completion, made now if a course here made the completion.
    Joins the caller's transaction. A recorded completion without one is refused."""
    found = existing(completion)
    if found is not None:
        return found
    if completion.source != CompletionSource.COURSE:
        raise NotAllowed("A certificate for training recorded by the team is made only on request.")
    return _issue(completion, now=now, by=None)


@transactional
def issue_for_recorded(
    completion: TrainingCompletion, *, actor: User, now: datetime
) -> Certificate:
    """A coordinator chooses to give a certificate for a completion they recorded or imported."""
    found = existing(completion)
    if found is not None:
        return found
    certificate = _issue(completion, now=now, by=actor)
    audit.record(
        "certificate.issued", completion.person, actor=actor, now=now, number=certificate.number
    )
    return certificate


# --- What a certificate says ---------------------------------------------------------------


@dataclass(frozen=True)
class CertificateDetails:
    number: str
    name: str
    course: str
    completed_on: date
    days: list[date]
    venue: str
    #: "in person, two days (about 14 hours)", from the course's own times; "" when recorded.
    mode: str
    recorded_by_team: bool
    councils: str = COUNCILS


def _hours(booking: Booking) -> str:
    total = sum(
        (
            datetime.combine(day.date, day.ends_at) - datetime.combine(day.date, day.starts_at)
            for day in booking.course.days
        ),
        timedelta(),
    )
    day_words = days_in_words(len(booking.course.days))
    return f"in person, {day_words} (about {round(total.total_seconds() / 3600)} hours)"


def details(certificate: Certificate) -> CertificateDetails:
    """What the certificate says, read from its completion (which must still stand)."""
    completion = certificate.completion
    booking = db.session.get(Booking, completion.booking_id) if completion.booking_id else None
    recorded = completion.source != CompletionSource.COURSE or booking is None
    course = booking.course if booking is not None else None
    return CertificateDetails(
        number=certificate.number,
        name=completion.person.full_name or completion.person.email,
        course=completion.course_type.name,
        completed_on=completion.completed_on,
        days=[] if course is None else [d.date for d in course.days],
        venue="" if course is None else course.venue.one_line_address,
        mode="" if booking is None else _hours(booking),
        recorded_by_team=recorded,
    )


# --- Checking --------------------------------------------------------------------------------


class CheckOutcome(enum.StrEnum):
    GENUINE = "genuine"
    CANCELLED = "cancelled"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class CheckResult:
    outcome: CheckOutcome
    details: CertificateDetails | None = None


def check(number: str) -> CheckResult:
    """Whether a certificate number is genuine; reveals the name, course and date only."""
    stored = normalise(number)
    certificate = (
        db.session.scalar(select(Certificate).where(Certificate.number == stored))
        if stored
        else None
    )
    if certificate is None:
        return CheckResult(CheckOutcome.NOT_FOUND)
    if certificate.completion is None:
        return CheckResult(CheckOutcome.CANCELLED)
    if certificate.completion.person.anonymised_at is not None:
        return CheckResult(CheckOutcome.NOT_FOUND)
    return CheckResult(CheckOutcome.GENUINE, details(certificate))


def forget(person_id: int) -> None:
    """The person is being erased: their certificates go (the check page then finds none).
    Joins the caller's transaction."""
    completion_ids = select(TrainingCompletion.id).where(TrainingCompletion.person_id == person_id)
    for certificate in db.session.scalars(
        select(Certificate).where(Certificate.completion_id.in_(completion_ids))
    ):
        db.session.delete(certificate)

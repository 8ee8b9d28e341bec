"""Feedback after the course (rule 21), in Signs of Safety terms, from people who completed it.

- Invitation: the after-course message to someone who completed the course (the rule
  "completion", `Booking.attendance`) carries a link to the form; inviting makes their one
  `FeedbackResponse`, open for `FEEDBACK_OPEN_FOR`. People who missed a day are not asked.
- One response per completed booking; they can change it until the form closes.
- Names are never stored with a response: it holds a keyed hash of the booking
  (`owner_key`, an HMAC with the app's secret key), found again from the booking's own links.
  When the form closes the hash goes, unless they agreed to be quoted (so they can still
  withdraw that from their booking page); when they are erased it goes at once.
- Quotes: a coordinator may show one answer from someone who agreed, on the public
  "What workers say" page, and withdraw it; the person withdrawing consent removes it too.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from .. import time_limits
from ..extensions import db
from ..models import Attendance, Booking, Course, FeedbackResponse, QuoteAnswer
from . import audit
from .actors import ActorLike
from .db import rows_changed, transactional
from .errors import NotAllowed, ValidationError

#: The longest answer kept for each question.
MAX_ANSWER = 5000
SCALE = range(0, 11)
QUESTIONS = {
    QuoteAnswer.WORKED_WELL: "What worked well for you on the course?",
    QuoteAnswer.WORRIED: "What worried you, or could have been better?",
    QuoteAnswer.DO_DIFFERENTLY: "What will you do differently in your work now?",
}


@dataclass(frozen=True)
class Answers:
    """What the person wrote and chose on the form."""

    worked_well: str = ""
    worried: str = ""
    do_differently: str = ""
    confidence_before: int | None = None
    confidence_after: int | None = None
    quote_consent: bool = False


def owner_key(booking: Booking, secret_key: str) -> str:
    """The keyed hash that finds a booking's response without storing the booking with it."""
    message = f"feedback:{booking.id}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def response_for(booking: Booking, secret_key: str) -> FeedbackResponse | None:
    """The booking's feedback response, if it was invited and is still theirs."""
    return db.session.scalar(
        select(FeedbackResponse).where(FeedbackResponse.owner_key == owner_key(booking, secret_key))
    )


def invite(booking: Booking, *, secret_key: str, now: datetime) -> FeedbackResponse:
    """Make (once) the response a completed booking's feedback link opens; joins the caller's
    transaction. Refuses a booking whose course was not completed."""
    if booking.attendance != Attendance.COMPLETED:
        raise NotAllowed("Only people who came on every day of the course are asked for feedback.")
    existing = response_for(booking, secret_key)
    if existing is not None:
        return existing
    response = FeedbackResponse(
        owner_key=owner_key(booking, secret_key),
        course_id=booking.course_id,
        group=booking.person.group,
        invited_at=now,
        closes_at=now + time_limits.FEEDBACK_OPEN_FOR,
    )
    db.session.add(response)
    db.session.flush()
    return response


def is_open(response: FeedbackResponse, *, now: datetime) -> bool:
    """The form still takes answers and changes to them."""
    return response.owner_key is not None and now < response.closes_at


def _clean(text: str | None) -> str:
    return (text or "").strip()


def _check(answers: Answers) -> None:
    for name in ("worked_well", "worried", "do_differently"):
        if len(_clean(getattr(answers, name))) > MAX_ANSWER:
            raise ValidationError(f"Keep each answer under {MAX_ANSWER} characters.", field=name)
    for name in ("confidence_before", "confidence_after"):
        value = getattr(answers, name)
        if value is not None and value not in SCALE:
            raise ValidationError("Choose a number from 0 to 10.", field=name)
    texts = [answers.worked_well, answers.worried, answers.do_differently]
    scales = [answers.confidence_before, answers.confidence_after]
    if not any(_clean(t) for t in texts) and all(s is None for s in scales):
        raise ValidationError("Answer at least one question.", field="worked_well")


@transactional
def save_answers(response: FeedbackResponse, answers: Answers, *, now: datetime) -> None:
    """Save or change the answers while the form is open."""
    response = db.session.get_one(
        FeedbackResponse, response.id, with_for_update=True, populate_existing=True
    )
    if not is_open(response, now=now):
        raise NotAllowed("This feedback form has closed. Thank you for your time.")
    _check(answers)
    response.worked_well = _clean(answers.worked_well)
    response.worried = _clean(answers.worried)
    response.do_differently = _clean(answers.do_differently)
    response.confidence_before = answers.confidence_before
    response.confidence_after = answers.confidence_after
    if not answers.quote_consent:
        _unquote(response)
    response.quote_consent = answers.quote_consent
    if response.submitted_at is None:
        response.submitted_at = now
    else:
        response.changed_at = now
    if response.quoted_answer is not None and not getattr(response, response.quoted_answer.value):
        _unquote(response)  # the quoted answer was emptied


def _unquote(response: FeedbackResponse) -> None:
    response.quoted_answer = None
    response.quoted_at = None


@transactional
def withdraw_consent(booking: Booking, *, secret_key: str, now: datetime) -> bool:
    """The person no longer agrees to be quoted: any quote of theirs comes off the page.
    Returns whether there was consent to withdraw."""
    response = response_for(booking, secret_key)
    if response is None or not response.quote_consent:
        return False
    response.quote_consent = False
    _unquote(response)
    response.changed_at = now
    if not is_open(response, now=now):
        _detach(response, now)  # kept only so they could do this
    return True


def _detach(response: FeedbackResponse, now: datetime) -> None:
    response.owner_key = None
    response.detached_at = now


@transactional
def close_finished_forms(*, now: datetime) -> int:
    """Cut closed responses off from their bookings (except where the person agreed to be
    quoted and can still withdraw). Run by the daily purge; returns how many were cut."""
    return rows_changed(
        update(FeedbackResponse)
        .where(
            FeedbackResponse.owner_key.is_not(None),
            FeedbackResponse.closes_at <= now,
            FeedbackResponse.quote_consent.is_(False),
        )
        .values(owner_key=None, detached_at=now)
        .execution_options(synchronize_session=False)
    )


def forget(bookings: list[Booking], *, secret_key: str, now: datetime, redact) -> None:
    """The person is being erased: their responses lose the link to them, any quote comes
    off, and `redact` takes their name and address out of what they wrote. Joins the
    caller's transaction."""
    keys = [owner_key(b, secret_key) for b in bookings]
    if not keys:
        return
    for response in db.session.scalars(
        select(FeedbackResponse).where(FeedbackResponse.owner_key.in_(keys))
    ):
        _detach(response, now)
        response.quote_consent = False
        _unquote(response)
        for name in ("worked_well", "worried", "do_differently"):
            setattr(response, name, redact(getattr(response, name)))


# --- Quotes -------------------------------------------------------------------------------


@transactional
def choose_quote(
    response: FeedbackResponse, answer: QuoteAnswer, *, actor: ActorLike, now: datetime
) -> None:
    """Show one answer of someone who agreed to be quoted on "What workers say"."""
    response = db.session.get_one(
        FeedbackResponse, response.id, with_for_update=True, populate_existing=True
    )
    if not response.quote_consent:
        raise NotAllowed("This person did not agree to be quoted.")
    if not getattr(response, QuoteAnswer(answer).value):
        raise NotAllowed("There is nothing written for that question.")
    response.quoted_answer = QuoteAnswer(answer)
    response.quoted_at = now
    audit.record("feedback.quoted", response, actor=actor, now=now, answer=str(answer))


@transactional
def withdraw_quote(response: FeedbackResponse, *, actor: ActorLike, now: datetime) -> None:
    """Take a quote off the "What workers say" page."""
    response = db.session.get_one(
        FeedbackResponse, response.id, with_for_update=True, populate_existing=True
    )
    _unquote(response)
    audit.record("feedback.quote_withdrawn", response, actor=actor, now=now)


@dataclass(frozen=True)
class Quote:
    response: FeedbackResponse
    text: str
    question: str
    month: str
    role: str


ROLE_WORDS = {"staff": "A council worker", "partner": "A worker from a partner agency"}


def _quote(response: FeedbackResponse) -> Quote:
    answer = response.quoted_answer or QuoteAnswer.WORKED_WELL
    return Quote(
        response=response,
        text=getattr(response, answer.value),
        question=QUESTIONS[answer],
        month=f"{response.course.first_day.date:%B %Y}",
        role=ROLE_WORDS[response.group.value],
    )


def public_quotes() -> list[Quote]:
    """The quotes on "What workers say", newest course first: only from people who agreed."""
    rows = db.session.scalars(
        select(FeedbackResponse)
        .where(
            FeedbackResponse.quote_consent.is_(True), FeedbackResponse.quoted_answer.is_not(None)
        )
        .options(selectinload(FeedbackResponse.course).selectinload(Course.days))
        .order_by(FeedbackResponse.quoted_at.desc())
    )
    return [_quote(r) for r in rows]


def quotable(*, limit: int = 200) -> list[FeedbackResponse]:
    """Responses whose writers agreed to be quoted, newest first, for coordinators to choose."""
    return list(
        db.session.scalars(
            select(FeedbackResponse)
            .where(
                FeedbackResponse.quote_consent.is_(True),
                FeedbackResponse.submitted_at.is_not(None),
            )
            .options(selectinload(FeedbackResponse.course).selectinload(Course.days))
            .order_by(FeedbackResponse.submitted_at.desc())
            .limit(limit)
        )
    )

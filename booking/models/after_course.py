"""After the course: feedback from people who completed it, and certificates of completion."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .base import UTCDateTime, enum_column, utcnow
from .people import Group


class QuoteAnswer(enum.StrEnum):
    """Which answer a coordinator chose to show on the "What workers say" page."""

    WORKED_WELL = "worked_well"
    WORRIED = "worried"
    DO_DIFFERENTLY = "do_differently"


class FeedbackResponse(Model):
    """One completed booking's feedback: made when the person is invited, filled in by them.

    No name or booking is stored with it, only a keyed hash of the booking (`owner_key`);
    the course and the role type stay, so reports keep their counts.
    """

    __tablename__ = "feedback_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A keyed hash of the booking (HMAC with the app's secret key): finds "my response" from
    #: the booking's own links without storing who wrote it. Emptied when the form closes
    #: (kept while they agree to be quoted, so they can withdraw) and when they are erased.
    owner_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    #: Council staff or partner agency, for quotes ("a council worker"); never a name.
    group: Mapped[Group] = mapped_column(enum_column(Group))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: After this the answers can no longer be changed.
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    worked_well: Mapped[str] = mapped_column(Text, default="")
    worried: Mapped[str] = mapped_column(Text, default="")
    do_differently: Mapped[str] = mapped_column(Text, default="")
    #: 0 to 10: how confident they felt using Signs of Safety before the course, and now.
    confidence_before: Mapped[int | None] = mapped_column(Integer)
    confidence_after: Mapped[int | None] = mapped_column(Integer)
    #: They agreed we may quote what they wrote, without their name (off unless they say so).
    quote_consent: Mapped[bool] = mapped_column(default=False)
    #: The answer a coordinator chose to show publicly; None when nothing is shown.
    quoted_answer: Mapped[QuoteAnswer | None] = mapped_column(enum_column(QuoteAnswer))
    quoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When `owner_key` was emptied (form closed, or the person erased).
    detached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    course = relationship("Course")


class Certificate(Model):
    """A certificate of completion, checkable at /certificates/<number>.

    The number is random. A certificate whose completion was undone (a corrected register)
    keeps its row with no completion, so the check page can say it was cancelled.
    """

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    completion_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_completions.id", ondelete="SET NULL"), unique=True
    )
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Who issued it, for completions a coordinator recorded; None when made by a course.
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    completion = relationship("TrainingCompletion")

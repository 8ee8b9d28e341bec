"""Attendance marks for each course day, and the history of every change to them."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, and_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .base import UTCDateTime, enum_column, utcnow


class Mark(enum.StrEnum):
    PRESENT = "present"
    LATE = "late"
    LEFT_EARLY = "left_early"
    ABSENT = "absent"


class AttendanceMark(Model):
    __tablename__ = "attendance_marks"
    __table_args__ = (UniqueConstraint("booking_id", "course_day_id", name="uq_mark_booking_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
    course_day_id: Mapped[int] = mapped_column(
        ForeignKey("course_days.id", ondelete="CASCADE"), index=True
    )
    mark: Mapped[Mark] = mapped_column(enum_column(Mark))
    #: For "left early": whether the coordinator says the day still counts.
    counts_as_attended: Mapped[bool] = mapped_column(default=True)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    booking = relationship("Booking", back_populates="marks")
    course_day = relationship("CourseDay")

    @hybrid_property
    def counts(self) -> bool:
        """The rule "completion": a day counts if they came (present or late), or left early
        and the coordinator says the day still counts."""
        return self.mark != Mark.ABSENT and self.counts_as_attended

    @counts.inplace.expression
    @classmethod
    def _counts_expression(cls):
        return and_(cls.mark != Mark.ABSENT, cls.counts_as_attended.is_(True))


class Attendance(enum.StrEnum):
    """Where a booking stands on the rule "completion", from its register marks."""

    NOT_YET_KNOWN = "not_yet_known"  #: a day of the course has no mark yet
    COMPLETED = "completed"  #: every day has a mark that counts
    NOT_COMPLETED = "not_completed"  #: every day is marked and at least one does not count

    @classmethod
    def from_marks(cls, day_marks: Sequence[AttendanceMark | None]) -> Attendance:
        """The outcome of one mark (or None) per course day. `Booking.attendance` is this
        rule for a loaded booking, and the same rule in SQL."""
        if any(mark is None for mark in day_marks):
            return cls.NOT_YET_KNOWN
        if all(mark is not None and mark.counts for mark in day_marks):
            return cls.COMPLETED
        return cls.NOT_COMPLETED


class AttendanceChange(Model):
    """Every mark saved, in order: the history behind corrections."""

    __tablename__ = "attendance_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
    course_day_id: Mapped[int] = mapped_column(ForeignKey("course_days.id", ondelete="CASCADE"))
    old_mark: Mapped[str] = mapped_column(String(20), default="")
    new_mark: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CheckInCode(Model):
    """A person's code for checking in on one day of their course: random, so it says
    nothing about them, and stored, so it works for that booking and day only."""

    __tablename__ = "check_in_codes"
    __table_args__ = (
        UniqueConstraint("booking_id", "course_day_id", name="uq_check_in_code_booking_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    course_day_id: Mapped[int] = mapped_column(
        ForeignKey("course_days.id", ondelete="CASCADE"), index=True
    )
    #: Six characters from check_in.ALPHABET (no letters or numbers that look alike).
    code: Mapped[str] = mapped_column(String(6), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    booking = relationship("Booking")
    course_day = relationship("CourseDay")

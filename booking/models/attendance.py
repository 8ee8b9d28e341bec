"""Attendance marks for each course day, and the history of every change to them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
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

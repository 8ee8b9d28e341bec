"""Bookings (a person's place or wait on one course) and the one-time links people follow."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .base import UTCDateTime, enum_column, utcnow
from .people import Group


class BookingStatus(enum.StrEnum):
    CONFIRMED = "confirmed"  #: holds a place
    OFFERED = "offered"  #: a place is held for them until offer_expires_at
    WAITLISTED = "waitlisted"  #: waiting for a place
    CANCELLED = "cancelled"  #: cancelled by the person, a coordinator, or the course
    DECLINED = "declined"  #: said no to an offer
    EXPIRED = "expired"  #: did not answer an offer in time
    WITHDRAWN = "withdrawn"  #: a wait taken off because they got a place on another date
    MOVED = "moved"  #: moved to another date (see moved_to_id)


#: Statuses that hold a place on the course.
HOLDING = (BookingStatus.CONFIRMED, BookingStatus.OFFERED)
#: Statuses that are still live (holding or waiting).
ACTIVE = (BookingStatus.CONFIRMED, BookingStatus.OFFERED, BookingStatus.WAITLISTED)

_holding_sql = "status IN ('confirmed', 'offered')"
_active_sql = "status IN ('confirmed', 'offered', 'waitlisted')"


class Booking(Model):
    __tablename__ = "bookings"
    __table_args__ = (
        # One live booking per person per course: a double click cannot make two.
        Index(
            "uq_bookings_one_active_per_course",
            "person_id",
            "course_id",
            unique=True,
            sqlite_where=text(_active_sql),
            postgresql_where=text(_active_sql),
        ),
        # One held place per person per course type (rule 6).
        Index(
            "uq_bookings_one_place_per_type",
            "person_id",
            "course_type_id",
            unique=True,
            sqlite_where=text(_holding_sql),
            postgresql_where=text(_holding_sql),
        ),
        Index("ix_bookings_course_status", "course_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    #: Copied from the course so the database can enforce one place per course type.
    course_type_id: Mapped[int] = mapped_column(ForeignKey("course_types.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    status: Mapped[BookingStatus] = mapped_column(enum_column(BookingStatus), index=True)
    #: When they asked: the last key of the waitlist order.
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set by a coordinator to move someone up the waitlist; lower comes first.
    queue_priority: Mapped[int | None] = mapped_column(Integer)
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Why it ended or was changed by a coordinator (kept for the record).
    reason: Mapped[str] = mapped_column(Text, default="")
    moved_to_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"))
    #: Private: only coordinators see this; deleted some days after the course.
    support_needs: Mapped[str] = mapped_column(Text, default="")
    support_needs_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Added by a coordinator beyond the number of places (a walk-in, say).
    over_capacity: Mapped[bool] = mapped_column(default=False)
    #: Random key mixed into the links in this booking's emails; change it to revoke them.
    link_key: Mapped[str] = mapped_column(String(64))
    #: Goes up with every calendar invite sent for this booking (iCalendar SEQUENCE).
    invite_sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    course = relationship("Course")
    person = relationship("Person", back_populates="bookings")
    moved_to = relationship("Booking", remote_side="Booking.id")
    marks = relationship("AttendanceMark", back_populates="booking", cascade="all, delete-orphan")


class LinkPurpose(enum.StrEnum):
    CONFIRM_BOOKING = "confirm_booking"  #: prove the address, then the request is booked
    SIGN_IN = "sign_in"  #: an attendee signs in to "My bookings"
    CANCEL_BY_EMAIL = "cancel_by_email"  #: a cancellation asked for by email


class EmailLink(Model):
    """A one-time link sent by email. Only a hash of the token is stored."""

    __tablename__ = "email_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[LinkPurpose] = mapped_column(enum_column(LinkPurpose))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"))
    #: What the person typed into the booking form, applied once the link is followed.
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The booking the link produced, to show the right page if it is opened again.
    result_booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"))


__all__ = ["ACTIVE", "HOLDING", "Booking", "BookingStatus", "EmailLink", "Group", "LinkPurpose"]

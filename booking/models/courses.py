"""Course types, venues, courses (cohorts) and their two course days."""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    and_,
    exists,
    or_,
)
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship, selectinload

from ..extensions import Model
from ..timezone import LONDON, london_date
from .base import UTCDateTime, enum_column, utcnow


class CourseStatus(enum.StrEnum):
    """What a coordinator decided. Whether a course is over is worked out from its dates
    (`Course.is_over`), never stored."""

    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class CourseType(Model):
    __tablename__ = "course_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: Short name used in URLs, e.g. "introductory".
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    #: What to bring, shown on course pages and in reminders.
    what_to_bring: Mapped[str] = mapped_column(Text, default="")

    courses: Mapped[list[Course]] = relationship(back_populates="course_type")


class Venue(Model):
    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text)  #: full postal address, one line per row
    town: Mapped[str] = mapped_column(String(100))
    postcode: Mapped[str] = mapped_column(String(10), default="")
    accessibility_notes: Mapped[str] = mapped_column(Text, default="")
    parking_notes: Mapped[str] = mapped_column(Text, default="")
    is_archived: Mapped[bool] = mapped_column(default=False)

    courses: Mapped[list[Course]] = relationship(back_populates="venue")
    rooms: Mapped[list[Room]] = relationship(back_populates="venue", order_by="Room.name")

    @property
    def one_line_address(self) -> str:
        parts = [line.strip() for line in self.address.splitlines() if line.strip()]
        if self.postcode and self.postcode not in parts:
            parts.append(self.postcode)
        return ", ".join([self.name, *parts])


class Room(Model):
    """A room at a venue. A course's places may not be more than its room holds, unless a
    coordinator gives a reason (booking/services/rooms.py)."""

    __tablename__ = "rooms"
    __table_args__ = (
        UniqueConstraint("venue_id", "name", name="uq_rooms_venue_name"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: How many people the room holds for training.
    capacity: Mapped[int] = mapped_column(Integer)
    #: Archived rooms are not offered for new courses; courses already there keep them.
    is_archived: Mapped[bool] = mapped_column(default=False)

    venue: Mapped[Venue] = relationship(back_populates="rooms")


class Course(Model):
    """One cohort of a course type: two days, a venue, and a number of places."""

    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint("total_places >= 0", name="total_places_not_negative"),
        CheckConstraint(
            "partner_places >= 0 AND partner_places <= total_places",
            name="partner_places_within_total",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_type_id: Mapped[int] = mapped_column(ForeignKey("course_types.id"), index=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"), index=True)
    #: The room at the venue, if chosen (courses set up before rooms existed have none).
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"), index=True)
    status: Mapped[CourseStatus] = mapped_column(
        enum_column(CourseStatus, 20),
        default=CourseStatus.DRAFT,
        index=True,
    )
    total_places: Mapped[int] = mapped_column(Integer)
    #: Places kept for partner agencies until the release date.
    partner_places: Mapped[int] = mapped_column(Integer, default=0)
    #: From this date (Europe/London) unfilled places are open to everyone.
    release_on: Mapped[date] = mapped_column(Date)
    #: Set when a coordinator opens all places before the release date.
    released_early_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: After this moment only coordinators can add people.
    booking_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    trainers: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")  #: shown to everyone on the course page
    cancelled_reason: Mapped[str] = mapped_column(Text, default="")
    #: Goes up by one whenever dates, times or venue change (calendar invites use it).
    schedule_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    course_type: Mapped[CourseType] = relationship(back_populates="courses")
    venue: Mapped[Venue] = relationship(back_populates="courses")
    room: Mapped[Room | None] = relationship()
    days: Mapped[list[CourseDay]] = relationship(
        back_populates="course", order_by="CourseDay.day_number", cascade="all, delete-orphan"
    )
    #: Trainers' accounts assigned to the course: they can take its registers.
    trainer_accounts = relationship("User", secondary="course_trainers", order_by="User.full_name")

    @property
    def first_day(self) -> CourseDay:
        return self.days[0]

    @property
    def last_day(self) -> CourseDay:
        return self.days[-1]

    # The rules below are facts about one course at a moment. Each is written once and works
    # both ways: `course.is_open_for_booking(now)` answers for a loaded course, and
    # `Course.is_open_for_booking(now)` is the same condition for a query's WHERE.

    @hybrid_method
    def is_past_cut_off(self, now: datetime) -> bool:
        """The rule "booking cut-off": from `booking_closes_at` only coordinators add people."""
        return now >= self.booking_closes_at

    @is_past_cut_off.inplace.expression  # type: ignore[attr-defined]  # hybrid_method.inplace is typed as the method
    @classmethod
    def _is_past_cut_off_expression(cls, now: datetime):
        return cls.booking_closes_at <= now

    @hybrid_method
    def is_open_for_booking(self, now: datetime) -> bool:
        """Taking requests from the public: published and not past the booking cut-off.

        The same moment ends what people can change themselves (cancel, move) online.
        """
        return self.status == CourseStatus.PUBLISHED and not self.is_past_cut_off(now)

    @is_open_for_booking.inplace.expression  # type: ignore[attr-defined]  # hybrid_method.inplace is typed as the method
    @classmethod
    def _is_open_for_booking_expression(cls, now: datetime):
        return and_(cls.status == CourseStatus.PUBLISHED, ~cls.is_past_cut_off(now))

    @hybrid_method
    def is_released(self, now: datetime) -> bool:
        """The rule "release date": unfilled places are open to both groups from the start
        of `release_on` (London time), or from when a coordinator released them early."""
        return self.released_early_at is not None or self.release_on <= london_date(now)

    @is_released.inplace.expression  # type: ignore[attr-defined]  # hybrid_method.inplace is typed as the method
    @classmethod
    def _is_released_expression(cls, now: datetime):
        return or_(cls.released_early_at.is_not(None), cls.release_on <= london_date(now))

    @hybrid_method
    def is_over(self, now: datetime) -> bool:
        """Finished: the course has days and every one is before today (London time). From
        midnight after the last day a published course cannot be changed or cancelled."""
        today = london_date(now)
        return bool(self.days) and all(day.date < today for day in self.days)

    @is_over.inplace.expression  # type: ignore[attr-defined]  # hybrid_method.inplace is typed as the method
    @classmethod
    def _is_over_expression(cls, now: datetime):
        day, later_day = aliased(CourseDay), aliased(CourseDay)
        return and_(
            exists().where(day.course_id == cls.id),
            ~exists().where(later_day.course_id == cls.id, later_day.date >= london_date(now)),
        )


class CourseDay(Model):
    """One day of a course, in Europe/London wall-clock time."""

    __tablename__ = "course_days"
    __table_args__ = (
        UniqueConstraint("course_id", "day_number", name="uq_course_days_course_day"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    day_number: Mapped[int] = mapped_column(Integer)  #: 1 or 2
    date: Mapped[date] = mapped_column(Date, index=True)
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)

    course: Mapped[Course] = relationship(back_populates="days")

    @property
    def starts_in_london(self) -> datetime:
        """When the day starts, as an aware Europe/London datetime."""
        return datetime.combine(self.date, self.starts_at, tzinfo=LONDON)

    @property
    def ends_in_london(self) -> datetime:
        """When the day ends, as an aware Europe/London datetime."""
        return datetime.combine(self.date, self.ends_at, tzinfo=LONDON)


class CourseTrainer(Model):
    """A trainer's account assigned to a course."""

    __tablename__ = "course_trainers"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


def with_details(stmt):
    """`stmt`, a select of courses, loading each one's days, venue and course type up front
    (three queries in all), so a list of courses costs no query per course."""
    return stmt.options(
        selectinload(Course.days), selectinload(Course.venue), selectinload(Course.course_type)
    )

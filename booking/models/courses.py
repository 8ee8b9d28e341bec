"""Course types, venues, courses (cohorts) and their course days (1 to 5)."""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    and_,
    exists,
    or_,
    text,
    true,
)
from sqlalchemy import false as sql_false
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship, selectinload

from ..extensions import Model
from ..time_limits import CUTOFF_WORKING_DAYS_BEFORE, RELEASE_BEFORE
from ..timezone import LONDON, london_date
from .base import UTCDateTime, enum_column, utcnow


class CourseStatus(enum.StrEnum):
    """What a coordinator decided. Whether a course is over is worked out from its dates
    (`Course.is_over`), never stored."""

    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


#: "To book a course of this type, you must have completed that type first."
course_type_prerequisites = Table(
    "course_type_prerequisites",
    Model.metadata,
    Column(
        "course_type_id",
        ForeignKey("course_types.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "required_type_id",
        ForeignKey("course_types.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class CourseType(Model):
    """A kind of course (the introductory course, an advanced course, a one-day session):
    what it is, for whom, and the defaults a new course of this type starts from. The server
    defaults are the introductory course's, which was the only type before there were many."""

    __tablename__ = "course_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: Short name used in URLs, e.g. "introductory".
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    #: One or two sentences shown on the calendar under each course of this type.
    summary: Mapped[str] = mapped_column(String(300), default="", server_default="")
    #: What to bring, shown on course pages and in reminders.
    what_to_bring: Mapped[str] = mapped_column(Text, default="")
    #: Council staff need their line manager's approval before a place is held.
    manager_approval_required: Mapped[bool] = mapped_column(
        default=False, server_default=sql_false()
    )
    #: How many days each course of this type has (1 to 5; services/course_types.py checks).
    days_count: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    default_starts_at: Mapped[time] = mapped_column(
        Time, default=time(9, 30), server_default=text("'09:30:00'")
    )
    default_ends_at: Mapped[time] = mapped_column(
        Time, default=time(16, 30), server_default=text("'16:30:00'")
    )
    default_total_places: Mapped[int] = mapped_column(Integer, default=20, server_default="20")
    default_partner_places: Mapped[int] = mapped_column(Integer, default=4, server_default="4")
    #: False: only council staff may book or wait; a course of this type keeps no partner places.
    partners_may_book: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    #: Unfilled places open to everyone this many days before day 1, unless a course says.
    release_days_before: Mapped[int] = mapped_column(
        Integer,
        default=RELEASE_BEFORE.days,
        server_default=str(RELEASE_BEFORE.days),
    )
    #: Booking closes this many working days before day 1, unless a course says.
    cutoff_working_days_before: Mapped[int] = mapped_column(
        Integer,
        default=CUTOFF_WORKING_DAYS_BEFORE,
        server_default=str(CUTOFF_WORKING_DAYS_BEFORE),
    )

    courses: Mapped[list[Course]] = relationship(back_populates="course_type")
    #: Types someone must have completed before booking this one.
    prerequisites: Mapped[list[CourseType]] = relationship(
        secondary=course_type_prerequisites,
        primaryjoin=lambda: CourseType.id == course_type_prerequisites.c.course_type_id,
        secondaryjoin=lambda: CourseType.id == course_type_prerequisites.c.required_type_id,
        order_by=lambda: CourseType.name,
    )


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


#: How the note for coordinators starts the line that holds the old free-text trainers.
TRAINERS_NOTE_PREFIX = "Note about trainers: "


def trainers_in_note(note: str | None) -> str:
    """The trainers' names on the `TRAINERS_NOTE_PREFIX` line of a coordinators' note; ""."""
    for line in (note or "").splitlines():
        if line.startswith(TRAINERS_NOTE_PREFIX):
            return line.removeprefix(TRAINERS_NOTE_PREFIX).strip()
    return ""


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
    """One cohort of a course type: its days (1 to 5), a venue, and a number of places."""

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
    #: The most partner places one agency may hold before the release date; None means the
    #: PARTNER_AGENCY_CAP setting (services/allocation.py).
    agency_cap: Mapped[int | None] = mapped_column(Integer)
    #: From this date (Europe/London) unfilled places are open to everyone.
    release_on: Mapped[date] = mapped_column(Date)
    #: Set when a coordinator opens all places before the release date.
    released_early_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: After this moment only coordinators can add people.
    booking_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The free-text trainers from before trainers' accounts. Not read or written any more (its
    #: text was copied into `coordinator_note`), but kept while the previous release may still
    #: be serving during an upgrade; a later release drops it (tests/test_migrations.py).
    legacy_trainers_text: Mapped[str] = mapped_column("trainers", Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")  #: shown to everyone on the course page
    #: Seen only by coordinators. The old free-text trainers became its first line, after
    #: `TRAINERS_NOTE_PREFIX` (migration 0016), when trainers became accounts.
    coordinator_note: Mapped[str] = mapped_column(Text, default="")
    #: People scan the code on the room's screen to check themselves in (services/self_check_in.py).
    self_check_in: Mapped[bool] = mapped_column(default=True)
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
    def trainers(self) -> str:
        """The names of the trainers assigned to the course ("Ali Khan, Jo Bell"), as people
        read them on the course page and the sign-in sheet; "" if none is assigned."""
        return ", ".join(u.full_name or u.email for u in self.trainer_accounts)

    @property
    def trainers_note(self) -> str:
        """The names from the old free-text trainers, kept in the coordinators' note; ""."""
        return trainers_in_note(self.coordinator_note)

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
    #: 1, 2, ... in date order (the course services keep them so, at most 5).
    day_number: Mapped[int] = mapped_column(Integer)
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

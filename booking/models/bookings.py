"""Bookings (a person's place or wait on one course) and the one-time links people follow."""

from __future__ import annotations

import enum
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    and_,
    case,
    exists,
    func,
    text,
    type_coerce,
)
from sqlalchemy.ext.hybrid import hybrid_method, hybrid_property
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship

from ..extensions import Model
from .attendance import Attendance, AttendanceMark, Mark
from .base import UTCDateTime, enum_column, utcnow
from .courses import CourseDay
from .people import Group, Person, TrainingCompletion


class BookingStatus(enum.StrEnum):
    CONFIRMED = "confirmed"  #: holds a place
    OFFERED = "offered"  #: a place is held for them until offer_expires_at
    WAITLISTED = "waitlisted"  #: waiting for a place
    CANCELLED = "cancelled"  #: cancelled by the person, a coordinator, or the course
    DECLINED = "declined"  #: said no to an offer
    EXPIRED = "expired"  #: did not answer an offer in time
    WITHDRAWN = "withdrawn"  #: a wait taken off because they got a place on another date
    MOVED = "moved"  #: moved to another date (see moved_to_id)
    #: Council staff asking for a course type that needs their line manager's approval: no
    #: place is held until the manager says yes (see services/approvals.py).
    AWAITING_APPROVAL = "awaiting_approval"
    NOT_APPROVED = "not_approved"  #: their line manager said no (the reason is in `reason`)
    LAPSED = "lapsed"  #: their line manager did not answer in time


#: Statuses that hold a place on the course.
HOLDING = (BookingStatus.CONFIRMED, BookingStatus.OFFERED)
#: Statuses that are still live (holding or waiting).
ACTIVE = (BookingStatus.CONFIRMED, BookingStatus.OFFERED, BookingStatus.WAITLISTED)

#: Statuses a person or a coordinator may cancel: live ones, and a request waiting for approval.
CANCELLABLE = (*ACTIVE, BookingStatus.AWAITING_APPROVAL)

#: The booking state machine: each status and the statuses it may change to. A booking is
#: created waiting or with a place; services/transitions.py makes every change after that
#: and refuses any move not listed here. The five ended statuses go nowhere.
BOOKING_TRANSITIONS: dict[BookingStatus, frozenset[BookingStatus]] = {
    BookingStatus.WAITLISTED: frozenset(
        {
            BookingStatus.OFFERED,  # a place came free for them (rule 5)
            BookingStatus.CONFIRMED,  # a coordinator gave them a place, or they walked in
            BookingStatus.CANCELLED,  # by them, a coordinator, or the course being cancelled
            BookingStatus.MOVED,  # a coordinator moved them to another date
            BookingStatus.WITHDRAWN,  # they got a place on another date (rule 6)
        }
    ),
    BookingStatus.OFFERED: frozenset(
        {
            BookingStatus.CONFIRMED,  # they said yes, a coordinator promoted them, or a walk-in
            BookingStatus.DECLINED,  # they said no
            BookingStatus.EXPIRED,  # they did not answer in time
            BookingStatus.CANCELLED,
            BookingStatus.MOVED,  # a coordinator moved them to another date
        }
    ),
    BookingStatus.CONFIRMED: frozenset({BookingStatus.CANCELLED, BookingStatus.MOVED}),
    BookingStatus.AWAITING_APPROVAL: frozenset(
        {
            BookingStatus.CONFIRMED,  # approved, and a place was free for them
            BookingStatus.WAITLISTED,  # approved, and no place was free: they wait
            BookingStatus.NOT_APPROVED,  # their line manager said no
            BookingStatus.LAPSED,  # nobody answered in time
            BookingStatus.CANCELLED,  # by them, a coordinator, or the course being cancelled
        }
    ),
    BookingStatus.CANCELLED: frozenset(),
    BookingStatus.DECLINED: frozenset(),
    BookingStatus.EXPIRED: frozenset(),
    BookingStatus.WITHDRAWN: frozenset(),
    BookingStatus.MOVED: frozenset(),
    BookingStatus.NOT_APPROVED: frozenset(),
    BookingStatus.LAPSED: frozenset(),
}


def statuses_that_may_become(to: BookingStatus) -> tuple[BookingStatus, ...]:
    """The statuses a booking may change to `to` from, by `BOOKING_TRANSITIONS`."""
    return tuple(status for status, moves in BOOKING_TRANSITIONS.items() if to in moves)


def has_completed_training(person_id, course_type_id):
    """The rule "already trained" as SQL: a completion of the course type is recorded for
    the person. Takes columns (`Booking.person_has_completed`) or values (one person)."""
    completion = aliased(TrainingCompletion)
    return exists().where(
        completion.person_id == person_id, completion.course_type_id == course_type_id
    )


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
    #: While waiting for the line manager's approval: when the request lapses unanswered.
    approval_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Goes up with every calendar invite sent for this booking (iCalendar SEQUENCE).
    invite_sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    course = relationship("Course")
    person = relationship("Person", back_populates="bookings")
    moved_to = relationship("Booking", remote_side="Booking.id")
    marks = relationship("AttendanceMark", back_populates="booking", cascade="all, delete-orphan")

    # The rules below are facts about one booking. Each is written once and works both ways:
    # `booking.holds_place` answers for a loaded booking, `Booking.holds_place` is the same
    # condition in a query. The Python side of the facts about other rows (the person's other
    # bookings and completions) reads the relationships, so load them up front for many rows.

    @hybrid_property
    def holds_place(self) -> bool:
        """Confirmed or offered: the booking takes one of the course's places."""
        return self.status in HOLDING

    @holds_place.inplace.expression
    @classmethod
    def _holds_place_expression(cls):
        return cls.status.in_(HOLDING)

    @hybrid_property
    def has_place_on_any_date(self) -> bool:
        """The rule "one place per training": the person holds a place on some date of this
        booking's course type. For a booking that is waiting: a place on another date."""
        return any(
            other.holds_place and other.course_type_id == self.course_type_id
            for other in self.person.bookings
        )

    @has_place_on_any_date.inplace.expression
    @classmethod
    def _has_place_on_any_date_expression(cls):
        other = aliased(Booking)
        return exists().where(
            other.person_id == cls.person_id,
            other.course_type_id == cls.course_type_id,
            other.holds_place,
        )

    @hybrid_property
    def person_has_completed(self) -> bool:
        """The person has a recorded completion of this booking's course type."""
        return any(c.course_type_id == self.course_type_id for c in self.person.completions)

    @person_has_completed.inplace.expression
    @classmethod
    def _person_has_completed_expression(cls):
        return has_completed_training(cls.person_id, cls.course_type_id)

    @hybrid_method
    def may_be_offered(self, open_to: Collection[Group], *, released: bool) -> bool:
        """The rule "offers": who may be offered a free place, before the queue order decides
        between them. Waiting; in a group a free place is `open_to`; holding no place on
        another date; and, until places are `released` to everyone, not already trained."""
        return (
            self.status == BookingStatus.WAITLISTED
            and self.person.group in open_to
            and not self.has_place_on_any_date
            and (released or not self.person_has_completed)
        )

    @may_be_offered.inplace.expression  # type: ignore[attr-defined]  # hybrid_method.inplace is typed as the method
    @classmethod
    def _may_be_offered_expression(cls, open_to: Collection[Group], *, released: bool):
        conditions = [
            cls.status == BookingStatus.WAITLISTED,
            cls.person.has(Person.group.in_(list(open_to))),
            ~cls.has_place_on_any_date,
        ]
        if not released:
            conditions.append(~cls.person_has_completed)
        return and_(*conditions)

    @hybrid_method
    def waitlist_key(self, completed: bool | None = None) -> tuple:
        """The rule "waitlist order", as a sort key (lowest is offered first): the
        coordinator's `queue_priority` (set ones first, lowest first), then council staff
        before partners, then people not yet trained before those who are, then when they
        asked, then the booking id so the order is total. `completed` is whether the person
        has done the training, when the caller already knows (it saves a query)."""
        if completed is None:
            completed = self.person_has_completed
        return (
            1 if self.queue_priority is None else 0,
            self.queue_priority or 0,
            0 if self.person.group == Group.STAFF else 1,
            1 if completed else 0,
            self.requested_at,
            self.id,
        )

    @waitlist_key.inplace.expression  # type: ignore[attr-defined]  # hybrid_method.inplace is typed as the method
    @classmethod
    def _waitlist_key_expression(cls, completed: bool | None = None) -> tuple:
        # The same terms in SQL, for ORDER BY or a row comparison; the query joins Person.
        return (
            case((cls.queue_priority.is_(None), 1), else_=0),
            func.coalesce(cls.queue_priority, 0),
            case((Person.group == Group.STAFF, 0), else_=1),
            case((cls.person_has_completed, 1), else_=0),
            cls.requested_at,
            cls.id,
        )

    @hybrid_method
    def offer_ran_out(self, now: datetime) -> bool:
        """An offered place not answered by `offer_expires_at`: it passes to the next person."""
        return (
            self.status == BookingStatus.OFFERED
            and self.offer_expires_at is not None
            and now >= self.offer_expires_at
        )

    @offer_ran_out.inplace.expression  # type: ignore[attr-defined]  # hybrid_method.inplace is typed as the method
    @classmethod
    def _offer_ran_out_expression(cls, now: datetime):
        return and_(cls.status == BookingStatus.OFFERED, cls.offer_expires_at <= now)

    @property
    def day_marks(self) -> list:
        """The register mark (or None) for each day of the course, in day order."""
        by_day = {mark.course_day_id: mark for mark in self.marks}
        return [by_day.get(day.id) for day in self.course.days]

    @hybrid_property
    def attendance(self) -> Attendance:
        """The rule "completion" for this booking: completed, not completed, or not yet known
        while a day has no mark (see `Attendance.from_marks`)."""
        return Attendance.from_marks(self.day_marks)

    @attendance.inplace.expression
    @classmethod
    def _attendance_expression(cls):
        # Aliases throughout, so a query that already reads marks or days (a register, a
        # report) cannot have these subqueries correlated to its own rows by mistake.
        day, mark = aliased(CourseDay), aliased(AttendanceMark)
        unmarked_day = exists().where(
            day.course_id == cls.course_id,
            ~exists()
            .where(mark.booking_id == cls.id, mark.course_day_id == day.id)
            .correlate_except(mark),  # the booking is two levels up
        )
        day_not_counted = exists().where(mark.booking_id == cls.id, ~mark.counts)
        outcome = case(
            (unmarked_day, Attendance.NOT_YET_KNOWN.value),
            (day_not_counted, Attendance.NOT_COMPLETED.value),
            else_=Attendance.COMPLETED.value,
        )
        return type_coerce(outcome, enum_column(Attendance, 20))

    @hybrid_property
    def is_no_show(self) -> bool:
        """The rule "no-show": still holding their place (confirmed) and marked absent on
        day 1. Read from the marks, never stored."""
        marks = self.day_marks
        return (
            self.status == BookingStatus.CONFIRMED
            and bool(marks)
            and marks[0] is not None
            and marks[0].mark == Mark.ABSENT
        )

    @is_no_show.inplace.expression
    @classmethod
    def _is_no_show_expression(cls):
        day, mark = aliased(CourseDay), aliased(AttendanceMark)
        return and_(
            cls.status == BookingStatus.CONFIRMED,
            exists().where(
                mark.booking_id == cls.id,
                mark.mark == Mark.ABSENT,
                mark.course_day_id == day.id,
                day.day_number == 1,
            ),
        )


class LinkPurpose(enum.StrEnum):
    CONFIRM_BOOKING = "confirm_booking"  #: prove the address, then the request is booked
    SIGN_IN = "sign_in"  #: an attendee signs in to "My bookings"
    CANCEL_BY_EMAIL = "cancel_by_email"  #: a cancellation asked for by email
    MANAGER_APPROVAL = "manager_approval"  #: a line manager approves or declines a request


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


__all__ = [
    "ACTIVE",
    "BOOKING_TRANSITIONS",
    "CANCELLABLE",
    "HOLDING",
    "Booking",
    "BookingStatus",
    "EmailLink",
    "Group",
    "LinkPurpose",
    "has_completed_training",
    "statuses_that_may_become",
]

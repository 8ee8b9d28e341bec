"""Who may take a free place on a course: the one home of the allocation rules.

"Places kept for partner agencies": before the release date, council staff may hold at most
T - P places and partner agencies at most P (T total places, P partner places). "Release
date": from then, or once a coordinator releases the course early, every free place is open
to both groups (`Course.is_released`). "Partners may book" (rule 23): a course whose type says partner
agencies may not book keeps no places for them, and they can neither book nor join its
waitlist (`check_group_may_book`); every place is for council staff.

"Agency cap" (rule 26): before the release date, one partner agency may hold at most the course's
`agency_cap` partner places (or the PARTNER_AGENCY_CAP setting when the course sets none), so
one large trust cannot take every partner place. Partners not linked to an agency ("Other")
are not capped. From the release date there is no cap.

Both the booking service (which decides under a lock) and the calendar (which only shows
figures) use these functions, so the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from sqlalchemy import case, func, literal, select

from ..extensions import db
from ..models import Booking, BookingStatus, Course, Group, Person
from .errors import NotAllowed


class NotForPartners(NotAllowed):
    default_message = (
        "This course is for council staff only, so partner agencies cannot book it or join "
        "its waitlist. Please look at the other courses on the calendar."
    )


def partners_may_book(course: Course) -> bool:
    """Whether partner agencies may book this course at all (its type says)."""
    return course.course_type.partners_may_book


def check_group_may_book(course: Course, group: Group) -> None:
    """Refuse (NotForPartners) someone from a partner agency on a staff-only course."""
    if group == Group.PARTNER and not partners_may_book(course):
        raise NotForPartners()


class CapSettings:
    """What the application factory copies from configuration.

    `default_cap` is PARTNER_AGENCY_CAP (None or 0: no cap unless a course sets one).
    `enabled=False` exists only so the control test can show the rush test fails without the
    cap; production never changes it.
    """

    default_cap: int | None = 2
    enabled: bool = True


cap_settings = CapSettings()


def agency_cap_of(course: Course) -> int | None:
    """The most partner places one agency may hold on this course before release, or None."""
    cap = course.agency_cap if course.agency_cap is not None else cap_settings.default_cap
    return cap if cap and cap_settings.enabled else None


class BookingState(StrEnum):
    OPEN = "open"  #: a place is free for at least one group
    FULL = "full"  #: no free place: new requests join the waitlist
    CLOSED = "closed"  #: past the cut-off, cancelled, finished or not published


@dataclass(frozen=True)
class Availability:
    """Places held and free on one course at one moment."""

    total_places: int
    partner_places: int
    released: bool
    staff_held: int
    partner_held: int
    bookable: bool  #: `Course.is_open_for_booking`: published and before the cut-off
    #: Most partner places one agency may hold until release (`agency_cap_of`); None: no cap.
    agency_cap: int | None = None
    #: Partner places held per agency id (partners with no agency are not counted here).
    agency_held: dict[int, int] = field(default_factory=dict)
    partners_may_book: bool = True  #: False: every place is for council staff

    @property
    def held(self) -> int:
        return self.staff_held + self.partner_held

    @property
    def free(self) -> int:
        return max(0, self.total_places - self.held)

    def free_for(self, group: Group, agency_id: int | None = None) -> int:
        """How many places someone in `group` (working for `agency_id`, for a partner)
        could take now."""
        if self.free == 0 or (group == Group.PARTNER and not self.partners_may_book):
            return 0
        if self.released:
            return self.free
        if group == Group.STAFF:
            limit = self.total_places - self.partner_places - self.staff_held
        else:
            limit = self.partner_places - self.partner_held
            if self.agency_cap is not None and agency_id is not None:
                limit = min(limit, self.agency_cap - self.agency_held.get(agency_id, 0))
        return max(0, min(self.free, limit))

    def free_for_person(self, person: Person) -> int:
        """How many places this person could take now (their group and their agency's cap)."""
        return self.free_for(person.group, person.agency_id)

    def at_cap(self) -> list[int]:
        """The agencies whose people may take no partner place now (the cap is reached)."""
        if self.released or self.agency_cap is None:
            return []
        return [aid for aid, held in self.agency_held.items() if held >= self.agency_cap]

    def one_more_held(self, group: Group, agency_id: int | None = None) -> Availability:
        """These figures after one more place is taken by someone in `group`/`agency_id`."""
        if group == Group.STAFF:
            return replace(self, staff_held=self.staff_held + 1)
        agency_held = dict(self.agency_held)
        if agency_id is not None:
            agency_held[agency_id] = agency_held.get(agency_id, 0) + 1
        return replace(self, partner_held=self.partner_held + 1, agency_held=agency_held)

    @property
    def staff_left(self) -> int:
        return self.free_for(Group.STAFF)

    @property
    def partner_left(self) -> int:
        return self.free_for(Group.PARTNER)

    @property
    def state(self) -> BookingState:
        if not self.bookable:
            return BookingState.CLOSED
        if self.staff_left or self.partner_left:
            return BookingState.OPEN
        return BookingState.FULL

    def state_for(self, group: Group | None) -> BookingState:
        """What booking does now for a reader in `group` (None when we do not know their
        group): OPEN only if they would get a place, FULL if they would join the waitlist."""
        if group == Group.PARTNER and not self.partners_may_book:
            return BookingState.CLOSED
        if group is None or self.state != BookingState.OPEN:
            return self.state
        return BookingState.OPEN if self.free_for(group) else BookingState.FULL

    @property
    def full_for(self) -> Group | None:
        """The group with no place left while the other group still has one (else None)."""
        if self.state != BookingState.OPEN or self.released:
            return None
        groups = (Group.STAFF, Group.PARTNER) if self.partners_may_book else (Group.STAFF,)
        for group in groups:
            if not self.free_for(group):
                return group
        return None

    @property
    def over_capacity(self) -> int:
        """Places held beyond the total (coordinators can add walk-ins)."""
        return max(0, self.held - self.total_places)


def held_counts(course_ids: Iterable[int]) -> dict[int, dict[Group, int]]:
    """Places held (confirmed or offered) per course and group, in one query."""
    return _held(course_ids).counts


@dataclass
class _Held:
    #: Places held per course and group.
    counts: dict[int, dict[Group, int]]
    #: Partner places held per course and agency.
    by_agency: dict[int, dict[int, int]]
    #: Offers per course that ran out by `lapsed_at` (still holding a place until ended).
    lapsed: dict[int, int]


def _held(course_ids: Iterable[int], *, lapsed_at: datetime | None = None) -> _Held:
    """Places held per course and group and per agency, and, given `lapsed_at`, offers that
    ran out by then: one query."""
    ids = list(course_ids)
    held = _Held(
        counts={cid: {Group.STAFF: 0, Group.PARTNER: 0} for cid in ids},
        by_agency={cid: {} for cid in ids},
        lapsed=dict.fromkeys(ids, 0),
    )
    if not ids:
        return held
    ran_out = (
        func.count(case((Booking.offer_ran_out(lapsed_at), Booking.id)))
        if lapsed_at is not None
        else literal(0)
    )
    rows = db.session.execute(
        select(Booking.course_id, Person.group, Person.agency_id, func.count(Booking.id), ran_out)
        .join(Person, Person.id == Booking.person_id)
        .where(Booking.course_id.in_(ids), Booking.holds_place)
        .group_by(Booking.course_id, Person.group, Person.agency_id)
    )
    for course_id, group, agency_id, number, lapsed in rows:
        held.counts[course_id][Group(group)] += number
        held.lapsed[course_id] += lapsed
        if Group(group) == Group.PARTNER and agency_id is not None:
            held.by_agency[course_id][agency_id] = number
    return held


def availability(course: Course, now: datetime) -> Availability:
    """Availability of one course (one query)."""
    return availability_for([course], now)[course.id]


def availability_and_lapsed(course: Course, now: datetime) -> tuple[Availability, int]:
    """`availability`, and how many offers on the course ran out by `now` (they still hold
    their places until they are ended): one query, as a booking needs both under the lock."""
    held = _held([course.id], lapsed_at=now)
    return _availability(course, held, now), held.lapsed[course.id]


def availability_for(courses: Iterable[Course], now: datetime) -> dict[int, Availability]:
    """Availability of many courses at once (one query, whatever the number of courses)."""
    courses = list(courses)
    held = _held(c.id for c in courses)
    return {c.id: _availability(c, held, now) for c in courses}


def _availability(c: Course, held: _Held, now: datetime) -> Availability:
    return Availability(
        total_places=c.total_places,
        partner_places=c.partner_places if partners_may_book(c) else 0,
        released=c.is_released(now),
        staff_held=held.counts[c.id][Group.STAFF],
        partner_held=held.counts[c.id][Group.PARTNER],
        bookable=c.is_open_for_booking(now),
        agency_cap=agency_cap_of(c),
        agency_held=held.by_agency[c.id],
        partners_may_book=partners_may_book(c),
    )


def waitlist_counts(course_ids: Iterable[int]) -> dict[int, int]:
    """People waiting per course, in one query."""
    ids = list(course_ids)
    result = dict.fromkeys(ids, 0)
    if ids:
        rows = db.session.execute(
            select(Booking.course_id, func.count(Booking.id))
            .where(Booking.course_id.in_(ids), Booking.status == BookingStatus.WAITLISTED)
            .group_by(Booking.course_id)
        )
        result.update(dict(rows.all()))
    return result

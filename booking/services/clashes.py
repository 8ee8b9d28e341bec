"""Clash warnings: a course that would share a room or a trainer with another course at the
same time.

Two courses clash when a day of one is on the same date as a day of the other and their
times overlap, and either they are in the same room, or a trainer is on both: the same
trainer's account (`Course.trainer_accounts`), or the same name, read from the accounts'
names and the free-text note about trainers ("Helen Armstrong and Gary Nicholson").
Cancelled courses clash with nothing.

A clash is a warning, not a refusal: saving a course that clashes (creating, changing or
copying it to the next date) needs the coordinator's reason, which the audit trail keeps.
The rule lives here, in `find_clashes`, and every way of saving a course calls `check`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Course, CourseDay, CourseStatus, Room, User
from . import audit
from .actors import ActorLike
from .errors import BookingError

ROOM = "room"
TRAINER = "trainer"

#: Words in the note about trainers that name nobody, so two courses sharing them do not clash.
_NOT_NAMES = {"tbc", "tba", "to be confirmed", "to be arranged", "none", "n/a"}
_NAME_BREAKS = re.compile(r",|;|&|/|\+|\n|\band\b", re.IGNORECASE)


class TimeSlot(Protocol):
    """A day of a course, saved or typed: its date and times."""

    @property
    def date(self) -> date: ...
    @property
    def starts_at(self) -> time: ...
    @property
    def ends_at(self) -> time: ...


@dataclass(frozen=True)
class Clash:
    """Another course at the same time: in the same room, or with `trainer` on it too."""

    kind: str  #: ROOM or TRAINER
    course: Course  #: the other course
    days: tuple[CourseDay, ...]  #: the other course's days that overlap
    trainer: str = ""  #: for a trainer clash, the trainer's name as the other course has it

    def describe(self) -> dict:
        """For the audit trail: what clashed, without names of people."""
        return {
            "kind": self.kind,
            "course_id": self.course.id,
            "dates": [day.date.isoformat() for day in self.days],
        }


class ClashWarning(BookingError):
    """The course clashes with others; saving it needs a reason. `clashes` says with what."""

    def __init__(self, clashes: Sequence[Clash]):
        super().__init__(
            "This course clashes with another course. Change it, or say why it should be "
            "saved anyway."
        )
        self.clashes = list(clashes)


def trainer_names(trainers_note: str, accounts: Iterable[User] = ()) -> dict[str, str]:
    """Each trainer's name in a comparable form (lower case, single spaces) mapped to the
    name as written, from the accounts and the free-text note."""
    written = [a.full_name or a.email for a in accounts]
    written += [part.strip() for part in _NAME_BREAKS.split(trainers_note or "")]
    names: dict[str, str] = {}
    for name in written:
        key = " ".join(name.lower().split())
        if key and key not in _NOT_NAMES:
            names.setdefault(key, " ".join(name.split()))
    return names


def _overlaps(slot: TimeSlot, day: CourseDay) -> bool:
    return slot.date == day.date and slot.starts_at < day.ends_at and day.starts_at < slot.ends_at


def _shared_trainer(account_ids: set[int], names: dict[str, str], other: Course) -> str | None:
    """The name of a trainer on both courses, if any."""
    for account in other.trainer_accounts:
        if account.id in account_ids:
            return account.full_name or account.email
    other_names = trainer_names(other.trainers_note, other.trainer_accounts)
    shared = sorted(set(names) & set(other_names))
    return other_names[shared[0]] if shared else None


def find_clashes(
    days: Sequence[TimeSlot],
    *,
    room: Room | None,
    trainer_accounts: Iterable[User] = (),
    trainers_note: str = "",
    course_id: int | None = None,
) -> list[Clash]:
    """Courses (other than `course_id`, and not cancelled) with a day overlapping one of
    `days` that are in the same room or share a trainer: a room clash and a trainer clash
    with the same course are both listed."""
    if not days:
        return []
    accounts = list(trainer_accounts)
    account_ids = {a.id for a in accounts}
    names = trainer_names(trainers_note, accounts)
    stmt = (
        select(CourseDay)
        .join(CourseDay.course)
        .where(
            CourseDay.date.in_({d.date for d in days}),
            Course.status != CourseStatus.CANCELLED,
        )
        .options(
            joinedload(CourseDay.course).selectinload(Course.trainer_accounts),
            joinedload(CourseDay.course).joinedload(Course.room),
        )
        .order_by(CourseDay.date, CourseDay.starts_at, CourseDay.course_id)
    )
    if course_id is not None:
        stmt = stmt.where(Course.id != course_id)
    found: dict[tuple[str, int, str], list[CourseDay]] = {}
    courses: dict[int, Course] = {}
    for day in db.session.scalars(stmt).unique():
        if not any(_overlaps(slot, day) for slot in days):
            continue
        other = courses.setdefault(day.course_id, day.course)
        if room is not None and other.room_id == room.id:
            found.setdefault((ROOM, other.id, ""), []).append(day)
        if (shared := _shared_trainer(account_ids, names, other)) is not None:
            found.setdefault((TRAINER, other.id, shared), []).append(day)
    return [
        Clash(kind, courses[course_id], tuple(overlapping), trainer=trainer)
        for (kind, course_id, trainer), overlapping in found.items()
    ]


def clashes_for_course(course: Course) -> list[Clash]:
    """What a saved course clashes with now (for its page); none once it is cancelled."""
    if course.status == CourseStatus.CANCELLED:
        return []
    return find_clashes(
        course.days,
        room=course.room,
        trainer_accounts=course.trainer_accounts,
        trainers_note=course.trainers_note,
        course_id=course.id,
    )


def check(
    days: Sequence[TimeSlot],
    *,
    room: Room | None,
    trainer_accounts: Iterable[User] | None,
    trainers_note: str,
    course: Course | None,
    reason: str,
) -> list[Clash]:
    """The clashes a course about to be saved would have. Raise ClashWarning if there are
    any and no reason was given; otherwise return them (for `record`). `trainer_accounts`
    None means the course's own (unchanged)."""
    if trainer_accounts is None:
        trainer_accounts = course.trainer_accounts if course is not None else []
    found = find_clashes(
        days,
        room=room,
        trainer_accounts=[u for u in trainer_accounts if u.is_trainer],
        trainers_note=trainers_note,
        course_id=course.id if course is not None else None,
    )
    if found and not reason.strip():
        raise ClashWarning(found)
    return found


def record(
    course: Course, clashes: Sequence[Clash], *, reason: str, actor: ActorLike, now: datetime
) -> None:
    """Keep the reason a course was saved despite its clashes in the audit trail."""
    if clashes:
        audit.record(
            "course.saved_despite_clash",
            course,
            actor=actor,
            now=now,
            reason=reason.strip(),
            clashes=[c.describe() for c in clashes],
        )

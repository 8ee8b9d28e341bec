"""Two coordinators marking the same register at once lose neither's marks.

Each runs in its own thread with its own application context, session and database
connection. For the same person on the same day the last save wins, and the history keeps
both saves in order.
"""

from sqlalchemy import select

from booking.extensions import db as _db
from booking.models import AttendanceChange, AttendanceMark, Booking, CourseDay, Mark, User
from booking.services import registers

from ..support.parallel import run_at_once
from .conftest import DAY_1_MORNING


def test_two_coordinators_marking_at_once_lose_no_marks(app, db, make, course, day1):
    first_coordinator = make.coordinator().id
    second_coordinator = make.coordinator().id
    first_half = [make.booking(course).id for _ in range(3)]
    second_half = [make.booking(course).id for _ in range(3)]
    shared = make.booking(course).id
    day_id = day1.id
    db.session.commit()  # no read transaction left open: it would pin an old snapshot on SQLite

    def take_register(user_id, booking_ids, mark):
        def call():
            user = _db.session.get(User, user_id)
            day = _db.session.get(CourseDay, day_id)
            for booking_id in [shared, *booking_ids]:  # the same person first, at once
                booking = _db.session.get(Booking, booking_id)
                registers.mark(booking, day, mark, actor=user, now=DAY_1_MORNING)

        return call

    outcome = run_at_once(
        app,
        [
            take_register(first_coordinator, first_half, Mark.PRESENT),
            take_register(second_coordinator, second_half, Mark.LATE),
        ],
    )
    assert outcome.errors == []

    db.session.expire_all()
    marks = {m.booking_id: m for m in db.session.scalars(select(AttendanceMark))}
    assert {b: marks[b].mark for b in first_half} == dict.fromkeys(first_half, Mark.PRESENT)
    assert {b: marks[b].mark for b in second_half} == dict.fromkeys(second_half, Mark.LATE)

    history = db.session.scalars(
        select(AttendanceChange)
        .where(AttendanceChange.booking_id == shared)
        .order_by(AttendanceChange.id)
    ).all()
    assert [h.old_mark for h in history] == ["", history[0].new_mark]
    assert {h.new_mark for h in history} == {"present", "late"}
    assert marks[shared].mark.value == history[-1].new_mark  # the last save wins
    assert marks[shared].marked_by_id == history[-1].changed_by_id

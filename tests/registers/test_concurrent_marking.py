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


def test_twenty_check_ins_and_marks_at_once_for_one_day_lose_nothing(app, db, make, course, day1):
    from booking.services import check_in

    course.total_places = 20
    door = [make.coordinator().id for _ in range(4)]  # several phones at the door
    checking_in = [make.booking(course) for _ in range(10)]
    codes = {
        b.id: dict((d.day_number, c) for d, c in check_in.codes_for(b))[1] for b in checking_in
    }
    marked = [make.booking(course).id for _ in range(10)]
    day_id = day1.id
    db.session.commit()

    def by_code(user_id, code):
        def call():
            user = _db.session.get(User, user_id)
            return check_in.check_in(
                _db.session.get(CourseDay, day_id), code, actor=user, now=DAY_1_MORNING
            ).person_name

        return call

    def by_hand(user_id, booking_id):
        def call():
            registers.mark(
                _db.session.get(Booking, booking_id),
                _db.session.get(CourseDay, day_id),
                Mark.LATE,
                actor=_db.session.get(User, user_id),
                now=DAY_1_MORNING,
            )

        return call

    calls = [by_code(door[i % 4], code) for i, code in enumerate(codes.values())]
    calls += [by_hand(door[i % 4], booking_id) for i, booking_id in enumerate(marked)]
    outcome = run_at_once(app, calls)
    assert outcome.errors == []

    db.session.expire_all()
    marks = {m.booking_id: m.mark for m in db.session.scalars(select(AttendanceMark))}
    assert marks == {**dict.fromkeys(codes, Mark.PRESENT), **dict.fromkeys(marked, Mark.LATE)}
    history = db.session.scalars(select(AttendanceChange)).all()
    assert sorted(h.booking_id for h in history) == sorted([*codes, *marked])

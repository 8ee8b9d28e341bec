"""Marking the register: one mark per request, saved once, with a history of every change."""

import pytest
from sqlalchemy import select

from booking.models import AttendanceChange, AttendanceMark, AuditEvent, BookingStatus, Mark
from booking.services import registers
from booking.services.errors import NotAllowed, ValidationError

from .conftest import DAY_1_MORNING, WEEK_AFTER


def changes(db, booking):
    return db.session.scalars(
        select(AttendanceChange)
        .where(AttendanceChange.booking_id == booking.id)
        .order_by(AttendanceChange.id)
    ).all()


def test_a_mark_is_saved_with_who_marked_it_and_when(db, make, course, day1, coordinator):
    booking = make.booking(course)
    saved = registers.mark(booking, day1, Mark.PRESENT, actor=coordinator, now=DAY_1_MORNING)
    assert saved.mark == Mark.PRESENT
    assert saved.marked_by_id == coordinator.id
    assert saved.marked_at == DAY_1_MORNING
    [change] = changes(db, booking)
    assert (change.old_mark, change.new_mark) == ("", "present")
    assert (
        db.session.scalar(select(AuditEvent.action).where(AuditEvent.object_id == booking.id))
        == "attendance.marked"
    )


def test_saving_the_same_mark_twice_changes_nothing(db, make, course, day1, coordinator):
    booking = make.booking(course)
    registers.mark(booking, day1, Mark.LATE, actor=coordinator, now=DAY_1_MORNING)
    registers.mark(booking, day1, Mark.LATE, actor=coordinator, now=DAY_1_MORNING)
    assert len(changes(db, booking)) == 1
    assert db.session.scalar(select(AttendanceMark.mark)) == Mark.LATE


def test_changing_a_mark_on_the_day_needs_no_reason_but_keeps_history(
    db, make, course, day1, coordinator
):
    booking = make.booking(course)
    registers.mark(booking, day1, Mark.ABSENT, actor=coordinator, now=DAY_1_MORNING)
    registers.mark(booking, day1, Mark.LATE, actor=coordinator, now=DAY_1_MORNING)
    assert [(c.old_mark, c.new_mark) for c in changes(db, booking)] == [
        ("", "absent"),
        ("absent", "late"),
    ]


def test_a_correction_after_the_day_needs_a_reason(db, make, course, day1, coordinator):
    booking = make.booking(course)
    registers.mark(booking, day1, Mark.ABSENT, actor=coordinator, now=DAY_1_MORNING)
    with pytest.raises(ValidationError, match="Say why"):
        registers.mark(booking, day1, Mark.PRESENT, actor=coordinator, now=WEEK_AFTER)
    registers.mark(
        booking,
        day1,
        Mark.PRESENT,
        actor=coordinator,
        now=WEEK_AFTER,
        reason="They signed the paper sheet",
    )
    last = changes(db, booking)[-1]
    assert (last.old_mark, last.new_mark, last.reason) == (
        "absent",
        "present",
        "They signed the paper sheet",
    )
    assert last.changed_at == WEEK_AFTER
    assert (
        db.session.scalar(
            select(AuditEvent.reason).where(AuditEvent.action == "attendance.corrected")
        )
        == "They signed the paper sheet"
    )


def test_a_first_mark_entered_after_the_day_is_not_a_correction(
    db, make, course, day1, coordinator
):
    booking = make.booking(course)
    registers.mark(booking, day1, Mark.PRESENT, actor=coordinator, now=WEEK_AFTER)
    assert changes(db, booking)[0].reason == ""


def test_left_early_can_count_or_not_and_each_is_a_different_mark(
    db, make, course, day1, coordinator
):
    booking = make.booking(course)
    registers.mark(booking, day1, Mark.LEFT_EARLY, actor=coordinator, now=DAY_1_MORNING)
    registers.mark(
        booking,
        day1,
        Mark.LEFT_EARLY,
        actor=coordinator,
        now=DAY_1_MORNING,
        counts_as_attended=False,
    )
    assert [c.new_mark for c in changes(db, booking)] == ["left_early", "left_early_uncounted"]
    assert registers.describe_history_value("left_early_uncounted") == (
        "Left early (the day does not count)"
    )


def test_the_register_cannot_be_taken_before_the_day(make, course, day1, coordinator, clock):
    booking = make.booking(course)
    with pytest.raises(NotAllowed, match="on the day"):
        registers.mark(booking, day1, Mark.PRESENT, actor=coordinator, now=clock.now)


def test_someone_who_cancelled_cannot_be_marked(make, course, day1, coordinator):
    booking = make.booking(course, status=BookingStatus.CANCELLED)
    with pytest.raises(NotAllowed, match="does not have a place"):
        registers.mark(booking, day1, Mark.PRESENT, actor=coordinator, now=DAY_1_MORNING)


def test_a_day_of_another_course_is_refused(make, course, day1, coordinator):
    other = make.course()
    booking = make.booking(other)
    with pytest.raises(NotAllowed, match="not on this course"):
        registers.mark(booking, day1, Mark.PRESENT, actor=coordinator, now=DAY_1_MORNING)


def test_the_register_lists_people_holding_a_place_by_name(make, course, day1, coordinator):
    zoe = make.booking(course, make.person(full_name="Zoe Adams"))
    amy = make.booking(course, make.person(full_name="Amy Brown"), support_needs="Hearing loop")
    make.booking(course, make.person(full_name="Will Waiting"), status=BookingStatus.WAITLISTED)
    make.booking(course, make.person(full_name="Carl Cancelled"), status=BookingStatus.CANCELLED)
    registers.mark(zoe, day1, Mark.PRESENT, actor=coordinator, now=DAY_1_MORNING)
    lines = registers.register_for(day1)
    assert [line.person.full_name for line in lines] == ["Amy Brown", "Zoe Adams"]
    assert [line.has_support_needs for line in lines] == [True, False]
    assert lines[0].mark is None and lines[1].mark.mark == Mark.PRESENT
    assert lines[0].booking.id == amy.id


def test_viewing_support_needs_is_recorded_without_the_needs_themselves(
    db, make, course, coordinator
):
    booking = make.booking(course, support_needs="Needs a hearing loop")
    text = registers.view_support_needs(booking, actor=coordinator, now=DAY_1_MORNING)
    assert text == "Needs a hearing loop"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "support_needs.viewed"))
    assert event.user_id == coordinator.id and event.object_id == booking.id
    assert "hearing" not in str(event.details) + event.reason


def test_history_for_a_day_is_newest_first_with_who_changed_it(make, course, day1, coordinator):
    booking = make.booking(course, make.person(full_name="Amy Brown"))
    registers.mark(booking, day1, Mark.ABSENT, actor=coordinator, now=DAY_1_MORNING)
    registers.mark(booking, day1, Mark.PRESENT, actor=coordinator, now=WEEK_AFTER, reason="Came")
    history = registers.history_for_day(day1)
    assert [(h.old_words, h.new_words) for h in history] == [
        ("Absent", "Present"),
        ("Not marked", "Absent"),
    ]
    assert history[0].changed_by.id == coordinator.id
    assert history[0].person.full_name == "Amy Brown"

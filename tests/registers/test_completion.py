"""Completing the training: both days count; missing a day means not completed (and they are told)."""

from sqlalchemy import func, select

from booking.models import CompletionSource, Mark, OutboxMessage, TrainingCompletion
from booking.services import records, registers, reminders

from .conftest import DAY_1_MORNING, DAY_2_MORNING, WEEK_AFTER


def completions(db):
    return db.session.scalars(select(TrainingCompletion)).all()


def outbox(db, kind="course_not_completed"):
    """What the after-course pass (run by every `flask outbox send`) has queued by a week later."""
    reminders.queue_due_reminders(now=WEEK_AFTER)
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)).all()


def mark_both(booking, day1, day2, first, second, actor, **options):
    registers.mark(booking, day1, first, actor=actor, now=DAY_1_MORNING)
    return registers.mark(booking, day2, second, actor=actor, now=DAY_2_MORNING, **options)


def test_present_or_late_on_both_days_completes_the_training_on_day_two(
    db, make, course, day1, day2, coordinator
):
    booking = make.booking(course)
    mark_both(booking, day1, day2, Mark.LATE, Mark.PRESENT, coordinator)
    [completion] = completions(db)
    assert completion.source == CompletionSource.COURSE
    assert completion.booking_id == booking.id
    assert completion.completed_on == day2.date
    assert outbox(db) == []


def test_nothing_is_decided_until_both_days_are_marked(db, make, course, day1, coordinator):
    booking = make.booking(course)
    registers.mark(booking, day1, Mark.ABSENT, actor=coordinator, now=DAY_1_MORNING)
    assert completions(db) == [] and outbox(db) == []


def test_left_early_counts_only_when_the_coordinator_says_so(
    db, make, course, day1, day2, coordinator
):
    counted = make.booking(course)
    not_counted = make.booking(course)
    mark_both(counted, day1, day2, Mark.PRESENT, Mark.LEFT_EARLY, coordinator)
    mark_both(
        not_counted,
        day1,
        day2,
        Mark.PRESENT,
        Mark.LEFT_EARLY,
        coordinator,
        counts_as_attended=False,
    )
    assert [c.booking_id for c in completions(db)] == [counted.id]


def test_missing_a_day_is_not_completed_and_the_person_is_told_with_next_dates(
    db, make, course, day1, day2, coordinator
):
    from datetime import date

    later = make.course(date(2026, 4, 13))
    make.course(date(2026, 5, 11), status="draft")
    booking = make.booking(course, make.person(email="amy@cumberland.gov.uk", full_name="Amy"))
    mark_both(booking, day1, day2, Mark.PRESENT, Mark.ABSENT, coordinator)
    assert completions(db) == []
    [message] = outbox(db)
    assert message.to_address == "amy@cumberland.gov.uk"
    assert message.booking_id == booking.id
    assert "not yet recorded as completed" in message.text_body
    assert f"{later.first_day.date:%A} 13 April 2026" in message.text_body
    assert "11 May" not in message.text_body  # drafts are not offered
    assert "Amy" not in message.subject


def test_a_correction_that_makes_a_day_count_completes_the_training(
    db, make, course, day1, day2, coordinator
):
    booking = make.booking(course)
    mark_both(booking, day1, day2, Mark.PRESENT, Mark.ABSENT, coordinator)
    registers.mark(
        booking, day2, Mark.PRESENT, actor=coordinator, now=WEEK_AFTER, reason="Signed the sheet"
    )
    [completion] = completions(db)
    assert completion.completed_on == day2.date


def test_a_correction_that_removes_a_day_undoes_the_completion_and_tells_them_once(
    db, make, course, day1, day2, coordinator
):
    booking = make.booking(course)
    mark_both(booking, day1, day2, Mark.PRESENT, Mark.PRESENT, coordinator)
    assert len(completions(db)) == 1
    registers.mark(booking, day2, Mark.ABSENT, actor=coordinator, now=WEEK_AFTER, reason="Error")
    assert completions(db) == []
    registers.mark(booking, day2, Mark.PRESENT, actor=coordinator, now=WEEK_AFTER, reason="No")
    registers.mark(booking, day2, Mark.ABSENT, actor=coordinator, now=WEEK_AFTER, reason="Yes")
    assert len(outbox(db)) == 1


def test_someone_trained_elsewhere_is_not_told_they_missed_out(
    db, make, course, day1, day2, coordinator
):
    from datetime import date

    person = make.person()
    records.record_completion_elsewhere(
        person,
        course.course_type,
        date(2020, 5, 1),
        actor=coordinator,
        now=DAY_1_MORNING,
        reason="Trained in Lancashire",
    )
    booking = make.booking(course, person)
    mark_both(booking, day1, day2, Mark.ABSENT, Mark.ABSENT, coordinator)
    [completion] = completions(db)
    assert completion.source == CompletionSource.ELSEWHERE
    assert outbox(db) == []


def test_absent_on_day_one_while_keeping_the_place_is_a_no_show(
    db, make, course, day1, day2, coordinator
):
    no_show = make.booking(course)
    came = make.booking(course)
    registers.mark(no_show, day1, Mark.ABSENT, actor=coordinator, now=DAY_1_MORNING)
    registers.mark(came, day1, Mark.PRESENT, actor=coordinator, now=DAY_1_MORNING)
    record = records.person_record(no_show.person)
    assert record.lines[0].is_no_show
    assert "no-show" in record.lines[0].outcome_words
    assert not records.person_record(came.person).lines[0].is_no_show
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0

"""A week before day 1 each trainer on the course is emailed the numbers and a link to the
register, once, and never anyone's support needs."""

from __future__ import annotations

from datetime import UTC, datetime

from booking.extensions import db
from booking.models import BookingStatus, Group, Role
from booking.services.reminders import queue_due_reminders

from .helpers import rows

# The default course: Monday 2 and Tuesday 3 March 2026, 9:30am (GMT).
WEEK_BEFORE = datetime(2026, 2, 23, 9, 30, tzinfo=UTC)


def _course_with_a_trainer(make):
    course = make.course(total_places=20)
    trainer = make.coordinator(role=Role.TRAINER, full_name="Tess Trainer")
    course.trainer_accounts.append(trainer)
    db.session.commit()
    return course, trainer


def _briefings():
    return [row for row in rows() if row.kind == "trainer_briefing"]


def test_each_trainer_gets_the_numbers_a_week_before_once(make):
    course, trainer = _course_with_a_trainer(make)
    make.booking(course, make.person(Group.STAFF))
    make.booking(course, make.person(Group.PARTNER, organisation="NHS"))
    make.booking(course, make.person(Group.PARTNER, organisation="NHS"))
    make.booking(course, make.person(Group.PARTNER, organisation="Cumbria Police"))
    make.booking(course, status=BookingStatus.WAITLISTED)
    make.booking(
        course, make.person(Group.PARTNER, organisation="Gone"), status=BookingStatus.CANCELLED
    )

    summary = queue_due_reminders(now=WEEK_BEFORE)
    assert summary.briefings == 1
    assert queue_due_reminders(now=WEEK_BEFORE).briefings == 0  # once only
    [message] = _briefings()
    assert message.to_address == trainer.email
    assert message.subject == "Your course on Monday 2 March 2026: who is coming"
    text = message.text_body
    assert "Places taken: 4 of 20" in text
    assert "Waiting for a place: 1" in text
    assert "- NHS: 2\n- Cumbria Police: 1" in text
    assert "Gone" not in text
    assert f"/coordinator/registers/days/{course.days[0].id}" in text


def test_the_briefing_never_carries_support_needs(make):
    course, _ = _course_with_a_trainer(make)
    make.booking(course, support_needs="Needs a hearing loop")
    queue_due_reminders(now=WEEK_BEFORE)
    [message] = _briefings()
    assert "1 person has told us about support they need" in message.text_body
    for part in (message.subject, message.text_body, message.html_body):
        assert "hearing loop" not in part


def test_no_briefing_before_the_week_or_without_trainers(make):
    course, _ = _course_with_a_trainer(make)
    make.course(total_places=10)  # a course with no trainer accounts
    assert queue_due_reminders(now=datetime(2026, 2, 23, 9, 29, tzinfo=UTC)).briefings == 0
    assert queue_due_reminders(now=WEEK_BEFORE).briefings == 1

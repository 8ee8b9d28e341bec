"""Small helpers shared by the email tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from booking.extensions import db
from booking.mail.outbound import sending
from booking.models import OutboxMessage, OutboxStatus
from booking.services.courses import DayDetails, ScheduleChange

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
#: A course either side of the spring clock change: Friday 27 and Monday 30 March 2026.
DAY_BEFORE_CLOCKS_CHANGE = date(2026, 3, 27)
DAY_AFTER_CLOCKS_CHANGE = date(2026, 3, 30)


def committed(fn, *args, **kwargs):
    """Call an email entry point the way a service does, then commit its transaction."""
    result = fn(*args, **kwargs)
    db.session.commit()
    return result


def send_all(now=NOW, limit=100):
    """Run the sender once for the current app (the same path `flask outbox send` takes)."""
    summary = sending.send_due_now(now=now, limit=limit, worker_id="test-worker")
    db.session.expire_all()
    return summary


def days_of(course) -> list[DayDetails]:
    return [DayDetails(d.date, d.starts_at, d.ends_at) for d in course.days]


def change_to(course, *, old_days=None, old_venue: str | None = None) -> ScheduleChange:
    """A change to `course` as services/courses.py describes it: from the old days and venue
    given (unchanged if not given) to what the course has now."""
    venue = course.venue.one_line_address
    return ScheduleChange(old_days or days_of(course), days_of(course), old_venue or venue, venue)


def rows(**filters) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.query(OutboxMessage).filter_by(**filters).order_by(OutboxMessage.id))


def statuses() -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows():
        counts[row.status.value] = counts.get(row.status.value, 0) + 1
    return counts


__all__ = [
    "NOW",
    "OutboxStatus",
    "change_to",
    "committed",
    "days_of",
    "rows",
    "send_all",
    "statuses",
]

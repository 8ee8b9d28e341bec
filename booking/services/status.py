"""How the service is running, for the coordinators' status page and for monitoring.

The outbox's backlog and failures, and when each scheduled command last succeeded, each
with an alert when it is older than it should be. The limits are settings
(STATUS_*_LATE_*), because they follow how often an administrator runs each command.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..models import OutboxMessage, OutboxStatus
from . import jobs
from .outbox import status_counts

WAITING = (OutboxStatus.PENDING, OutboxStatus.SENDING)

#: What each scheduled command does, in words a coordinator uses.
JOB_LABELS = {
    jobs.TICK: "Ending offers and offering free places",
    jobs.REMINDERS: "Queueing reminder emails",
    jobs.MAILBOX_POLL: "Reading the training mailbox",
    jobs.PURGE: "Deleting personal data no longer needed",
}


@dataclass(frozen=True)
class Limits:
    """How old each thing may get before the status page raises an alert."""

    tick: timedelta = timedelta(minutes=15)
    reminders: timedelta = timedelta(hours=2)
    mailbox_poll: timedelta = timedelta(minutes=10)
    purge: timedelta = timedelta(hours=26)
    oldest_waiting_email: timedelta = timedelta(minutes=15)

    def for_job(self, name: str) -> timedelta:
        return {
            jobs.TICK: self.tick,
            jobs.REMINDERS: self.reminders,
            jobs.MAILBOX_POLL: self.mailbox_poll,
            jobs.PURGE: self.purge,
        }[name]


@dataclass(frozen=True)
class JobStatus:
    name: str
    label: str
    #: False when the command is not used here (no IMAP mailbox set up to poll).
    in_use: bool
    last_succeeded_at: datetime | None
    last_failed_at: datetime | None
    age: timedelta | None
    limit: timedelta
    alert: str | None


@dataclass(frozen=True)
class ServiceStatus:
    now: datetime
    emails_waiting: int
    oldest_waiting_at: datetime | None
    oldest_waiting_age: timedelta | None
    emails_failed: int
    outbox_alerts: list[str]
    jobs: list[JobStatus]
    alerts: list[str] = field(default_factory=list)


def oldest_waiting_email() -> datetime | None:
    """When the oldest email still waiting to go was written."""
    return db.session.scalar(
        select(func.min(OutboxMessage.created_at)).where(OutboxMessage.status.in_(WAITING))
    )


def service_status(*, now: datetime, limits: Limits, mailbox_polled: bool) -> ServiceStatus:
    """Everything the status page shows, with the alerts worked out."""
    counts = status_counts()
    waiting = sum(counts[s] for s in WAITING)
    oldest = oldest_waiting_email()
    oldest_age = now - oldest if oldest else None
    outbox_alerts = []
    if oldest_age is not None and oldest_age > limits.oldest_waiting_email:
        outbox_alerts.append(
            f"The oldest email has waited {describe_age(oldest_age)}. Check that the outbox "
            "worker is running and that the mail server accepts mail."
        )
    failed = counts[OutboxStatus.FAILED]
    if failed:
        outbox_alerts.append(
            f"{failed} {'email' if failed == 1 else 'emails'} could not be sent. "
            "Check the reasons and send them again."
        )
    runs = jobs.last_runs()
    job_statuses = [
        _job_status(name, runs.get(name), now, limits.for_job(name), in_use)
        for name in jobs.SCHEDULED
        for in_use in [name != jobs.MAILBOX_POLL or mailbox_polled]
    ]
    alerts = outbox_alerts + [j.alert for j in job_statuses if j.alert]
    return ServiceStatus(
        now=now,
        emails_waiting=waiting,
        oldest_waiting_at=oldest,
        oldest_waiting_age=oldest_age,
        emails_failed=failed,
        outbox_alerts=outbox_alerts,
        jobs=job_statuses,
        alerts=alerts,
    )


def _job_status(name, run, now: datetime, limit: timedelta, in_use: bool) -> JobStatus:
    succeeded = run.last_succeeded_at if run else None
    failed = run.last_failed_at if run else None
    age = now - succeeded if succeeded else None
    label = JOB_LABELS[name]
    alert = None
    if in_use and succeeded is None:
        alert = f"{label} has never finished. Its timer (flask {name}) may not be set up."
    elif in_use and age is not None and age > limit:
        alert = (
            f"{label} last finished {describe_age(age)} ago, more than {describe_age(limit)}. "
            f"Its timer (flask {name}) may have stopped."
        )
    return JobStatus(name, label, in_use, succeeded, failed, age, limit, alert)


def describe_age(age: timedelta) -> str:
    """A length of time in plain words, rounded down: "4 minutes", "2 hours", "3 days"."""
    seconds = int(age.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            number = seconds // size
            return f"{number} {unit}{'' if number == 1 else 's'}"
    return "less than a minute"

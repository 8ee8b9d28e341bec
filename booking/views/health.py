"""`/healthz` for the load balancer, and the coordinators' page of how the service is running."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, render_template

from .. import clock
from ..auth import coordinator_required
from ..health import database_problem
from ..services import status

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """200 "ok" when this server can serve; 503 with the reason when it cannot."""
    problem = database_problem()
    if problem:
        return problem + "\n", 503, {"Content-Type": "text/plain; charset=utf-8"}
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/coordinator/status")
@coordinator_required
def service_status():
    config = current_app.config
    report = status.service_status(
        now=clock.now(),
        limits=status_limits(config),
        mailbox_polled=bool(config.get("MAILBOX_IMAP_HOST")),
    )
    return render_template("health/status.html", status=report, describe_age=status.describe_age)


def status_limits(config) -> status.Limits:
    """The alert limits from the STATUS_*_LATE_* settings."""
    return status.Limits(
        tick=timedelta(minutes=config["STATUS_TICK_LATE_MINUTES"]),
        reminders=timedelta(minutes=config["STATUS_REMINDERS_LATE_MINUTES"]),
        mailbox_poll=timedelta(minutes=config["STATUS_MAILBOX_POLL_LATE_MINUTES"]),
        purge=timedelta(hours=config["STATUS_PURGE_LATE_HOURS"]),
        oldest_waiting_email=timedelta(minutes=config["STATUS_OUTBOX_LATE_MINUTES"]),
    )

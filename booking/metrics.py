"""Prometheus metrics at `/metrics`, through prometheus-flask-exporter.

- Requests: counts and durations by route (`sos_http_request_duration_seconds` grouped by
  the URL rule, so tokens never become labels) and totals by status.
- From the database, the same on every server: bookings made by outcome, bookings by
  status, the outbox's backlog, oldest waiting message and failures, mailbox messages by
  outcome, and when each scheduled command last succeeded.

Under gunicorn with several workers set `PROMETHEUS_MULTIPROC_DIR` (deploy/ does) so one
scrape sums every worker. `/metrics` answers only with `Authorization: Bearer
<METRICS_TOKEN>` when that setting is set, and otherwise only requests that come straight
from a private or loopback address (not through the proxy); anything else is "not found".
"""

from __future__ import annotations

import hmac
import ipaddress
import os

from flask import Flask, abort, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_flask_exporter import PrometheusMetrics
from sqlalchemy import func, select

from . import clock
from .extensions import db
from .models import AuditEvent, Booking, InboundMessage, OutboxMessage
from .services import jobs, status

#: What a booking made on the public form got: a place, or a place on the waitlist.
BOOKING_OUTCOMES = {"booking.confirmed": "place", "booking.waitlisted": "waitlist"}
#: Addresses a monitoring server may scrape from without a token: loopback and the private
#: ranges of RFC 1918 and RFC 4193 (Python's own `is_private` also takes documentation ranges).
PRIVATE_NETWORKS = [
    ipaddress.ip_network(n)
    for n in ("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "::1/128", "fc00::/7")
]
#: Not counted as requests: the scrape itself, the load balancer's checks, static files.
UNTRACKED_PATHS = [r"^/metrics$", r"^/healthz$", r"^/static/", r"^/assets/"]


def init_app(app: Flask) -> None:
    """Count requests by route and serve `/metrics`."""
    registry = CollectorRegistry(auto_describe=True)
    PrometheusMetrics(
        app,
        path=None,
        registry=registry,
        group_by="url_rule",
        defaults_prefix="sos",
        excluded_paths=UNTRACKED_PATHS,
    )
    from_database = CollectorRegistry(auto_describe=False)
    from_database.register(DatabaseCollector())
    app.extensions["metrics"] = (registry, from_database)
    app.add_url_rule("/metrics", "metrics", metrics_page)


def metrics_page():
    if not _allowed():
        abort(404)
    requests_registry, from_database = current_app.extensions["metrics"]
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        requests_registry = CollectorRegistry()
        MultiProcessCollector(requests_registry)
    body = generate_latest(requests_registry) + generate_latest(from_database)
    return body, 200, {"Content-Type": CONTENT_TYPE_LATEST}


def _allowed() -> bool:
    token = current_app.config.get("METRICS_TOKEN") or ""
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    if "X-Forwarded-For" in request.headers:
        return False  # came through the proxy, so from anywhere
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in PRIVATE_NETWORKS)


class DatabaseCollector:
    """Figures read from the database at each scrape."""

    def collect(self):
        up = GaugeMetricFamily("sos_database_up", "1 when the database answered this scrape.")
        try:
            families = list(self._from_database())
        except Exception:  # noqa: BLE001 - a scrape must say the database is down, not fail
            db.session.rollback()
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _from_database(self):
        made = CounterMetricFamily(
            "sos_bookings_made",
            "Bookings made on the booking form, by outcome (a place or the waitlist).",
            labels=["outcome"],
        )
        counts = dict(
            db.session.execute(
                select(AuditEvent.action, func.count())
                .where(AuditEvent.action.in_(BOOKING_OUTCOMES))
                .group_by(AuditEvent.action)
            ).all()
        )
        for action, outcome in BOOKING_OUTCOMES.items():
            made.add_metric([outcome], counts.get(action, 0))
        yield made

        yield _by_label("sos_bookings", "Bookings by their status now.", "status", Booking.status)
        yield _by_label(
            "sos_outbox_messages", "Emails in the outbox by status.", "status", OutboxMessage.status
        )
        yield _by_label(
            "sos_mailbox_messages",
            "Messages read from the training mailbox, by what was done with them.",
            "outcome",
            InboundMessage.outcome,
        )

        waiting = db.session.scalar(
            select(func.count()).where(OutboxMessage.status.in_(status.WAITING))
        )
        yield GaugeMetricFamily("sos_outbox_waiting", "Emails waiting to be sent.", value=waiting)
        oldest = status.oldest_waiting_email()
        age = (clock.now() - oldest).total_seconds() if oldest else 0
        yield GaugeMetricFamily(
            "sos_outbox_oldest_waiting_seconds",
            "How long the oldest email still waiting has waited (0 when none waits).",
            value=age,
        )

        last = GaugeMetricFamily(
            "sos_job_last_success_timestamp_seconds",
            "When each scheduled command last finished without an error (Unix time).",
            labels=["job"],
        )
        for name, run in jobs.last_runs().items():
            if run.last_succeeded_at:
                last.add_metric([name], run.last_succeeded_at.timestamp())
        yield last


def _by_label(name: str, documentation: str, label: str, column) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=[label])
    for value, number in db.session.execute(select(column, func.count()).group_by(column)):
        family.add_metric([str(getattr(value, "value", value))], number)
    return family

"""Commands for the outbox: `flask outbox send | worker | status | reminders`.

`send` is one pass (reminders that are due, then every due message); `worker` repeats it
until stopped (SIGTERM or Ctrl-C finish the batch in hand first). Both exit non-zero when
some mail could not be sent this time, so a scheduler notices a mail server that is down.
"""

from __future__ import annotations

import signal
import sys
import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .. import clock
from ..mail.outbound import sending
from ..services import jobs
from ..services import outbox as outbox_service
from ..services.outbox import SendSummary
from ..services.reminders import queue_due_reminders
from .runs import record

group = AppGroup("outbox", help="Send the email waiting in the outbox.")

#: A pass stops after this many batches even if more mail keeps arriving.
MAX_BATCHES_PER_PASS = 100


def register(app: Flask) -> None:
    """Add this area's commands to the flask command line."""
    app.cli.add_command(group)


def _one_pass(limit: int, worker_id: str) -> SendSummary:
    total = SendSummary()
    for _ in range(MAX_BATCHES_PER_PASS):
        summary = sending.send_due_now(now=clock.now(), limit=limit, worker_id=worker_id)
        total.add(summary)
        if summary.claimed < limit or summary.sent == 0:
            break
    return total


def _queue_reminders() -> None:
    try:
        result = queue_due_reminders(now=clock.now())
    except Exception as exc:  # noqa: BLE001 - reminders must not stop mail going out
        # Only the kind of error: its text may quote database values such as addresses.
        click.echo(f"Could not queue reminders this time ({type(exc).__name__}).", err=True)
        return
    if result.reminders or result.after_course:
        click.echo(str(result))


@group.command("send")
@click.option("--limit", default=100, show_default=True, help="Messages per batch.")
@click.option("--no-reminders", is_flag=True, help="Only send; do not queue reminders first.")
def send_command(limit: int, no_reminders: bool) -> None:
    """Queue due reminders, then send every message that is due (one pass)."""
    if not no_reminders:
        _queue_reminders()
    if current_app.extensions["mail"].suppress:
        click.echo("Sending is turned off (MAIL_SUPPRESS_SEND), so mail stays in the outbox.")
        return
    summary = _one_pass(limit, sending.worker_name())
    click.echo(str(summary).capitalize() + ".")
    for reason in sorted(set(summary.problems)):
        click.echo(f"- {reason}", err=True)
    if summary.retrying or summary.failed:
        sys.exit(1)


@group.command("reminders")
def reminders_command() -> None:
    """Queue the reminders and after-course messages that are due (without sending)."""
    click.echo(str(queue_due_reminders(now=clock.now())).capitalize() + ".")
    record(jobs.REMINDERS)


@group.command("worker")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between passes.")
@click.option("--limit", default=100, show_default=True, help="Messages per batch.")
@click.option("--max-loops", type=int, default=None, help="Stop after this many passes.")
def worker_command(interval: float, limit: int, max_loops: int | None) -> None:
    """Keep sending: a pass every few seconds until stopped."""
    stopping = False

    def stop(_signum, _frame):
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    worker_id = sending.worker_name()
    suppressed = current_app.extensions["mail"].suppress
    click.echo(f"Outbox worker {worker_id} started.")
    loops = 0
    while not stopping and (max_loops is None or loops < max_loops):
        loops += 1
        _queue_reminders()
        if not suppressed:
            try:
                summary = _one_pass(limit, worker_id)
            except Exception as exc:  # noqa: BLE001 - a database blip must not end the worker
                click.echo(f"This pass failed ({type(exc).__name__}); trying again.", err=True)
            else:
                if summary.claimed:
                    click.echo(str(summary).capitalize() + ".")
        deadline = time.monotonic() + interval
        while (
            not stopping
            and time.monotonic() < deadline
            and (max_loops is None or loops < max_loops)
        ):
            time.sleep(min(0.2, interval))
    for sig, handler in previous.items():
        signal.signal(sig, handler)
    click.echo("Outbox worker stopped.")


@group.command("status")
def status_command() -> None:
    """How many messages are waiting, being sent, sent and failed."""
    labels = {
        "pending": "waiting to be sent",
        "sending": "being sent now",
        "sent": "sent",
        "failed": "failed (a coordinator can retry them)",
    }
    for status, number in outbox_service.status_counts().items():
        click.echo(f"{number} {labels[status.value]}")

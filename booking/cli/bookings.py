"""Commands for the bookings area: `flask bookings tick`."""

import click
from flask import Flask
from flask.cli import AppGroup

from .. import clock
from ..services import approvals, jobs, waitlist
from ..services.errors import TryAgain
from .runs import record

group = AppGroup("bookings", help="Booking housekeeping.")


@group.command("tick")
def tick() -> None:
    """End offers that ran out and offer free places. Safe to run every few minutes."""
    try:
        summary = waitlist.tick(now=clock.now())
    except TryAgain:  # busy before any course was reached (busy courses are listed below)
        click.echo("The database was busy, so nothing was done. The next run will do it.")
        record(jobs.TICK, succeeded=False)
        raise SystemExit(1) from None
    lapsed = approvals.lapse_overdue(now=clock.now())
    click.echo(
        f"Offers that ran out: {summary.expired}. Places offered: {summary.offered}. "
        f"Courses changed: {len(summary.changed)}. "
        f"Requests ended because no manager answered: {lapsed}."
    )
    if summary.busy_course_ids:
        ids = ", ".join(str(course_id) for course_id in summary.busy_course_ids)
        click.echo(f"The database was busy, so these courses wait for the next run: {ids}.")
        record(jobs.TICK, succeeded=False)
        raise SystemExit(1)
    record(jobs.TICK)


@group.command("manager-approval")
@click.argument("course_type")
@click.argument("setting", type=click.Choice(["on", "off"]))
def manager_approval(course_type: str, setting: str) -> None:
    """Turn line manager approval on or off for a course type (by its short name)."""
    from ..services.actors import system
    from ..services.errors import BookingError

    try:
        found = approvals.set_manager_approval(
            course_type, setting == "on", actor=system("command line"), now=clock.now()
        )
    except BookingError as error:
        raise click.ClickException(error.message) from None
    needs = "now needs" if found.manager_approval_required else "no longer needs"
    click.echo(f"{found.name} {needs} a line manager's approval for council staff.")


def register(app: Flask) -> None:
    """Add this area's commands to the flask command line."""
    app.cli.add_command(group)

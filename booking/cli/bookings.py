"""Commands for the bookings area: `flask bookings tick`."""

import click
from flask import Flask
from flask.cli import AppGroup

from .. import clock
from ..services import bookings

group = AppGroup("bookings", help="Booking housekeeping.")


@group.command("tick")
def tick() -> None:
    """End offers that ran out and offer free places. Safe to run every few minutes."""
    results = bookings.tick(now=clock.now())
    ended = sum(len(result.expired) for result in results)
    offered = sum(len(result.offered) for result in results)
    click.echo(
        f"Offers that ran out: {ended}. Places offered: {offered}. Courses changed: {len(results)}."
    )


def register(app: Flask) -> None:
    """Add this area's commands to the flask command line."""
    app.cli.add_command(group)

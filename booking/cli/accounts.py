"""`flask create-coordinator EMAIL`: make an account for someone on the training team."""

from __future__ import annotations

import sys

import click
from flask import Flask

from .. import clock
from ..services import accounts
from ..services.errors import BookingError, Problems


def register(app: Flask) -> None:
    """Add this area's commands to the flask command line."""
    app.cli.add_command(create_coordinator)


@click.command("create-coordinator")
@click.argument("email")
@click.option("--name", default="", help="The person's full name.")
@click.option("--administrator", is_flag=True, help="Can also manage other coordinators' accounts.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (for scripts).",
)
def create_coordinator(email: str, name: str, administrator: bool, password_stdin: bool) -> None:
    """Create a coordinator's account. You are asked for the password twice (it is not shown)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(
            "Password", hide_input=True, confirmation_prompt="Type the password again"
        )
    try:
        user = accounts.create_coordinator(
            email,
            password=password,
            full_name=name,
            administrator=administrator,
            actor="command line",
            now=clock.now(),
        )
    except Problems as problems:
        raise click.ClickException(
            "; ".join(message for _field, message in problems.problems)
        ) from None
    except BookingError as error:
        raise click.ClickException(error.message) from None
    kind = "an administrator" if administrator else "a coordinator"
    click.echo(f"{user.email} can now sign in as {kind}.")

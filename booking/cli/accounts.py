"""`flask create-coordinator`: make the first accounts (administrators add the rest online)."""

import sys

import click
from flask import Flask

from .. import clock
from ..models import Role
from ..services import accounts, actors
from ..services.errors import BookingError, TryAgain


def register(app: Flask) -> None:
    """Add this area's commands to the flask command line."""
    app.cli.add_command(create_coordinator)


@click.command("create-coordinator")
@click.argument("email")
@click.option("--name", "full_name", default="", help="Their full name.")
@click.option("--administrator", is_flag=True, help="Can also manage coordinators' accounts.")
@click.option(
    "--trainer",
    is_flag=True,
    help="A trainer's account: takes the registers of the courses it is assigned to.",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (for scripts).",
)
def create_coordinator(
    email: str, full_name: str, administrator: bool, trainer: bool, password_stdin: bool
):
    """Create a coordinator's (or a trainer's) account. They set up an authenticator app when
    they first sign in."""
    if administrator and trainer:
        raise click.UsageError("Choose --administrator or --trainer, not both.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    role = Role.ADMINISTRATOR if administrator else Role.TRAINER if trainer else Role.COORDINATOR
    try:
        user = accounts.create_account(
            email,
            password,
            full_name=full_name,
            role=role,
            actor=actors.system("command line"),
            now=clock.now(),
        )
    except (BookingError, TryAgain) as error:
        raise click.ClickException(error.message) from error
    kind = {Role.ADMINISTRATOR: "administrator", Role.TRAINER: "trainer"}.get(role, "coordinator")
    click.echo(
        f"Created the {kind} account for {user.email}. They set up their app at first sign-in."
    )

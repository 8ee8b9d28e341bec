"""`flask demo code`: the authenticator code for an account, on a developer's computer only.

Coordinators sign in with a password and then a 6-number code from an authenticator app. On
a developer's own computer (DEVELOPMENT_TOOLS on) this prints the code the app would show,
so the demo coordinator can sign in without setting up a phone.
"""

from __future__ import annotations

import click
import pyotp
from flask import Flask, current_app
from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..models import User
from .demo import DEMO_COORDINATOR_EMAIL


def register(app: Flask) -> None:
    """Add this area's commands to the flask command line."""
    app.cli.add_command(demo)


@click.group("demo")
def demo() -> None:
    """Help for trying the service on a developer's computer (development only)."""


@demo.command("code")
@click.argument("email", default=DEMO_COORDINATOR_EMAIL)
def code(email: str) -> None:
    """Print the authenticator code for a coordinator (the demo coordinator unless EMAIL)."""
    if not current_app.config.get("DEVELOPMENT_TOOLS"):
        raise click.ClickException(
            "This only works on a developer's computer (FLASK_CONFIG=development)."
        )
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(
            f"There is no account for {email}. Run `flask seed-demo` to make the demo coordinator."
        )
    if not user.totp_secret:
        raise click.ClickException(
            f"{email} has no authenticator app yet. Sign in with the password first, "
            "then run this again."
        )
    totp = pyotp.TOTP(user.totp_secret)
    now = clock.now()
    seconds_left = totp.interval - int(now.timestamp()) % totp.interval
    click.echo(totp.at(now))
    click.echo(
        f"This is the code for {user.email} now. Type it on the sign-in page. "
        f"A new code comes every {totp.interval} seconds (the next in {seconds_left} seconds), "
        "and each code works once."
    )

"""`flask doctor`: check the settings before the service starts (booking/doctor.py)."""

from __future__ import annotations

import sys

import click
from flask import current_app

from .. import doctor

WIDTH = len("problem") + 2


@click.command("doctor")
@click.option(
    "--workers",
    type=int,
    default=None,
    help="How many gunicorn workers this server runs (default: WEB_CONCURRENCY, else 1).",
)
def doctor_command(workers: int | None) -> None:
    """Check the configuration: each item ok, a warning or a problem, with what to do."""
    config = current_app.config
    click.echo(f"Checking the {config.get('ENV_NAME', 'unknown')} settings.\n")
    findings = doctor.run_checks(config, workers=workers or doctor.gunicorn_workers())
    for finding in findings:
        click.echo(f"{finding.level:<{WIDTH}}{finding.topic}: {finding.message}")
        if finding.fix and finding.level != doctor.OK:
            click.echo(f"{'':<{WIDTH}}What to do: {finding.fix}")
    problems = sum(f.level == doctor.PROBLEM for f in findings)
    warnings = sum(f.level == doctor.WARNING for f in findings)
    click.echo("")
    if problems:
        click.echo(
            f"{problems} {'problem' if problems == 1 else 'problems'} and {warnings} "
            f"{'warning' if warnings == 1 else 'warnings'}. Put the problems right before "
            "starting the service."
        )
        sys.exit(1)
    click.echo(
        f"No problems, {warnings} {'warning' if warnings == 1 else 'warnings'}."
        if warnings
        else "Everything is ready."
    )

"""`flask privacy purge`: delete and anonymise personal data that is no longer needed."""

import click
from flask import Flask, current_app

from .. import clock
from ..services import jobs, privacy
from .runs import record


def register(app: Flask) -> None:
    """Add this area's commands to the flask command line."""
    app.cli.add_command(privacy_group)


@click.group("privacy", help="Keep personal data only as long as it is needed.")
def privacy_group() -> None:
    pass


@privacy_group.command("purge")
def purge_command() -> None:
    """Delete old support needs, message text and links; anonymise people long gone."""
    config = current_app.config
    summary = privacy.purge(
        now=clock.now(),
        support_needs_days=config["SUPPORT_NEEDS_RETENTION_DAYS"],
        staff_years=config["STAFF_RETENTION_YEARS"],
        partner_years=config["PARTNER_RETENTION_YEARS"],
        message_text_days=config["MAILBOX_TEXT_RETENTION_DAYS"],
    )
    click.echo(
        f"Support needs deleted from {summary.support_needs_deleted} booking(s).\n"
        f"Text deleted from {summary.message_texts_deleted} message(s) to the training mailbox.\n"
        f"Council staff anonymised: {summary.staff_anonymised}.\n"
        f"Partner agency workers anonymised: {summary.partner_anonymised}.\n"
        f"Old sign-in and booking links deleted: {summary.links_deleted}.\n"
        f"Feedback forms closed and cut off from names: {summary.feedback_forms_closed}."
    )
    record(jobs.PURGE)

"""Blueprints: one per area. Routes only; rules live in booking/services."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from . import (
        account,
        auth,
        bookings,
        certificates,
        coordinator,
        council,
        courses,
        feedback,
        mailbox,
        outbox,
        pages,
        privacy,
        registers,
        reports,
        rooms,
    )

    for module in (
        account,
        auth,
        bookings,
        certificates,
        coordinator,
        council,
        courses,
        feedback,
        mailbox,
        outbox,
        pages,
        registers,
        reports,
        rooms,
        privacy,
    ):
        app.register_blueprint(module.bp)
    if app.config.get("DEVELOPMENT_TOOLS"):
        # Only on a developer's computer: elsewhere these addresses do not exist (404).
        from . import development

        app.register_blueprint(development.bp)

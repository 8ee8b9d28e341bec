"""Blueprints: one per area. Routes only; rules live in booking/services."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from . import (
        account,
        agencies,
        auth,
        bookings,
        certificates,
        coordinator,
        council,
        course_types,
        courses,
        feedback,
        mailbox,
        managers,
        outbox,
        pages,
        privacy,
        registers,
        reports,
        rooms,
        self_check_in,
    )

    for module in (
        account,
        agencies,
        auth,
        bookings,
        certificates,
        coordinator,
        council,
        course_types,
        courses,
        feedback,
        mailbox,
        managers,
        outbox,
        pages,
        registers,
        reports,
        rooms,
        privacy,
        self_check_in,
    ):
        app.register_blueprint(module.bp)
    if app.config.get("DEVELOPMENT_TOOLS"):
        # Only on a developer's computer: elsewhere these addresses do not exist (404).
        from . import development

        app.register_blueprint(development.bp)

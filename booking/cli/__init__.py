"""Command-line commands: thin wrappers over the services. One module per area."""

from flask import Flask


def register_commands(app: Flask) -> None:
    from . import accounts, bookings, demo, development, mailbox, outbox, privacy

    for module in (accounts, bookings, demo, development, mailbox, outbox, privacy):
        module.register(app)

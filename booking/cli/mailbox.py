"""Commands for the mailbox area."""

from flask import Flask


def register(app: Flask) -> None:
    """Add this area's commands to the flask command line."""

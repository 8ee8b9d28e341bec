"""The current time for the web and command layers (services are always given `now`).

Tests can move time by setting `app.config["CLOCK_OVERRIDE"]` to an aware datetime.
"""

from datetime import UTC, datetime

from flask import current_app, has_app_context


def now() -> datetime:
    if has_app_context():
        override = current_app.config.get("CLOCK_OVERRIDE")
        if override is not None:
            return override
    return datetime.now(UTC)

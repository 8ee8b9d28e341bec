"""Messages people receive, written to the outbox in the caller's transaction.

(The emails work owns this module; the sign-in area appends its one message at the end.)
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template

from .extensions import db
from .models import OutboxMessage


def sign_in_link(email: str, url: str, *, now: datetime) -> OutboxMessage:
    """Queue the email with a link that signs an attendee in to "My bookings"."""
    context = {"url": url, "minutes": 15}
    message = OutboxMessage(
        kind="sign_in_link",
        to_address=email,
        reply_to=current_app.config["TRAINING_MAILBOX"],
        subject="Your link to sign in",
        text_body=render_template("email/sign_in_link.txt", **context),
        html_body=render_template("email/sign_in_link.html", **context),
        next_attempt_at=now,
        created_at=now,
    )
    db.session.add(message)
    return message

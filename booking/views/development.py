"""Pages for a developer's own computer, registered only when DEVELOPMENT_TOOLS is on.

In development no email is really sent (MAIL_SUPPRESS_SEND), so the links people would
follow (confirm your email, sign in, manage your booking) are read here instead.
"""

from __future__ import annotations

import re

from flask import Blueprint, render_template
from markupsafe import Markup, escape

from .. import clock
from ..extensions import db
from ..models import OutboxMessage
from ..services import outbox

bp = Blueprint("development", __name__, url_prefix="/development")

#: A web address in a plain-text email, up to the first space or angle bracket.
_LINK = re.compile(r"https?://[^\s<>\"']+")
#: Closing punctuation that ends a sentence rather than the address.
_TRAILING = ".,;:!?)"


def with_links(text: str) -> Markup:
    """The text, escaped, with every web address made a link."""
    parts: list[str] = []
    last = 0
    for found in _LINK.finditer(text):
        address = found.group(0).rstrip(_TRAILING)
        parts.append(escape(text[last : found.start()]))
        parts.append(Markup('<a class="govuk-link" href="{0}">{0}</a>').format(address))
        last = found.start() + len(address)
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


@bp.get("/mail")
def mail():
    # Nothing sends here, so write the messages a booking left for the sender to compose.
    outbox.compose_waiting(now=clock.now(), limit=200)
    return render_template("development/mail.html", messages=outbox.newest_messages())


@bp.get("/mail/<id:message_id>")
def mail_message(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template(
        "development/mail_message.html", message=message, body=with_links(message.text_body)
    )

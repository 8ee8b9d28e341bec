"""Coordinators' page of messages that could not be sent, and sending mail after a request.

The after-request hook is registered here (`after_app_request`) so the whole outbox area
lives in one place; it only runs when OUTBOX_SEND_AFTER_REQUEST is on and the request
queued mail, and it sends after the response has gone (`call_on_close`).
"""

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user
from sqlalchemy import Insert, event
from sqlalchemy.engine import Engine

from .. import clock
from ..auth import coordinator_required
from ..extensions import db
from ..mail.outbound import sending
from ..models import OutboxMessage
from ..services import outbox
from ..services.errors import BookingError

bp = Blueprint("outbox", __name__, url_prefix="/coordinator/outbox")

#: Set on flask.g when a request queued mail, so the best-effort sender knows to run.
QUEUED_FLAG = "outbox_queued"


@event.listens_for(Engine, "after_execute")
def _note_mail_queued(_conn, statement, *_args) -> None:
    """A request wrote a message to the outbox (in whichever service, through the session's
    unit of work or a plain INSERT): send after it."""
    if (
        isinstance(statement, Insert)
        and statement.table is OutboxMessage.__table__
        and has_request_context()
    ):
        setattr(g, QUEUED_FLAG, True)


@bp.get("")
@coordinator_required
def failed():
    return render_template(
        "outbox/failed.html", messages=outbox.failed_messages(), policy=outbox.DEFAULT_POLICY
    )


@bp.post("/<id:message_id>/retry")
@coordinator_required
def retry(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    try:
        outbox.retry_failed(message.id, actor=current_user, now=clock.now())
    except BookingError as error:
        flash(error.message)
    else:
        flash("The message will be sent again in the next few minutes.", "success")
    return redirect(url_for("outbox.failed"))


@bp.after_app_request
def send_queued_mail(response):
    if current_app.config.get("OUTBOX_SEND_AFTER_REQUEST") and g.get(QUEUED_FLAG):
        # current_app is a proxy, which Flask's types present as the app itself.
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        response.call_on_close(lambda: sending.send_after_response(app))
    return response

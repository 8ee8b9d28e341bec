"""The audit trail: every service that changes a booking, course, mark or account records it here.

Rows are only ever added. Never put support needs or other free text a person typed about
themselves into `details`.
"""

from __future__ import annotations

from datetime import datetime

from ..extensions import db
from ..models import AuditEvent, User

#: Who acted, in words, when a person uses a link from their email.
BY_EMAILED_LINK = "the person, by emailed link"
SIGNED_IN = "the person, signed in with an emailed link"
#: Who acted when the system did something on its own (an offer running out, say).
SYSTEM = "system"


def record(
    action: str,
    obj,
    *,
    actor: User | str,
    now: datetime,
    reason: str = "",
    **details,
) -> AuditEvent:
    """Add an audit row in the caller's transaction.

    `actor` is the coordinator's account, or a short description such as
    "the person, by emailed link" or "system".
    """
    user = actor if isinstance(actor, User) else None
    event = AuditEvent(
        at=now,
        user_id=user.id if user else None,
        actor=f"{user.full_name or user.email} (coordinator)" if user else str(actor),
        action=action,
        object_type=type(obj).__name__.lower(),
        object_id=getattr(obj, "id", None),
        reason=reason or "",
        details=details,
    )
    db.session.add(event)
    return event

"""The audit trail: every service that changes a booking, course, mark or account records it here.

Rows are only ever added. Never put support needs or other free text a person typed about
themselves into `details`.
"""

from __future__ import annotations

from datetime import datetime

from ..extensions import db
from ..models import AuditEvent, User
from .actors import BY_EMAILED_LINK, SIGNED_IN, SYSTEM, Actor, as_actor

#: Re-exported for callers that name them here; they live in services/actors.py.
__all__ = ["BY_EMAILED_LINK", "SIGNED_IN", "SYSTEM", "record"]


def record(
    action: str,
    obj,
    *,
    actor: Actor | User | str,
    now: datetime,
    reason: str = "",
    **details,
) -> AuditEvent:
    """Add an audit row in the caller's transaction, naming who acted (`Actor.describe`)."""
    who = as_actor(actor)
    event = AuditEvent(
        at=now,
        user_id=who.user_id,
        actor=who.describe(),
        action=action,
        object_type=type(obj).__name__.lower(),
        object_id=getattr(obj, "id", None),
        reason=reason or "",
        details=details,
    )
    db.session.add(event)
    return event

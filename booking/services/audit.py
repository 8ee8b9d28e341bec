"""The audit trail: every service that changes a booking, course, mark or account records it here.

Rows are only ever added. Never put support needs or other free text a person typed about
themselves into `details`.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, insert

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
) -> None:
    """Add an audit row in the caller's transaction, naming who acted (`Actor.describe`).

    One plain INSERT, sent now rather than at the next flush: a booking records this while it
    holds its course's lock, and the session's unit of work costs more than the insert. The
    object must be stored already (it has its id).
    """
    who = as_actor(actor)
    db.session.execute(
        insert(_TABLE).values(
            at=now,
            user_id=who.user_id,
            actor=who.describe(),
            action=action,
            object_type=type(obj).__name__.lower(),
            object_id=getattr(obj, "id", None),
            reason=reason or "",
            details=details,
        )
    )


_TABLE = cast(Table, AuditEvent.__table__)

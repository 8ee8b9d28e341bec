"""The audit trail: who did what to which record, when and why. Rows are never changed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .base import UTCDateTime, utcnow


class AuditEvent(Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: The coordinator who acted, if one did.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Who acted in words: "coordinator", "the person (email link)", "system" ...
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60), index=True)  #: e.g. "booking.cancelled"
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    #: Extra facts (never support needs).
    details: Mapped[dict] = mapped_column(JSON, default=dict)

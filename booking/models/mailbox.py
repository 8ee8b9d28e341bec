"""Messages that arrived at the training mailbox, and what was done with them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .base import UTCDateTime, enum_column, utcnow


class InboundOutcome(enum.StrEnum):
    BOOKING_LINK_SENT = "booking_link_sent"
    BOOKED = "booked"
    CANCEL_LINK_SENT = "cancel_link_sent"
    TRIAGE = "triage"  #: waiting for a coordinator
    IGNORED = "ignored"  #: automatic reply, calendar reply, bounce ...
    REJECTED = "rejected"  #: too big or unreadable
    CLOSED = "closed"  #: a coordinator dealt with it


class InboundMessage(Model):
    __tablename__ = "inbound_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Message-ID, or a hash of sender, date and body when there is none.
    fingerprint: Mapped[str] = mapped_column(String(300), unique=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sender: Mapped[str] = mapped_column(String(320), default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[InboundOutcome] = mapped_column(enum_column(InboundOutcome, 30))
    #: What the system understood: course ids matched, intent, problems met while reading.
    understanding: Mapped[dict] = mapped_column(JSON, default=dict)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"))
    closed_note: Mapped[str] = mapped_column(Text, default="")
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When it stopped needing a coordinator (at once, for one the system answered itself).
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When body_text was deleted under the retention rule (services/privacy.py).
    body_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Its Message-ID exactly as sent ("<...>"), so our replies can name it in In-Reply-To.
    message_id_header: Mapped[str] = mapped_column(String(250), default="", server_default="")
    #: The ids of the thread it was part of (space-separated), for our replies' References.
    reference_ids: Mapped[str] = mapped_column(Text, default="", server_default="")

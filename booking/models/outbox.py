"""Email waiting to be sent, written in the same transaction as the change that caused it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .base import UTCDateTime, enum_column, utcnow


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"  #: claimed by a sender; picked up again if it stays here too long
    SENT = "sent"
    FAILED = "failed"  #: gave up after the retry limit; a coordinator can retry it


class OutboxMessage(Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What kind of message, e.g. "place_confirmed"; never personal details.
    kind: Mapped[str] = mapped_column(String(60))
    #: Stops the same message being queued twice (reminders, say); empty when not needed.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    to_address: Mapped[str] = mapped_column(String(320))
    reply_to: Mapped[str] = mapped_column(String(320), default="")
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    #: List of {"filename", "content_type", "data" (base64)}.
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    booking_id: Mapped[int | None] = mapped_column(Integer, index=True)
    #: Set while the message is still to be rendered: the facts it must say, frozen when the
    #: change was decided (see mail/outbound/later.py); None once it is rendered.
    compose: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    #: For a reply to a message that came to the mailbox: its Message-ID, and the ids of the
    #: thread (space-separated) for References, so mail programs show them together.
    in_reply_to: Mapped[str] = mapped_column(String(250), default="", server_default="")
    reference_ids: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, 20),
        default=OutboxStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(String(100), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When a bounce for this message came back to the training mailbox; None if none did.
    bounced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

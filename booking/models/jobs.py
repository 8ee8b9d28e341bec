"""When each scheduled command last finished, so coordinators and monitoring can see it ran."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .base import UTCDateTime


class JobRun(Model):
    """One row per scheduled command (`bookings tick`, `privacy purge`, ...), updated each run."""

    __tablename__ = "job_runs"

    #: The command's name as typed after `flask`, e.g. "bookings tick".
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_succeeded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The last run that stopped with an error (the database was busy, the mailbox was down).
    last_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

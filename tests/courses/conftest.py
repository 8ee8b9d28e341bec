"""Helpers for course tests: details of a valid course, and reading the outbox."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select

from booking.models import TRAINERS_NOTE_PREFIX, OutboxMessage
from booking.services.courses import CourseDetails, DayDetails


@pytest.fixture
def details(make):
    """Build CourseDetails for a valid course on 2 and 3 March 2026, changing any field
    (`trainers=` writes the note about trainers without accounts)."""

    def build(**changes) -> CourseDetails:
        fields = {
            "venue": changes.pop("venue", None) or make.venue("Carlisle"),
            "total_places": 20,
            "partner_places": 4,
            "days": [
                DayDetails(date(2026, 3, 2), time(9, 30), time(16, 30)),
                DayDetails(date(2026, 3, 3), time(9, 30), time(16, 0)),
            ],
            "coordinator_note": "",
        }
        # `trainers="..."`: names of trainers without accounts, kept in the coordinators' note.
        if "trainers" in changes:
            trainers = changes.pop("trainers")
            fields["coordinator_note"] = TRAINERS_NOTE_PREFIX + trainers if trainers else ""
        fields.update(changes)
        return CourseDetails(**fields)

    return build


@pytest.fixture
def outbox(db):
    def messages(kind: str | None = None) -> list[OutboxMessage]:
        stmt = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            stmt = stmt.where(OutboxMessage.kind == kind)
        return list(db.session.scalars(stmt))

    return messages

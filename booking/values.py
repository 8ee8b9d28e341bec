"""Plain values that pass between the layers: no database, no services, no Flask.

The course services make these and the email builders read them, so both can import them
without importing each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time


@dataclass(frozen=True)
class DayDetails:
    date: date
    starts_at: time
    ends_at: time


@dataclass(frozen=True)
class ScheduleChange:
    """What changed about a course's dates, times or venue, old and new, for the email."""

    old_days: Sequence[DayDetails]
    new_days: Sequence[DayDetails]
    #: The venue's name and address on one line, before and after.
    old_venue: str
    new_venue: str

    def _pairs(self):
        """The days a course has both before and after (a day added or removed is not here)."""
        return zip(self.old_days, self.new_days, strict=False)

    @property
    def added_days(self) -> list[tuple[int, DayDetails]]:
        """(day number, new) for each day the course did not have before."""
        return [(n, day) for n, day in enumerate(self.new_days, 1) if n > len(self.old_days)]

    @property
    def removed_days(self) -> list[tuple[int, DayDetails]]:
        """(day number, old) for each day the course no longer has."""
        return [(n, day) for n, day in enumerate(self.old_days, 1) if n > len(self.new_days)]

    @property
    def moved_days(self) -> list[tuple[int, DayDetails, DayDetails]]:
        """(day number, old, new) for each day on a different date."""
        return [
            (n, old, new) for n, (old, new) in enumerate(self._pairs(), 1) if old.date != new.date
        ]

    @property
    def retimed_days(self) -> list[tuple[int, DayDetails, DayDetails]]:
        """(day number, old, new) for each day with different start or end times."""
        return [
            (n, old, new)
            for n, (old, new) in enumerate(self._pairs(), 1)
            if (old.starts_at, old.ends_at) != (new.starts_at, new.ends_at)
        ]

    @property
    def dates_changed(self) -> bool:
        return bool(self.moved_days or self.added_days or self.removed_days)

    @property
    def venue_changed(self) -> bool:
        return self.old_venue != self.new_venue

    def __bool__(self) -> bool:
        return self.dates_changed or self.venue_changed or bool(self.retimed_days)

"""The one time zone course days are written in: every course runs in Cumbria."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def london_date(moment: datetime) -> date:
    """The date it is in Cumbria at `moment` (an aware datetime)."""
    return moment.astimezone(LONDON).date()

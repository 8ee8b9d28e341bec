"""The one time zone course days are written in: every course runs in Cumbria."""

from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

"""The public calendar feed, rendered once per change and kept until the next.

Calendar apps ask for `/courses.ics` all day, and rendering 300 courses takes a few hundred
milliseconds inside the icalendar library. The feed shows the courses that are not over, as
the database has them; so it is the same until a course, course day, venue or course type
changes (the stamp in `feed_versions`, which every worker reads) or the London date moves
on (a course drops out the day after its last day). Those two make the cache key and the
ETag; no rendering is needed to answer "not changed". A narrowed feed
(`/courses.ics?type=advanced&town=Kendal&month=2027-03`) is kept apart from the whole
feed: the choices are in the key.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from ..extensions import db
from ..models import COURSES_FEED, Course, FeedVersion
from ..timezone import LONDON, london_date
from . import calendar_filters, courses

#: Rendered feeds kept per worker (one per site address, choice of type, town and month,
#: and day; all are dropped when the limit is reached).
_KEEP = 64


@dataclass(frozen=True)
class FeedState:
    """What the feed is at this moment, without rendering it."""

    token: str
    day: date
    #: When the feed last changed: the stamp's time, or the start of today (London) if later.
    last_modified: datetime

    @property
    def etag(self) -> str:
        return f"{self.token}-{self.day.isoformat()}"

    def etag_for(self, chosen: calendar_filters.CalendarFilter | None = None) -> str:
        """The ETag of the whole feed, or of the feed narrowed to `chosen`."""
        key = chosen.feed_key if chosen is not None else ""
        return f"{self.etag}-{hashlib.sha256(key.encode()).hexdigest()[:12]}" if key else self.etag


def feed_state(now: datetime) -> FeedState | None:
    """The feed's stamp and the day it is for (one query); None if it was never stamped."""
    row = db.session.get(FeedVersion, COURSES_FEED, populate_existing=True)
    if row is None:
        return None
    today = london_date(now)
    start_of_today = datetime.combine(today, time(0, 0), tzinfo=LONDON)
    return FeedState(row.token, today, max(row.changed_at, start_of_today).replace(microsecond=0))


def _shown(now: datetime, chosen: calendar_filters.CalendarFilter) -> list[Course]:
    return calendar_filters.for_feed(chosen, courses.calendar_courses(now))


_rendered: dict[tuple[str, str], bytes] = {}
_rendered_lock = threading.Lock()


def rendered_feed(
    state: FeedState | None,
    *,
    now: datetime,
    site: str,
    render: Callable[[list[Course], datetime], bytes],
    chosen: calendar_filters.CalendarFilter = calendar_filters.EVERY_COURSE,
) -> bytes:
    """The feed's body: this worker's copy for `state`, or `render(courses, stamp)` once.

    `render` gets the courses to show and the time to stamp the events with (the stamp's
    time, so the same state always gives the same bytes). `chosen` narrows it to a course
    type, town and month.
    """
    if state is None:
        return render(_shown(now, chosen), now)
    key = (state.etag_for(chosen), site)
    with _rendered_lock:
        body = _rendered.get(key)
    if body is not None:
        return body
    body = render(_shown(now, chosen), state.last_modified)
    with _rendered_lock:
        if len(_rendered) >= _KEEP:
            _rendered.clear()
        _rendered[key] = body
    return body

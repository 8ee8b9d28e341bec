"""The public calendar feed, rendered once per change and kept until the next.

Calendar apps ask for `/courses.ics` all day, and rendering 300 courses takes a few hundred
milliseconds inside the icalendar library. The feed shows the courses that are not over, as
the database has them; so it is the same until a course, course day, venue or course type
changes (the stamp in `feed_versions`, which every worker reads) or the London date moves
on (a course drops out the day after its last day). Those two make the cache key and the
ETag; no rendering is needed to answer "not changed". A feed of one course type
(`/courses.ics?type=advanced`) is kept apart from the whole feed: the type is in the key.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from ..extensions import db
from ..models import COURSES_FEED, Course, FeedVersion
from ..timezone import LONDON, london_date
from . import calendar_filters, courses

#: Rendered feeds kept per worker (one per site address, course type and day; old stamps
#: are dropped).
_KEEP = 16


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

    def etag_for(self, course_type: str = "") -> str:
        """The ETag of the whole feed, or of one course type's feed."""
        return f"{self.etag}-{course_type}" if course_type else self.etag


def feed_state(now: datetime) -> FeedState | None:
    """The feed's stamp and the day it is for (one query); None if it was never stamped."""
    row = db.session.get(FeedVersion, COURSES_FEED, populate_existing=True)
    if row is None:
        return None
    today = london_date(now)
    start_of_today = datetime.combine(today, time(0, 0), tzinfo=LONDON)
    return FeedState(row.token, today, max(row.changed_at, start_of_today).replace(microsecond=0))


def _shown(now: datetime, course_type: str) -> list[Course]:
    return calendar_filters.keeps_type(course_type, courses.calendar_courses(now))


_rendered: dict[tuple[str, str], bytes] = {}
_rendered_lock = threading.Lock()


def rendered_feed(
    state: FeedState | None,
    *,
    now: datetime,
    site: str,
    render: Callable[[list[Course], datetime], bytes],
    course_type: str = "",
) -> bytes:
    """The feed's body: this worker's copy for `state`, or `render(courses, stamp)` once.

    `render` gets the courses to show and the time to stamp the events with (the stamp's
    time, so the same state always gives the same bytes). `course_type` (a slug) keeps only
    that type's courses.
    """
    if state is None:
        return render(_shown(now, course_type), now)
    key = (state.etag_for(course_type), site)
    with _rendered_lock:
        body = _rendered.get(key)
    if body is not None:
        return body
    body = render(_shown(now, course_type), state.last_modified)
    with _rendered_lock:
        if len(_rendered) >= _KEEP:
            _rendered.clear()
        _rendered[key] = body
    return body

"""Narrowing the public calendar: by course type, town, month, and to courses with a place the
reader's group could book now. The feed (`/courses.ics?type=…&town=…&month=…`) takes the same
choices, except places. Plain values in, so a GET form (no JavaScript) or a test can use it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from ..models import Course, Group
from .allocation import Availability, BookingState

#: What the "places" choice may say, and the group it means.
PLACES_FOR = {"staff": Group.STAFF, "partner": Group.PARTNER}


@dataclass(frozen=True)
class CalendarFilter:
    """What a person chose to see. Empty values mean "any"; values not offered are ignored."""

    course_type: str = ""  #: a course type's slug
    town: str = ""
    month: str = ""  #: "2026-03"
    places_for: str = ""  #: "", "staff" or "partner"
    short_list: bool = False  #: one line a course instead of a card

    @classmethod
    def from_choices(cls, args: Mapping[str, str]) -> CalendarFilter:
        """Read the calendar's query string (anything unknown is dropped, not an error)."""
        places = args.get("places", "")
        return cls(
            course_type=args.get("type", "").strip(),
            town=args.get("town", "").strip(),
            month=args.get("month", "").strip(),
            places_for=places if places in PLACES_FOR else "",
            short_list=args.get("view") == "list",
        )

    @property
    def narrows(self) -> bool:
        return bool(self.course_type or self.town or self.month or self.places_for)

    @property
    def feed_key(self) -> str:
        """The choices the feed takes (type, town, month; not places, which the feed does not
        show), as a short key for its cache and ETag; "" for the whole feed."""
        chosen = {"type": self.course_type, "town": self.town, "month": self.month}
        return urlencode({name: value for name, value in chosen.items() if value})

    def keeps_in_feed(self, course: Course) -> bool:
        """True when the course's type, town and month are the ones asked for."""
        if self.course_type and course.course_type.slug != self.course_type:
            return False
        if self.town and course.venue.town != self.town:
            return False
        return not self.month or month_key(course.first_day.date) == self.month

    def keeps(self, course: Course, places: Availability) -> bool:
        """True when the course is one the person asked to see."""
        if not self.keeps_in_feed(course):
            return False
        if self.places_for:
            group = PLACES_FOR[self.places_for]
            return places.state == BookingState.OPEN and places.free_for(group) > 0
        return True

    def apply(self, courses: Iterable[Course], places: Mapping[int, Availability]) -> list[Course]:
        return [course for course in courses if self.keeps(course, places[course.id])]


#: No choice made: the whole calendar (or feed).
EVERY_COURSE = CalendarFilter()


def for_feed(chosen: CalendarFilter, courses: Iterable[Course]) -> list[Course]:
    """The courses the feed shows for these choices (all of them when none is made)."""
    return [c for c in courses if chosen.keeps_in_feed(c)]


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def towns(courses: Iterable[Course]) -> list[tuple[str, str]]:
    """(town, town) for each town with a course on the calendar, in alphabetical order."""
    return [(town, town) for town in sorted({course.venue.town for course in courses})]


def course_types(courses: Iterable[Course]) -> list[tuple[str, str]]:
    """(slug, name) for each course type with a course on the calendar, by name."""
    found = {course.course_type.slug: course.course_type.name for course in courses}
    return sorted(found.items(), key=lambda item: item[1])


def months(courses: Iterable[Course]) -> list[tuple[str, str]]:
    """(key, "March 2026") for each month a course starts in, soonest first."""
    firsts = sorted({course.first_day.date.replace(day=1) for course in courses})
    return [(month_key(first), first.strftime("%B %Y")) for first in firsts]

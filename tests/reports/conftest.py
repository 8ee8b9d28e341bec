"""A known programme to check every report's figures against.

On 20 March 2026:
- Course A (2-3 March, Kendal, 6 places): Amy present both days, Ben late then left early
  (the day counts), Nia present then absent, Dan absent both days (a no-show), Cat cancelled.
- Course B (9-10 February, Carlisle): Eve present both days.
- Course C (1-2 April, 10 places): Fay and Gus hold places; Will waits (no place anywhere);
  Wes waits here but holds a place on D. C starts within 21 days and is under half full.
- Course D (1-2 June, 4 places): Wes and Hal hold places; Ola has an open offer.
- Pat was trained elsewhere (recorded on 1 December 2025).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from booking.models import BookingStatus, Group, Mark
from booking.services import records, registers

COUNCIL_DOMAINS = {
    "Cumberland Council": "cumberland.gov.uk",
    "Westmorland and Furness Council": "westmorlandandfurness.gov.uk",
}

NOW = datetime(2026, 3, 20, 10, 0, tzinfo=UTC)


@dataclass
class Programme:
    a: object
    b: object
    c: object
    d: object
    people: dict
    coordinator: object


@pytest.fixture
def programme(make, clock, coordinator):
    clock.set(NOW)
    kendal, carlisle = make.venue("Kendal"), make.venue("Carlisle")
    a = make.course(date(2026, 3, 2), total_places=6, partner_places=2, venue_obj=kendal)
    b = make.course(date(2026, 2, 9), venue_obj=carlisle)
    c = make.course(date(2026, 4, 1), total_places=10, partner_places=2, venue_obj=kendal)
    d = make.course(date(2026, 6, 1), total_places=4, partner_places=1, venue_obj=carlisle)

    def person(name, group=Group.STAFF, organisation="Cumberland Council", team="Team North"):
        # Council staff leave their organisation blank: their address names their council.
        domain = COUNCIL_DOMAINS.get(organisation, "nhs.net")
        return make.person(
            group, full_name=name, organisation="" if group == Group.STAFF else organisation,
            team=team, email=f"{name.split()[0].lower()}@{domain}",
        )  # fmt: skip

    people = {
        "amy": person("Amy Adams"),
        "ben": person("Ben Brown", team="Team South"),
        "nia": person("Nia Nurse", Group.PARTNER, "NHS", "Health Visiting"),
        "dan": person("Dan Davies", organisation="Westmorland and Furness Council", team="East"),
        "cat": person("Cat Cole"),
        "eve": person("Eve Evans", organisation="Westmorland and Furness Council", team="West"),
        "fay": person("Fay Fox"),
        "gus": person("Gus Green"),
        "will": person("Will Waiting"),
        "wes": person("Wes West"),
        "hal": person("Hal Hill"),
        "ola": person("Ola Offer", Group.PARTNER, "NHS", "Midwives"),
        "pat": person("Pat Police", Group.PARTNER, "Cumbria Constabulary", ""),
    }
    p = people
    after_a = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    bookings = {name: make.booking(a, p[name]) for name in ("amy", "ben", "nia", "dan")}
    make.booking(a, p["cat"], status=BookingStatus.CANCELLED)
    day1, day2 = a.days
    marks = {
        "amy": (Mark.PRESENT, Mark.PRESENT),
        "ben": (Mark.LATE, Mark.LEFT_EARLY),
        "nia": (Mark.PRESENT, Mark.ABSENT),
        "dan": (Mark.ABSENT, Mark.ABSENT),
    }
    for name, (first, second) in marks.items():
        registers.mark(bookings[name], day1, first, actor=coordinator, now=after_a)
        registers.mark(bookings[name], day2, second, actor=coordinator, now=after_a)
    eve = make.booking(b, p["eve"])
    after_b = datetime(2026, 2, 11, 9, 0, tzinfo=UTC)
    for day in b.days:
        registers.mark(eve, day, Mark.PRESENT, actor=coordinator, now=after_b)
    make.booking(c, p["fay"])
    make.booking(c, p["gus"])
    make.booking(
        c, p["will"], status=BookingStatus.WAITLISTED, requested_at=NOW - timedelta(days=10)
    )
    make.booking(c, p["wes"], status=BookingStatus.WAITLISTED)
    make.booking(d, p["wes"])
    make.booking(d, p["hal"])
    make.booking(
        d, p["ola"], status=BookingStatus.OFFERED, offer_expires_at=NOW + timedelta(days=2)
    )
    records.record_completion_elsewhere(
        p["pat"], a.course_type, date(2025, 12, 1), actor=coordinator, now=NOW,
        reason="Trained by the police in 2025",
    )  # fmt: skip
    return Programme(a=a, b=b, c=c, d=d, people=people, coordinator=coordinator)

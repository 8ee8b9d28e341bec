"""The calendar by course type: each card says for whom the type is and what must be done
first; a GET form filters by type (no JavaScript); /courses.ics?type=<slug> is that type's
feed, read back with icalendar, and cached apart from the whole feed."""

from __future__ import annotations

from datetime import date

from icalendar import Calendar

from booking.extensions import db
from booking.models import CourseType

from .test_feed_cache import renders  # noqa: F401 - the fixture


def _types(make):
    intro = make.course_type()
    advanced = CourseType(
        name="Signs of Safety Advanced Training",
        slug="advanced",
        summary="Two days for practitioners who use the approach.",
        partners_may_book=False,
        default_partner_places=0,
    )
    advanced.prerequisites = [intro]
    db.session.add(advanced)
    db.session.commit()
    return intro, advanced


def test_each_card_says_for_whom_and_what_is_needed_first(client, clock, make):
    intro, advanced = _types(make)
    make.course(date(2026, 3, 2), type_obj=intro, venue_obj=make.venue("Carlisle"))
    make.course(date(2026, 3, 10), type_obj=advanced, venue_obj=make.venue("Kendal"))
    page = client.get("/courses").text
    assert page.count("For council staff and partner agencies") == 1
    assert (
        "For council staff. You need to have completed "
        "Signs of Safety Two Day Introductory Training first" in page
    )
    assert "Two days for practitioners who use the approach." in page


def test_the_calendar_filters_by_type_with_a_plain_get_form(client, clock, make):
    intro, advanced = _types(make)
    make.course(date(2026, 3, 2), type_obj=intro, venue_obj=make.venue("Carlisle"))
    make.course(date(2026, 3, 10), type_obj=advanced, venue_obj=make.venue("Kendal"))
    whole = client.get("/courses").text
    assert '<select class="govuk-select" id="type" name="type">' in whole
    assert '<option value="advanced">Signs of Safety Advanced Training</option>' in whole
    shown = client.get("/courses?type=advanced").text
    assert "1 of 2 courses match what you chose." in shown
    assert ", Kendal</h3>" in shown and ", Carlisle</h3>" not in shown
    assert '<option value="advanced" selected>' in shown
    # An unknown type shows nothing rather than an error.
    assert client.get("/courses?type=nothing-like-this").status_code == 200


def test_the_feed_of_one_type_has_only_its_courses(client, clock, make, renders):  # noqa: F811
    intro, advanced = _types(make)
    wanted = make.course(date(2026, 3, 10), type_obj=advanced)
    make.course(date(2026, 3, 2), type_obj=intro)
    response = client.get("/courses.ics?type=advanced")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert sorted(str(e["UID"]) for e in events) == [
        f"course-{wanted.id}-day-1@localhost",
        f"course-{wanted.id}-day-2@localhost",
    ]
    assert all(str(e["SUMMARY"]).startswith("Signs of Safety Advanced Training") for e in events)
    whole = client.get("/courses.ics")
    assert len(Calendar.from_ical(whole.data).walk("VEVENT")) == 4
    # Each is kept apart: asking again renders neither, and their ETags differ.
    again = client.get("/courses.ics?type=advanced")
    assert again.data == response.data and len(renders) == 2
    assert response.headers["ETag"] != whole.headers["ETag"]
    not_modified = client.get(
        "/courses.ics?type=advanced", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert not_modified.status_code == 304


def _course_ids(response) -> set[int]:
    """The courses in a feed, from their events' UIDs ("course-<id>-day-<n>@...")."""
    return {
        int(str(e["UID"]).split("-")[1]) for e in Calendar.from_ical(response.data).walk("VEVENT")
    }


def test_the_feed_takes_the_calendars_town_and_month_too(client, clock, make, renders):  # noqa: F811
    intro, advanced = _types(make)
    kendal, carlisle = make.venue("Kendal"), make.venue("Carlisle")
    kendal_march = make.course(date(2026, 3, 10), venue_obj=kendal, type_obj=intro)
    kendal_april = make.course(date(2026, 4, 14), venue_obj=kendal, type_obj=intro)
    carlisle_march = make.course(date(2026, 3, 3), venue_obj=carlisle, type_obj=advanced)

    assert _course_ids(client.get("/courses.ics?town=Kendal")) == {kendal_march.id, kendal_april.id}
    assert _course_ids(client.get("/courses.ics?month=2026-03")) == {
        kendal_march.id,
        carlisle_march.id,
    }
    both = client.get("/courses.ics?town=Kendal&month=2026-03&type=introductory")
    assert _course_ids(both) == {kendal_march.id}
    assert _course_ids(client.get("/courses.ics?town=Nowhere")) == set()
    # Places are not in the feed, so choosing them does not narrow it.
    whole = client.get("/courses.ics")
    assert client.get("/courses.ics?places=staff").headers["ETag"] == whole.headers["ETag"]
    assert len({whole.headers["ETag"], both.headers["ETag"]}) == 2
    again = client.get("/courses.ics?month=2026-03&town=Kendal&type=introductory")
    assert again.headers["ETag"] == both.headers["ETag"]  # the same choices, in any order


def test_a_narrowed_calendar_links_to_the_same_feed(client, clock, make):
    intro, _advanced = _types(make)
    make.course(date(2026, 3, 10), venue_obj=make.venue("Kendal"), type_obj=intro)
    page = client.get("/courses?town=Kendal&month=2026-03").text
    assert 'href="/courses.ics?town=Kendal&amp;month=2026-03"' in page
    assert 'id="chosen-feed"' not in client.get("/courses").text

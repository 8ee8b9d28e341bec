"""A course's days are close together, and its release date and booking cut-off are not set in
the past: rules of the courses service, so the form, the demo and any other caller obey them."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest

from booking.models import Course, CourseStatus
from booking.services import courses as service
from booking.services.courses import DayDetails
from booking.services.errors import Problems

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # a Monday
DAY1 = date(2026, 3, 2)


def _days(gap: int) -> list[DayDetails]:
    return [
        DayDetails(DAY1, time(9, 30), time(16, 30)),
        DayDetails(DAY1 + timedelta(days=gap), time(9, 30), time(16, 30)),
    ]


def _problems(call) -> list[tuple[str, str]]:
    with pytest.raises(Problems) as refused:
        call()
    return refused.value.problems


def test_day_two_a_year_after_day_one_is_refused(details):
    problems = _problems(
        lambda: service.create_course(details(days=_days(365)), actor="test", now=NOW)
    )
    assert problems == [("day2_date", "Day 2 must be no more than 14 days after day 1")]


def test_the_longest_gap_between_the_days_is_a_setting(details):
    assert service.create_course(details(days=_days(14)), actor="test", now=NOW)
    problems = _problems(
        lambda: service.create_course(details(days=_days(15)), actor="test", now=NOW)
    )
    assert problems == [("day2_date", "Day 2 must be no more than 14 days after day 1")]
    problems = _problems(
        lambda: service.create_course(
            details(days=_days(8)), actor="test", now=NOW, max_span_days=7
        )
    )
    assert problems == [("day2_date", "Day 2 must be no more than 7 days after day 1")]


def test_day_two_before_day_one_is_still_refused(details):
    problems = _problems(
        lambda: service.create_course(details(days=_days(-1)), actor="test", now=NOW)
    )
    assert problems == [("day2_date", "Day 2 must be after day 1")]


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("release_on", "The date places open to everyone cannot be in the past"),
        ("booking_closes_on", "The last day to book cannot be in the past"),
    ],
)
def test_a_release_date_or_cut_off_in_the_past_is_refused(details, field, message):
    yesterday = date(2026, 1, 4)
    problems = _problems(
        lambda: service.create_course(details(**{field: yesterday}), actor="test", now=NOW)
    )
    assert problems == [(field, message)]
    today = date(2026, 1, 5)
    assert service.create_course(details(**{field: today}), actor="test", now=NOW)


@pytest.fixture
def released_course(make):
    """A published course whose places opened to everyone (and booking closed) last week."""
    return make.course(
        date(2026, 1, 8),
        release_on=date(2025, 12, 25),
        booking_closes_at=datetime(2026, 1, 1, 23, 59, tzinfo=UTC),
    )


def _as_typed(course: Course, details, **changes):
    saved = {
        "venue": course.venue,
        "days": [DayDetails(d.date, d.starts_at, d.ends_at) for d in course.days],
        "release_on": course.release_on,
        "booking_closes_on": service.last_day_to_book(course),
    }
    return details(**{**saved, **changes})


def test_a_course_whose_dates_have_passed_can_still_be_changed(released_course, details):
    course = service.update_course(
        released_course,
        _as_typed(released_course, details, coordinator_note="Anne Tyson"),
        actor="t",
        now=NOW,
    )
    assert course.coordinator_note == "Anne Tyson"
    assert course.release_on == date(2025, 12, 25)


def test_moving_a_passed_date_to_another_past_date_is_refused(released_course, details):
    problems = _problems(
        lambda: service.update_course(
            released_course,
            _as_typed(released_course, details, release_on=date(2025, 12, 26)),
            actor="t",
            now=NOW,
        )
    )
    assert problems == [("release_on", "The date places open to everyone cannot be in the past")]


def test_the_demo_obeys_the_same_rules(app, runner, clock, monkeypatch):
    # One demo course has its second day a week after the first.
    monkeypatch.setitem(app.config, "COURSE_MAX_SPAN_DAYS", 3)
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 1
    assert "Day 2 must be no more than 3 days after day 1" in result.output
    assert "Traceback" not in result.output


# --- Through the coordinators' course form ---------------------------------------------------


@pytest.fixture
def signed_in(client, clock, make, sign_in_coordinator):
    return sign_in_coordinator(make.coordinator())


def _form(venue_id, **changes) -> dict:
    data = {
        "venue_id": str(venue_id),
        "day1_date": ["2", "3", "2026"],
        "day1_starts_at": "9:30am",
        "day1_ends_at": "4:30pm",
        "day2_date": ["3", "3", "2026"],
        "day2_starts_at": "9:30am",
        "day2_ends_at": "4pm",
        "total_places": "20",
        "partner_places": "4",
        "release_on": ["", "", ""],
        "booking_closes_on": ["", "", ""],
        "coordinator_note": "Ruth Steel",
        "notes": "",
    }
    return {**data, **changes}


def _errors(response) -> list[tuple[str, str]]:
    """(link target, message) of each entry in the GOV.UK error summary."""
    html = response.get_data(as_text=True)
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', html, re.S)
    assert summary, "no error summary on the page"
    return [
        (href, " ".join(text.split()))
        for href, text in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', summary.group(1), re.S)
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"day2_date": ["2", "3", "2027"]},
            "day2_date",
            "Day 2 must be no more than 14 days after day 1",
        ),
        (
            {"booking_closes_on": ["1", "1", "2026"]},
            "booking_closes_on",
            "The last day to book cannot be in the past",
        ),
        (
            {"release_on": ["1", "1", "2026"]},
            "release_on",
            "The date places open to everyone cannot be in the past",
        ),
    ],
)
def test_the_form_shows_the_problem_at_the_field(signed_in, make, changes, field, message):
    venue = make.venue("Carlisle")
    response = signed_in.post("/coordinator/courses/new", data=_form(venue.id, **changes))
    assert response.status_code == 200
    [(href, text)] = _errors(response)
    assert href.startswith(f"#{field}") and text == message
    assert f'id="{field}-error"' in response.get_data(as_text=True)


def test_the_form_saves_a_course_whose_dates_have_passed(signed_in, released_course, db):
    form = signed_in.get(f"/coordinator/courses/{released_course.id}/edit")
    assert form.status_code == 200
    data = _form(
        released_course.venue_id,
        day1_date=["8", "1", "2026"],
        day2_date=["9", "1", "2026"],
        release_on=["25", "12", "2025"],
        booking_closes_on=["1", "1", "2026"],
        coordinator_note="Anne Tyson",
    )
    response = signed_in.post(f"/coordinator/courses/{released_course.id}/edit", data=data)
    assert response.status_code == 302, _errors(response)
    db.session.expire_all()
    saved = db.session.get(Course, released_course.id)
    assert (saved.coordinator_note, saved.status) == ("Anne Tyson", CourseStatus.PUBLISHED)

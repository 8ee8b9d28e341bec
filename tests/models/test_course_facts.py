"""Facts about one course at a moment, each defined once and the same in Python and SQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from booking.models import Course, CourseStatus

from ..support.hybrids import same_in_python_and_sql

CUT_OFF = datetime(2026, 2, 26, 23, 59, tzinfo=UTC)


@pytest.fixture
def courses(make):
    """Courses starting 2 March 2026 (cut-off 11:59pm on 26 February) in every state."""
    return {
        status: make.course(date(2026, 3, 2), status=status, booking_closes_at=CUT_OFF)
        for status in (CourseStatus.PUBLISHED, CourseStatus.DRAFT, CourseStatus.CANCELLED)
    }


@pytest.mark.parametrize(
    ("now", "open_ones"),
    [
        (datetime(2026, 2, 26, 23, 58, tzinfo=UTC), {CourseStatus.PUBLISHED}),
        (CUT_OFF, set()),
        (datetime(2026, 2, 27, 9, 0, tzinfo=UTC), set()),
    ],
)
def test_open_for_booking_means_published_and_before_the_cut_off(make, courses, now, open_ones):
    other = make.course(date(2026, 4, 6), booking_closes_at=datetime(2026, 4, 2, tzinfo=UTC))
    rows = [*courses.values(), other]
    found = same_in_python_and_sql(
        Course, rows, Course.is_open_for_booking(now), lambda c: c.is_open_for_booking(now)
    )
    assert found == {courses[s].id for s in open_ones} | {other.id}


@pytest.mark.parametrize(
    ("now", "past"),
    [
        (datetime(2026, 2, 26, 23, 58, tzinfo=UTC), False),
        (CUT_OFF, True),
    ],
)
def test_the_cut_off_is_the_moment_booking_closes_at(make, courses, now, past):
    other = make.course(date(2026, 4, 6), booking_closes_at=datetime(2026, 4, 2, tzinfo=UTC))
    earlier = make.course(date(2026, 1, 12), booking_closes_at=datetime(2026, 1, 8, tzinfo=UTC))
    rows = [*courses.values(), other, earlier]
    found = same_in_python_and_sql(
        Course, rows, Course.is_past_cut_off(now), lambda c: c.is_past_cut_off(now)
    )
    expected = {earlier.id} | ({c.id for c in courses.values()} if past else set())
    assert found == expected


@pytest.mark.parametrize(
    ("now", "released"),
    [
        # 31 May 2026 at 11:30pm UTC is 12:30am on 1 June in London (summer time).
        (datetime(2026, 5, 31, 22, 59, tzinfo=UTC), {"before"}),
        (datetime(2026, 5, 31, 23, 0, tzinfo=UTC), {"before", "on the day"}),
    ],
)
def test_places_open_to_everyone_from_midnight_in_london_or_when_released_early(
    make, now, released
):
    rows = {
        "before": make.course(date(2026, 6, 8), release_on=date(2026, 5, 25)),
        "on the day": make.course(date(2026, 6, 15), release_on=date(2026, 6, 1)),
        "later": make.course(date(2026, 6, 29), release_on=date(2026, 6, 15)),
        "released early": make.course(
            date(2026, 7, 6),
            release_on=date(2026, 6, 22),
            released_early_at=datetime(2026, 5, 20, 10, 0, tzinfo=UTC),
        ),
    }
    found = same_in_python_and_sql(
        Course, rows.values(), Course.is_released(now), lambda c: c.is_released(now)
    )
    assert found == {rows[name].id for name in released | {"released early"}}


@pytest.mark.parametrize(
    ("now", "over"),
    [
        # Day 2 is Tuesday 2 June 2026; London is an hour ahead of UTC in summer.
        (datetime(2026, 6, 2, 22, 59, tzinfo=UTC), {"last week"}),
        (datetime(2026, 6, 2, 23, 0, tzinfo=UTC), {"last week", "ends today"}),
    ],
)
def test_a_course_is_over_from_midnight_in_london_after_its_last_day(db, make, now, over):
    rows = {
        "last week": make.course(date(2026, 5, 25)),
        "ends today": make.course(date(2026, 6, 1)),
        "next week": make.course(date(2026, 6, 8)),
        "cancelled, next week": make.course(date(2026, 6, 9), status=CourseStatus.CANCELLED),
        "no days yet": make.course(date(2026, 5, 4)),
    }
    rows["no days yet"].days = []
    db.session.commit()
    found = same_in_python_and_sql(
        Course, rows.values(), Course.is_over(now), lambda c: c.is_over(now)
    )
    assert found == {rows[name].id for name in over}

"""The attendance report has a column for each day up to the longest course's last, and
counts a course of any number of days as completed only when every day counted."""

from __future__ import annotations

from datetime import UTC, date, datetime

from booking.models import Mark
from booking.services import registers, reports

from .test_report_pages import read_csv


def _mark_on_the_day(booking, day, mark, actor):
    registers.mark(
        booking, day, mark, actor=actor, now=datetime.combine(day.date, datetime.min.time(), UTC)
    )


def _programme(make, coordinator):
    """A one-day course (Ann came) and a three-day course (Bea came every day; Cal missed
    day 2), both in March 2026."""
    one = make.course(dates=[date(2026, 3, 2)])
    three = make.course(dates=[date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 11)])
    ann = make.booking(one, make.person(full_name="Ann"))
    _mark_on_the_day(ann, one.days[0], Mark.PRESENT, coordinator)
    bea = make.booking(three, make.person(full_name="Bea"))
    cal = make.booking(three, make.person(full_name="Cal"))
    for day in three.days:
        _mark_on_the_day(bea, day, Mark.PRESENT, coordinator)
        _mark_on_the_day(
            cal, day, Mark.ABSENT if day.day_number == 2 else Mark.PRESENT, coordinator
        )
    return one, three


def test_each_course_counts_its_own_days(make, coordinator):
    _programme(make, coordinator)
    one, three = reports.attendance_by_course(date(2026, 3, 1), date(2026, 3, 31))
    assert (one.attended, one.completed, one.not_completed) == ([1], 1, 0)
    assert (three.attended, three.completed, three.not_completed) == ([2, 1, 2], 1, 1)
    assert reports.most_days([one, three]) == 3
    assert reports.most_days([]) == 2


def test_the_page_and_the_download_have_a_column_for_every_day(
    coordinator_client, make, coordinator
):
    _programme(make, coordinator)
    page = coordinator_client.get(
        "/coordinator/reports/attendance?start=2026-03-01&end=2026-03-31"
    ).get_data(as_text=True)
    assert "Attended day 3" in page
    assert "both days" not in page
    assert '<span class="govuk-visually-hidden">No day 2</span>' in page
    rows = read_csv(
        coordinator_client.get(
            "/coordinator/reports/attendance.csv?start=2026-03-01&end=2026-03-31"
        )
    )
    assert rows[0][4:7] == ["Attended day 1", "Attended day 2", "Attended day 3"]
    assert rows[1][4:10] == ["1", "", "", "1", "0", "0"]
    assert rows[2][4:10] == ["2", "1", "2", "1", "1", "0"]

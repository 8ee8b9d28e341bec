"""The report period is typed as GOV.UK dates (day, month and year boxes), and a date that is
missing or not real is an error at its boxes and in the summary, never quietly replaced."""

from __future__ import annotations

import re

import pytest

URL = "/coordinator/reports/no-shows"


def period(start: tuple[str, str, str], end: tuple[str, str, str]) -> list[tuple[str, str]]:
    return [("start", part) for part in start] + [("end", part) for part in end]


def test_the_period_is_two_govuk_date_inputs_filled_with_the_default(coordinator_client, clock):
    page = coordinator_client.get(URL).get_data(as_text=True)
    assert 'type="date"' not in page
    for field in ("start", "end"):
        for part in ("day", "month", "year"):
            assert f'id="{field}-{part}" name="{field}"' in page
    assert re.search(r'id="end-day" name="end" type="text" value="05"', page)
    assert re.search(r'id="end-year" name="end" type="text" value="2026"', page)
    assert "Start date" in page and "For example, 1 3 2026" in page


def test_a_period_typed_in_the_boxes_is_the_one_reported(coordinator_client, programme):
    response = coordinator_client.get(
        URL, query_string=period(("1", "3", "2026"), ("31", "3", "2026"))
    )
    page = response.get_data(as_text=True)
    assert "Dan Davies" in page
    assert "for courses from Sunday 1 March 2026 to Tuesday 31 March 2026" in page
    assert 'href="/coordinator/reports/no-shows.csv?start=2026-03-01&amp;end=2026-03-31"' in page


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (("", "", ""), "Enter the start date"),
        (("31", "2", "2026"), "Start date must be a real date, for example 27 3 2026"),
        (("1", "", "2026"), "Start date must include a month"),
        (("1", "3", "26"), "Start date must have a year with 4 numbers, for example 2026"),
    ],
)
def test_a_missing_or_unreal_date_is_an_error_at_its_boxes(
    coordinator_client, programme, start, message
):
    response = coordinator_client.get(URL, query_string=period(start, ("31", "3", "2026")))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert f'<a href="#start">{message}</a>' in page  # the summary, linked to the boxes
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in page  # at the field
    assert "Correct the dates to see the report" in page
    assert "Dan Davies" not in page  # not a report for some other period
    assert page.count("govuk-input--error") == 3
    assert "<title>Error:" in page


def test_a_download_with_dates_that_are_not_real_is_refused_plainly(coordinator_client, clock):
    response = coordinator_client.get(f"{URL}.csv?start=2026-02-31&end=2026-03-31")
    assert response.status_code == 400

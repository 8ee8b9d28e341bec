"""Report charts: every bar has its own label, written in full, with the numbers in the same
table (the chart is that table with a bar drawn in each row)."""

from __future__ import annotations

import re
from datetime import date, time

VENUE = "Barrow-in-Furness Town Hall, Council Chamber Annexe"


def chart_labels(page: str, chart_id: str) -> list[str]:
    table = page[page.index(f'id="{chart_id}-table"') :]
    table = table[: table.index("</table>")]
    return re.findall(r'<th scope="row" class="[^"]*app-bar-chart__label">([^<]*)</th>', table)


def test_two_courses_on_one_day_at_one_venue_have_bars_told_apart(coordinator_client, clock, make):
    venue = make.venue("Barrow-in-Furness", name=VENUE)
    make.course(date(2025, 12, 8), venue_obj=venue, starts_at=time(9, 30))
    make.course(date(2025, 12, 8), venue_obj=venue, starts_at=time(13, 0))
    make.course(date(2025, 12, 15), venue_obj=make.venue("Kendal"))
    page = coordinator_client.get(
        "/coordinator/reports/attendance?start=2025-12-01&end=2025-12-31"
    ).get_data(as_text=True)
    labels = chart_labels(page, "completed-chart")
    assert labels == [
        f"8 December 2025, {VENUE}, 9:30am",
        f"8 December 2025, {VENUE}, 1pm",
        "15 December 2025, Kendal Town Hall",
    ]
    assert "…" not in page
    # The same labels head the rows of the full table below, so the two agree.
    assert page.count(f"8 December 2025, {VENUE}, 1pm") == 2


def test_the_organisation_chart_is_a_table_of_its_numbers(coordinator_client, programme):
    page = coordinator_client.get(
        "/coordinator/reports/completions?start=2025-11-01&end=2026-03-31"
    ).get_data(as_text=True)
    labels = chart_labels(page, "organisations-chart")
    assert "Cumberland Council" in labels and "Westmorland and Furness Council" in labels
    table = page[page.index('id="organisations-chart-table"') :]
    assert '<caption id="organisations-chart"' in table[:400]
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">2</td>' in table
    assert 'aria-hidden="true"' in table  # only the drawn bars are hidden

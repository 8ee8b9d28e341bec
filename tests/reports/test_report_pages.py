"""Report pages: filters, charts with a table of the same numbers, CSV downloads, access."""

import csv
import io

import pytest


def read_csv(response):
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))


def test_attendance_page_has_a_chart_and_the_same_numbers_in_a_table(coordinator_client, programme):
    page = coordinator_client.get(
        "/coordinator/reports/attendance?start=2026-03-01&end=2026-03-31"
    ).get_data(as_text=True)
    assert '<svg class="app-chart" aria-hidden="true"' in page
    assert "2 March 2026, Kendal Town Hall" in page
    assert "<table" in page
    assert 'href="/coordinator/reports/attendance.csv?start=2026-03-01&amp;end=2026-03-31"' in page


def test_attendance_download_has_the_figures(coordinator_client, programme):
    rows = read_csv(
        coordinator_client.get(
            "/coordinator/reports/attendance.csv?start=2026-03-01&end=2026-03-31"
        )
    )
    assert rows[0][:3] == ["Course starts", "Venue", "Places held"]
    assert rows[1] == ["2026-03-02", "Kendal Town Hall", "4", "0", "3", "2", "2", "2", "1"]


def test_a_period_that_ends_before_it_starts_is_explained(coordinator_client, programme):
    page = coordinator_client.get(
        "/coordinator/reports/attendance?start=2026-03-31&end=2026-03-01"
    ).get_data(as_text=True)
    assert "The end date must be the same as or after the start date" in page


def test_nonsense_dates_are_errors_not_quietly_replaced(coordinator_client, programme):
    response = coordinator_client.get("/coordinator/reports/no-shows?start=yesterday&end=99")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "Correct the dates to see the report" in page
    assert "Dan Davies" not in page


def test_completions_page_and_download(coordinator_client, programme):
    url = "/coordinator/reports/completions?start=2026-01-01&end=2026-03-31"
    page = coordinator_client.get(url).get_data(as_text=True)
    assert "Completions by organisation" in page and "Team South" in page
    rows = read_csv(coordinator_client.get(url.replace("completions?", "completions.csv?")))
    assert rows[1:] == [
        ["Cumberland Council", "Team North", "1", "0", "1"],
        ["Cumberland Council", "Team South", "1", "0", "1"],
        ["Westmorland and Furness Council", "West", "1", "0", "1"],
    ]


def test_no_shows_page_and_download(coordinator_client, programme):
    url = "/coordinator/reports/no-shows?start=2026-03-01&end=2026-03-31"
    assert "Dan Davies" in coordinator_client.get(url).get_data(as_text=True)
    rows = read_csv(coordinator_client.get(url.replace("no-shows?", "no-shows.csv?")))
    assert [r[0] for r in rows[1:]] == ["Dan Davies"]


def test_waiting_page_and_download(coordinator_client, programme):
    assert "Will Waiting" in coordinator_client.get("/coordinator/reports/waiting").get_data(
        as_text=True
    )
    rows = read_csv(coordinator_client.get("/coordinator/reports/waiting.csv"))
    assert rows[1][0] == "Will Waiting" and rows[1][-1] == "10"


def test_the_dashboard_shows_courses_offers_waiting_and_risk(coordinator_client, programme):
    page = coordinator_client.get("/coordinator").get_data(as_text=True)
    assert "2 of 8" in page  # staff places on C against the staff allocation
    assert "At risk" in page
    assert "Ola Offer" in page
    assert "Training recorded from elsewhere" in page


@pytest.mark.parametrize(
    "path",
    [
        "/coordinator",
        "/coordinator/reports",
        "/coordinator/reports/attendance",
        "/coordinator/reports/attendance.csv",
        "/coordinator/reports/completions",
        "/coordinator/reports/completions.csv",
        "/coordinator/reports/no-shows",
        "/coordinator/reports/no-shows.csv",
        "/coordinator/reports/waiting",
        "/coordinator/reports/waiting.csv",
        "/coordinator/reports/people",
        "/coordinator/reports/people/1",
        "/coordinator/reports/people/1/record.csv",
        "/coordinator/reports/people/1/completed-elsewhere",
        "/coordinator/reports/import",
    ],
)
def test_every_report_page_needs_a_coordinator(client, programme, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/coordinator/sign-in" in response.location


def test_confirming_an_import_needs_a_coordinator(client, programme):
    response = client.post("/coordinator/reports/import/confirm", data={"payload": "x"})
    assert response.status_code == 302
    assert "/coordinator/sign-in" in response.location

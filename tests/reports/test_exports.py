"""CSV exports open in Excel: UTF-8 with a BOM, ISO dates, and no cell can become a formula."""

import csv
import io
from datetime import UTC, date, datetime

import pytest

from booking.services import exports


def read_back(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 byte order mark for Excel"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize(
    "risky",
    ["=SUM(A1:A9)", "+44 1539 000000", "-2+3", "@SUM(1)", "\t=1", "\r=1", '=HYPERLINK("x")'],
)
def test_text_that_could_run_as_a_formula_is_neutralised(risky):
    [header, row] = read_back(exports.to_csv(["Name"], [[risky]]))
    assert row == ["'" + risky]


def test_ordinary_text_numbers_and_dates_are_kept_as_they_are():
    moment = datetime(2026, 7, 1, 8, 30, tzinfo=UTC)  # 9:30 in London (summer time)
    [header, row] = read_back(
        exports.to_csv(
            ["Name", "Count", "Change", "On", "At", "Yes"],
            [["Siân O'Neill – Team", 12, -3, date(2026, 3, 2), moment, True]],
        )
    )
    assert header == ["Name", "Count", "Change", "On", "At", "Yes"]
    assert row == ["Siân O'Neill – Team", "12", "-3", "2026-03-02", "2026-07-01 09:30", "Yes"]


def test_rows_end_the_way_excel_expects():
    assert exports.to_csv(["A"], [["b"]]).endswith(b"\r\n")


def test_the_register_export_reads_back_with_everyone_and_their_mark(make, sign_in_coordinator):
    from booking.models import Mark
    from booking.services import registers

    coordinator = make.coordinator()
    course = make.course()
    booking = make.booking(course, make.person(full_name="@Amy", organisation="=cmd|' /C calc'!A0"))
    day = course.days[0]
    registers.mark(
        booking, day, Mark.LATE, actor=coordinator, now=datetime(2026, 3, 2, 10, tzinfo=UTC)
    )
    data = (
        sign_in_coordinator(coordinator)
        .get(f"/coordinator/registers/days/{day.id}/register.csv")
        .data
    )
    header, row = read_back(data)
    record = dict(zip(header, row, strict=True))
    assert record["Name"] == "'@Amy"
    assert record["Organisation"] == "'=cmd|' /C calc'!A0"
    assert record["Date"] == "2026-03-02"
    assert record["Mark"] == "Late"
    assert record["Marked at"] == "2026-03-02 10:00"

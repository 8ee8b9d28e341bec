"""Dates as people write them in a request, each with the course days it must find.

The course calendar is that of tests/mailbox/conftest.py plus the January course below; a
date that is not a course day can never be an answer, so only course days are compared.
"""

from __future__ import annotations

from datetime import date

NOW = date(2026, 1, 5)  # a Monday
CALENDAR = {
    date(2026, 1, 13), date(2026, 1, 14),  # a Tuesday and Wednesday (Workington)
    date(2026, 3, 2), date(2026, 3, 3),
    date(2026, 3, 10), date(2026, 3, 11),
    date(2026, 4, 14), date(2026, 4, 15),
    date(2026, 10, 6), date(2026, 10, 7),
}  # fmt: skip

APR14, MAR2, MAR3, MAR10, OCT6, JAN13 = (
    date(2026, 4, 14), date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 10),
    date(2026, 10, 6), date(2026, 1, 13),
)  # fmt: skip

DATE_CASES: list[tuple[str, tuple[date, ...]]] = [
    ("Please book me on 14 April", (APR14,)),
    ("Can I come on 14th April please", (APR14,)),
    ("14th Apr.", (APR14,)),
    ("Book me on 14/04/2026", (APR14,)),
    ("14/4 please", (APR14,)),
    ("14.04.26", (APR14,)),
    ("14-04-2026", (APR14,)),
    ("2026-04-14", (APR14,)),
    ("Tuesday 14th April", (APR14,)),
    ("April 14th would be great", (APR14,)),
    ("the 14th of April", (APR14,)),
    ("I'd like to attend on the 2nd and 3rd March", (MAR2, MAR3)),
    ("Can I do 2nd-3rd March", (MAR2, MAR3)),
    ("Either 2 March or 10 March", (MAR2, MAR10)),
    ("Tues 6 Oct", (OCT6,)),
    ("1st April", ()),  # not a course day: nothing
    ("It starts at 9.30 and ends at 4.30pm, see version 2.1", ()),
    ("Call 01539 713000 or 10:15", ()),
    ("I have 2 children and work 3 days a week", ()),
    ("Room 3/4 at the Kendal office", ()),
    ("Please book me on the Kendal course in March", ()),  # a month, not a date
    ("I'm free on 10th March from 10-11am", (MAR10,)),
    ("next Tuesday week", (JAN13,)),
    ("Tuesday 13th January", (JAN13,)),
    ("13 Jan", (JAN13,)),
    ("can I have a place on the 10th March course, or the 14th April one", (MAR10, APR14)),
    ("03/02/2026", ()),  # 3 February, day first: not 2 March
    ("the 6th October course", (OCT6,)),
    ("OCTOBER 6TH", (OCT6,)),
    ("6 october", (OCT6,)),
]

#: Dates said relative to the day the message is written: (text, written on, course days).
RELATIVE_CASES: list[tuple[str, date, tuple[date, ...]]] = [
    ("Could I come next Tuesday?", date(2026, 1, 8), (JAN13,)),  # said on a Thursday
    ("Is there room on Tuesday?", date(2026, 1, 8), (JAN13,)),
    ("Can I have a place on the 13th?", NOW, (JAN13,)),
    ("the 14th please", date(2026, 3, 20), (APR14,)),  # said after the 14th: next month's
    ("the 12th", NOW, ()),  # 12 January: no course runs then
    ("see you on the 3rd", date(2026, 2, 10), (MAR3,)),
]

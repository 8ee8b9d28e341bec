"""How a course's days are named in sentences: never "both days" unless there are two."""

from __future__ import annotations

from datetime import date

import pytest

from booking.words import (
    and_list,
    come_to_every_day,
    dates_in_words,
    days_in_words,
    every_day,
    missed_days_words,
)


@pytest.mark.parametrize(
    ("count", "words", "come"),
    [
        (1, "the day", "come for the whole day"),
        (2, "both days", "come to both days"),
        (3, "all 3 days", "come to all 3 days"),
        (5, "all 5 days", "come to all 5 days"),
    ],
)
def test_every_day_of_a_course(count, words, come):
    assert every_day(count) == words
    assert come_to_every_day(count) == come


def test_days_missed():
    assert missed_days_words([2], 2) == "day 2"
    assert missed_days_words([1, 2], 2) == "both days"
    assert missed_days_words([1], 1) == "the day"
    assert missed_days_words([1, 3], 3) == "days 1 and 3"
    assert missed_days_words([1, 2, 3], 3) == "all 3 days"


def test_lists_and_numbers():
    assert and_list([]) == ""
    assert and_list(["a"]) == "a"
    assert and_list(["a", "b", "c"]) == "a, b and c"
    assert [days_in_words(n) for n in (1, 2, 3, 5)] == [
        "one day",
        "two days",
        "three days",
        "five days",
    ]


@pytest.mark.parametrize(
    ("dates", "words"),
    [
        ([date(2026, 3, 2)], "Monday 2 March 2026"),
        ([date(2026, 3, 2), date(2026, 3, 3)], "Monday 2 and Tuesday 3 March 2026"),
        (
            [date(2026, 3, 30), date(2026, 3, 31), date(2026, 4, 1)],
            "Monday 30, Tuesday 31 March and Wednesday 1 April 2026",
        ),
        (
            [date(2026, 12, 31), date(2027, 1, 1)],
            "Thursday 31 December 2026 and Friday 1 January 2027",
        ),
    ],
)
def test_a_course_s_dates_as_a_title(dates, words):
    assert dates_in_words(dates) == words

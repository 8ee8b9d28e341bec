"""Reading what a sender wants: dates as people write them, towns and months, intent,
support needs. Pure functions: no database."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from booking.mail.inbound.understanding import (
    CourseSummary,
    Intent,
    find_dates,
    support_needs,
    understand,
)

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
COURSES = [
    CourseSummary(1, (date(2026, 3, 2), date(2026, 3, 3)), "Kendal"),
    CourseSummary(2, (date(2026, 3, 10), date(2026, 3, 11)), "Carlisle"),
    CourseSummary(3, (date(2026, 10, 3), date(2026, 10, 6)), "Kendal"),
    CourseSummary(4, (date(2026, 5, 12), date(2026, 5, 13)), "Barrow-in-Furness"),
]


@pytest.mark.parametrize(
    "written",
    [
        "3 October",
        "3rd Oct",
        "3rd Oct.",
        "03/10/2026",
        "3/10",
        "3.10.26",
        "3-10-2026",
        "Tuesday 3rd October",
        "Sat 3 October 2026",
        "2026-10-03",
        "October 3rd",
        "the 3rd of October",
    ],
)
def test_dates_are_read_the_ways_people_write_them(written):
    assert find_dates(f"Can I come on {written} please", now=NOW) == [date(2026, 10, 3)]


def test_numeric_dates_are_day_first():
    assert find_dates("4/5", now=NOW) == [date(2026, 5, 4)]


def test_a_date_without_a_year_is_the_next_one_to_come():
    """dateparser's rule: today's own date without a year is next year's (no course can be
    booked by email on the day it runs, so nothing is lost)."""
    assert find_dates("6 January", now=NOW) == [date(2026, 1, 6)]
    assert find_dates("4 January", now=NOW) == [date(2027, 1, 4)]


def test_dates_are_looked_for_near_the_top_of_a_long_message():
    """dateparser's time grows with the text, so only the start of a huge message is read."""
    from booking.mail.inbound.understanding import DATE_SEARCH_CHARS

    padding = "I would like a place. " * (DATE_SEARCH_CHARS // 20)
    assert find_dates("3 October. " + padding, now=NOW) == [date(2026, 10, 3)]
    assert find_dates(padding + "3 October.", now=NOW) == []


def test_a_stretch_of_time_is_not_a_date():
    """dateparser reads "3 days a week" as three days from today: never a course day."""
    assert find_dates("I have 2 children and work 3 days a week", now=NOW) == []
    assert find_dates("I did the course 2 years ago", now=NOW) == []


def test_times_and_version_numbers_are_not_dates():
    assert find_dates("It starts at 9.30 and ends at 4.30pm, see version 2.1", now=NOW) == []
    assert find_dates("Call 01539 713000 or 10:15", now=NOW) == []


def test_impossible_dates_are_ignored():
    result = understand("Book me on 31/02/2026", courses=COURSES, now=NOW)
    assert result.named == ()
    assert result.course_ids == ()


def test_a_pair_of_days_matches_the_one_course():
    result = understand("I'd like to attend on the 2nd and 3rd March", courses=COURSES, now=NOW)
    assert result.named == ("Monday 2 March 2026", "Tuesday 3 March 2026")
    assert result.course_ids == (1,)


def test_a_date_matches_either_course_day():
    assert understand("Book me on 11 March", courses=COURSES, now=NOW).course_ids == (2,)
    assert understand("Book me on 10 March", courses=COURSES, now=NOW).course_ids == (2,)


def test_town_and_month_find_the_course():
    result = understand("Please book me on the Kendal one in March", courses=COURSES, now=NOW)
    assert result.intent == Intent.BOOK
    assert result.course_ids == (1,)
    assert result.named == ("Kendal", "March")
    assert "Kendal and March" in result.guesses[-1]


def test_a_town_with_two_courses_is_ambiguous_and_says_so():
    result = understand("Please book me on the Kendal course", courses=COURSES, now=NOW)
    assert result.course_ids == (1, 3)


def test_a_town_breaks_a_tie_between_courses_on_the_same_date():
    courses = [*COURSES, CourseSummary(5, (date(2026, 3, 2), date(2026, 3, 3)), "Workington")]
    result = understand("Book me on 2 March in Workington", courses=courses, now=NOW)
    assert result.course_ids == (5,)


def test_no_match_is_explicit():
    result = understand("Please book me on 20 June", courses=COURSES, now=NOW)
    assert result.course_ids == ()
    assert any("No course runs on Saturday 20 June 2026" in g for g in result.guesses)


def test_may_the_verb_is_not_may_the_month():
    result = understand("May I ask where the course is?", courses=COURSES, now=NOW)
    assert result.named == ()
    assert result.course_ids == ()


@pytest.mark.parametrize(
    "text",
    [
        "Please cancel my place on 2 March.",
        "I can't come on 2 March any more, sorry.",
        "I can no longer attend the course on 2 March.",
        "Unfortunately I won't be able to make it on 2 March.",
        "I'm unable to attend on the 2nd March.",
        "Please take me off the 2 March course.",
    ],
)
def test_cancellations_are_recognised(text):
    result = understand(text, courses=COURSES, now=NOW)
    assert result.intent == Intent.CANCEL
    assert result.course_ids == (1,)


@pytest.mark.parametrize(
    "text",
    [
        "Could I book a place on 2 March?",
        "I would like to attend on 2 March.",
        "Please sign me up for 2 March",
        "Can I come on 2 March?",
        "2 March please",
    ],
)
def test_requests_for_a_place_are_recognised(text):
    result = understand(text, courses=COURSES, now=NOW)
    assert result.intent == Intent.BOOK
    assert result.course_ids == (1,)


def test_asking_to_move_dates_is_left_for_a_coordinator():
    result = understand(
        "I can't come on 2 March, could I do 10 March instead?", courses=COURSES, now=NOW
    )
    assert result.intent == Intent.MOVE


def test_a_question_naming_a_date_is_not_a_request():
    result = understand("Is there parking for the 2 March course?", courses=COURSES, now=NOW)
    assert result.intent == Intent.UNCLEAR
    assert result.has_question


def test_support_needs_are_the_sentences_that_mention_them():
    text = (
        "Please book me on 2 March. I use a wheelchair and need a ramp. "
        "I will need a BSL interpreter!\nAlso I am vegetarian. See you there.\n"
        "I need to book parking too."
    )
    assert support_needs(text) == (
        "I use a wheelchair and need a ramp.\nI will need a BSL interpreter!\nAlso I am vegetarian."
    )


def test_i_need_alone_counts_unless_the_sentence_is_about_booking():
    assert support_needs("I need handouts printed in advance.") == (
        "I need handouts printed in advance."
    )
    assert support_needs("I need to cancel my place.") == ""


def test_the_record_keeps_no_support_needs_text():
    result = understand("Book me on 2 March. I am deaf.", courses=COURSES, now=NOW)
    assert result.support_needs == "I am deaf."
    record = result.as_record()
    assert record["support_needs_mentioned"] is True
    assert "deaf" not in str(record)


def test_the_words_in_phrases_toml_match_curly_apostrophes_and_any_spacing():
    """phrases.toml's helps: a straight apostrophe there matches a curly one in a message,
    and a space matches any run of spaces or a line break."""
    assert understand("I can’t  make\nit on 2 March", courses=COURSES, now=NOW).intent == (
        Intent.CANCEL
    )
    assert support_needs("I’ll need to leave at 3pm on the second day.") == (
        "I’ll need to leave at 3pm on the second day."
    )

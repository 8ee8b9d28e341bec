"""A course on 2 and 3 March 2026 (self check-in is on unless a test switches it off), and
moments on its days."""

from datetime import UTC, datetime

import pytest

from config import TESTING_SECRET_KEY

#: 9:45 on day 1: exactly the start of a 30-second step, so tests can step from it.
DAY_1_MORNING = datetime(2026, 3, 2, 9, 45, tzinfo=UTC)
DAY_2_MORNING = datetime(2026, 3, 3, 9, 45, tzinfo=UTC)
SECRET = TESTING_SECRET_KEY


@pytest.fixture
def course(make):
    return make.course(total_places=3, partner_places=1)


@pytest.fixture
def day1(course):
    return course.days[0]


@pytest.fixture
def day2(course):
    return course.days[1]

"""A course on 2 and 3 March 2026, and times on and after its days (the signed-in
coordinator is in tests/conftest.py)."""

from datetime import UTC, datetime

import pytest

DAY_1_MORNING = datetime(2026, 3, 2, 9, 45, tzinfo=UTC)
DAY_2_MORNING = datetime(2026, 3, 3, 9, 45, tzinfo=UTC)
WEEK_AFTER = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
COUNCIL_DOMAINS = ["cumberland.gov.uk", "westmorlandandfurness.gov.uk", "cumbria.gov.uk"]


@pytest.fixture
def course(make):
    return make.course(total_places=3, partner_places=1)


@pytest.fixture
def day1(course):
    return course.days[0]


@pytest.fixture
def day2(course):
    return course.days[1]


@pytest.fixture
def on_day_1(clock):
    return clock.set(DAY_1_MORNING)

"""When the database stays busy, every page shows the same "please try again" page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from booking.models import BookingStatus, CourseStatus
from booking.services import links
from booking.web import RETRY_AFTER_SECONDS

from ..support.busy_database import course_locked_elsewhere, impatient_app

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def busy_app(make_app, app, db):
    with impatient_app(make_app, db, now=NOW) as busy:
        yield busy


def _main(response) -> str:
    return re.search(r"<main.*?</main>", response.get_data(as_text=True), re.S).group(0)


def _without_reference(html: str) -> str:
    return re.sub(r'(<strong class="app-reference">).*?(</strong>)', r"\1\2", html)


def test_a_busy_database_shows_the_same_try_again_page_everywhere(
    busy_app, db, make, sign_in_coordinator
):
    course = make.course()
    offered = make.booking(
        course, status=BookingStatus.OFFERED, offer_expires_at=NOW + timedelta(days=2)
    )
    token = links.manage_token(offered, busy_app.config["SECRET_KEY"])
    person = busy_app.test_client()
    coordinator = sign_in_coordinator(make.coordinator(), busy_app.test_client())

    with course_locked_elsewhere(db, course.id):
        # A person answering an offer, and a coordinator cancelling the course: two pages
        # that show a refusal in different ways (a flash, an error on the form).
        accept = person.post(f"/b/{token}/accept")
        cancel = coordinator.post(
            f"/coordinator/courses/{course.id}/cancel", data={"reason": "The trainer is ill."}
        )

    for response in (accept, cancel):
        assert response.status_code == 503
        assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
        assert "Please try again" in _main(response)
        assert "Lots of people are booking right now" in _main(response)
    # The same page, apart from each request's own reference.
    assert _without_reference(_main(accept)) == _without_reference(_main(cancel))
    db.session.expire_all()
    assert offered.status == BookingStatus.OFFERED
    assert course.status == CourseStatus.PUBLISHED

"""A course whose release date has already passed keeps no places for partner agencies: the
course form says so before saving (issue 15, item 16)."""

from __future__ import annotations

from sqlalchemy import func, select

from booking.models import Course


def courses(db) -> int:
    return db.session.scalar(select(func.count(Course.id)))


def test_a_course_a_week_ahead_warns_that_its_release_date_has_passed(
    coordinator_client, make, course_form, db, clock
):
    venue = make.venue("Carlisle")
    # The clock says 5 January 2026: a course on 12 January has a default release of 29 December.
    data = course_form(venue.id, day1_date=["12", "1", "2026"], day2_date=["13", "1", "2026"])

    warned = coordinator_client.post("/coordinator/courses/new", data=data)
    page = warned.get_data(as_text=True)
    assert warned.status_code == 200 and courses(db) == 0
    assert "Monday 29 December 2025, has already passed" in page
    assert "No places will be kept for partner agencies" in page
    assert "Save the course anyway" in page and 'name="release_warning_seen"' in page

    saved = coordinator_client.post(
        "/coordinator/courses/new", data={**data, "release_warning_seen": "yes"}
    )
    assert saved.status_code == 302 and courses(db) == 1


def test_a_release_date_still_to_come_saves_without_a_warning(
    coordinator_client, make, course_form, db, clock
):
    venue = make.venue("Carlisle")
    response = coordinator_client.post("/coordinator/courses/new", data=course_form(venue.id))
    assert response.status_code == 302 and courses(db) == 1


def test_no_warning_when_no_places_are_kept_for_partners(
    coordinator_client, make, course_form, db, clock
):
    venue = make.venue("Carlisle")
    data = course_form(
        venue.id, day1_date=["12", "1", "2026"], day2_date=["13", "1", "2026"], partner_places="0"
    )
    assert coordinator_client.post("/coordinator/courses/new", data=data).status_code == 302


def test_editing_warns_only_when_the_release_date_changes_to_a_past_one(
    coordinator_client, make, course_form, db, clock
):
    course = make.course()  # 2 March 2026, release 16 February
    # Moved to 12 January, the default release date (29 December) has passed.
    data = course_form(
        course.venue_id, day1_date=["12", "1", "2026"], day2_date=["13", "1", "2026"]
    )
    warned = coordinator_client.post(f"/coordinator/courses/{course.id}/edit", data=data)
    assert "has already passed" in warned.get_data(as_text=True)

    clock.set(clock().replace(month=2, day=20))  # the saved release date is now past
    unchanged = coordinator_client.post(
        f"/coordinator/courses/{course.id}/edit",
        data=course_form(course.venue_id, coordinator_note="Jo"),
    )
    assert unchanged.status_code == 302

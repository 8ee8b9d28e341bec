"""The room pages and the clash warning in a browser, without JavaScript (they need none),
each page checked with axe: a coordinator adds a room (first with a mistake), then saves a
course in it that clashes with another and confirms with a reason."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from booking.models import CourseStatus

from . import coordinator_world
from .journeys import Journey


def test_a_coordinator_adds_a_room_and_confirms_a_clash(
    live_server, live_app, new_page, axe, screenshot, make, db
):
    live_app.config["CLOCK_OVERRIDE"] = coordinator_world.NOW
    coordinator_world.administrator(make)
    venue = make.venue("Kendal", name="Kendal County Offices")
    page = new_page(javascript=False)
    journey = Journey(page, axe, screenshot, "rooms", javascript=False)
    coordinator_world.sign_in(page, live_server)

    page.goto(f"{live_server}/coordinator/venues")
    page.get_by_role("link", name="Rooms at Kendal County Offices").click()
    journey.look("1-rooms")
    page.get_by_role("button", name="Add a room").click()
    page.get_by_role("button", name="Save room").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the room's name")
    journey.look("2-room-form-errors")
    page.get_by_label("Name of the room").fill("Training Room 1")
    page.get_by_label("How many people it holds for training").fill("20")
    page.get_by_role("button", name="Save room").click()
    expect(page.get_by_role("table")).to_contain_text("Training Room 1")
    journey.look("3-room-added")

    room = venue.rooms[0]
    db.session.refresh(room)
    first = make.course(
        date(2026, 4, 13), venue_obj=venue, status=CourseStatus.DRAFT, trainers="Ruth Steel"
    )
    first.room_id = room.id
    db.session.commit()
    page.goto(f"{live_server}/coordinator/courses/new")
    page.get_by_label("Venue").select_option(label="Kendal County Offices, Kendal")
    page.get_by_label("Room").select_option(
        label="Training Room 1 at Kendal County Offices, Kendal (holds 20)"
    )
    for number, day in ((1, date(2026, 4, 13)), (2, date(2026, 4, 14))):
        group = page.get_by_role("group", name=f"Date of day {number}")
        group.get_by_label("Day").fill(str(day.day))
        group.get_by_label("Month").fill(str(day.month))
        group.get_by_label("Year").fill(str(day.year))
        page.get_by_label(f"Day {number} starts at").fill("9:30am")
        page.get_by_label(f"Day {number} ends at").fill("4:30pm")
    page.get_by_label("Total places").fill("16")
    page.get_by_label("Places kept for partner agencies").fill("4")
    page.get_by_role("button", name="Save course").click()
    expect(page.locator("#clash-warning")).to_contain_text("Training Room 1 is also booked")
    journey.look("4-clash-warning")
    page.get_by_label("Why save it anyway?").fill("Two small groups, with the partition closed.")
    page.get_by_role("button", name="Save the course anyway").click()
    expect(page.locator("#clash-warning")).to_contain_text("This course clashes with another")
    journey.look("5-course-with-clash")

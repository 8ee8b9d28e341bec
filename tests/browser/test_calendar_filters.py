"""The calendar's filters and short list in a phone's browser with JavaScript off."""

from __future__ import annotations

from datetime import UTC, date, datetime

from .conftest import DESKTOP

NARROW = {"width": 320, "height": 640}
WIDER_THAN_THE_SCREEN = (
    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
)


def test_a_phone_without_javascript_narrows_the_calendar_to_a_short_list_of_one_town(
    live_server, live_app, new_page, make, axe, screenshot
):
    live_app.config["CLOCK_OVERRIDE"] = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    towns = ["Carlisle", "Kendal", "Barrow-in-Furness", "Whitehaven"]
    for number, town in enumerate(towns * 3):
        day1 = date(2026, 2 + number // 4, 3 + (number % 4) * 7)
        make.course(day1, venue_obj=make.venue(town))
    page = new_page(viewport=NARROW, javascript=False)
    page.goto(f"{live_server}/courses")
    all_cards = page.evaluate("document.documentElement.scrollHeight")

    page.get_by_label("Town").select_option("Kendal")
    page.get_by_label("Show as").select_option(label="A short list")
    page.get_by_role("button", name="Show courses").click()
    page.wait_for_url("**/courses?*town=Kendal*")
    assert "3 of 12 courses match what you chose" in page.locator("main").inner_text()
    courses = page.locator(".app-course-list li")
    assert courses.count() == 3
    assert all(", Kendal" in text for text in courses.all_inner_texts())
    assert page.evaluate("document.documentElement.scrollHeight") < all_cards / 4
    assert page.evaluate(WIDER_THAN_THE_SCREEN) == 0
    axe.check(page)
    screenshot(page, "calendar-short-list-no-javascript")

    page.set_viewport_size(DESKTOP)
    assert page.evaluate(WIDER_THAN_THE_SCREEN) == 0
    axe.check(page)
    screenshot(page, "calendar-short-list-no-javascript")

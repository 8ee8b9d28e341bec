"""The served app renders in a real browser and the calendar meets accessibility checks."""

from .conftest import DESKTOP, MOBILE


def test_calendar_renders_and_passes_axe_at_desktop_and_mobile_widths(
    live_server, new_page, axe, screenshot
):
    for viewport in (DESKTOP, MOBILE):
        page = new_page(viewport=viewport)
        page.goto(f"{live_server}/courses")
        assert page.locator("h1").first.inner_text().strip() != ""
        axe.check(page)
        screenshot(page, "calendar")


def test_skip_link_is_the_first_thing_the_keyboard_reaches(live_server, new_page):
    page = new_page()
    page.goto(f"{live_server}/courses")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"

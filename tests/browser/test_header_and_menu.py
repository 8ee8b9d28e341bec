"""On a phone the page header and the coordinators' menu stay compact, so the heading is on
the first screen; on a desktop every menu link shows. Both work without JavaScript."""

from __future__ import annotations

import pytest

from . import coordinator_world
from .conftest import DESKTOP
from .journeys import JS_IDS, JS_MODES

NARROW = {"width": 320, "height": 640}
#: Below this the heading starts within the first screen of a 320 px by 640 px phone, with
#: room for the page's first lines under it.
HEADING_AT_MOST = 330


def box(page, locator):
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not shown"
    return found


@pytest.mark.parametrize("javascript", JS_MODES, ids=JS_IDS)
def test_the_header_and_coordinators_menu_are_compact_on_a_phone_and_whole_on_a_desktop(
    live_server, live_app, new_page, make, axe, screenshot, javascript
):
    live_app.config["CLOCK_OVERRIDE"] = coordinator_world.NOW
    coordinator_world.administrator(make)
    page = new_page(viewport=NARROW, javascript=javascript)
    coordinator_world.sign_in(page, live_server)

    sign_out = page.get_by_role("button", name="Sign out")
    audit = page.get_by_role("link", name="Audit trail")
    heading = box(page, page.locator("h1"))
    assert heading["y"] <= HEADING_AT_MOST, f"the heading starts {heading['y']} px down"
    assert box(page, sign_out)["width"] <= NARROW["width"] / 2
    assert not audit.is_visible()  # folded away under one line
    page.get_by_text("Coordinators' menu").click()
    assert audit.is_visible()
    axe.check(page)
    screenshot(page, f"header-and-menu-{'javascript' if javascript else 'no-javascript'}")

    page.set_viewport_size(DESKTOP)
    page.reload()
    assert audit.is_visible()
    assert sign_out.is_visible()
    assert not page.get_by_text("Coordinators' menu").is_visible()
    axe.check(page)
    screenshot(page, f"header-and-menu-{'javascript' if javascript else 'no-javascript'}")

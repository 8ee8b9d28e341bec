"""Layout in a real browser: no coordinator page is wider than the screen at 320 px (WCAG
2.2 reflow, 1.4.10: a phone, or a desktop zoomed to 400%) or at desktop width. A wide table
may scroll inside its own region, and that region must be reachable by keyboard and named."""

from __future__ import annotations

import pytest

from . import coordinator_world
from .conftest import DESKTOP

NARROW = {"width": 320, "height": 640}

#: How far the page reaches past the screen, and each sideways-scrolling region that a
#: keyboard cannot reach or a screen reader cannot name.
MEASURE = """() => {
  const page = document.documentElement.scrollWidth - document.documentElement.clientWidth;
  const regions = [...document.querySelectorAll('body *')].filter(el => {
    const overflow = getComputedStyle(el).overflowX;
    return (overflow === 'auto' || overflow === 'scroll') && el.scrollWidth > el.clientWidth + 1;
  }).filter(el => !(el.tabIndex >= 0 && el.getAttribute('role') === 'region'
    && (el.getAttribute('aria-labelledby') || el.getAttribute('aria-label'))
    && (el.querySelector('caption') || el.getAttribute('aria-label'))))
    .map(el => el.outerHTML.slice(0, 120));
  const width = document.documentElement.clientWidth;
  const inScroller = el => el.closest('.app-table-scroll') !== null;
  const culprits = page <= 0 ? [] : [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 1 && !inScroller(el)
      && ![...el.children].some(child => child.getBoundingClientRect().right > width + 1))
    .slice(0, 3).map(el => el.outerHTML.slice(0, 120));
  return {page, regions, culprits};
}"""


@pytest.fixture
def world(live_app, make, db):
    return coordinator_world.build(live_app, make, db)


@pytest.mark.slow
def test_no_coordinator_page_is_wider_than_the_screen_at_320_px_or_on_a_desktop(
    live_server, new_page, world
):
    page = new_page(viewport=DESKTOP)
    coordinator_world.sign_in(page, live_server)
    too_wide: list[str] = []
    for path in coordinator_world.coordinator_pages(world):
        page.set_viewport_size(DESKTOP)
        response = page.goto(live_server + path)
        assert response is not None and response.status == 200, path
        for viewport in (DESKTOP, NARROW):
            page.set_viewport_size(viewport)
            found = page.evaluate(MEASURE)
            if found["page"] > 0 or found["regions"]:
                too_wide.append(f"{path} at {viewport['width']} px: {found}")
    assert not too_wide, "\n".join(too_wide)

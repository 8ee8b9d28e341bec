"""Report chart labels are read at body size or larger on a phone and a desktop, in full."""

from __future__ import annotations

from datetime import date, time

from . import coordinator_world
from .conftest import DESKTOP

NARROW = {"width": 320, "height": 640}
VENUE = "Barrow-in-Furness Town Hall, Council Chamber Annexe"
#: The rendered size of each chart label, and its text.
LABELS = """() => [...document.querySelectorAll('#completed-chart-table tbody th')].map(th => ({
  size: parseFloat(getComputedStyle(th).fontSize), text: th.innerText.trim(),
  shown: th.getBoundingClientRect().width > 0}))"""


def test_chart_labels_are_body_size_and_whole_at_320_px_and_on_a_desktop(
    live_server, live_app, new_page, make, axe
):
    live_app.config["CLOCK_OVERRIDE"] = coordinator_world.NOW
    coordinator_world.administrator(make)
    venue = make.venue("Barrow-in-Furness", name=VENUE)
    make.course(date(2026, 2, 9), venue_obj=venue, starts_at=time(9, 30))
    make.course(date(2026, 2, 9), venue_obj=venue, starts_at=time(13, 0))
    page = new_page(viewport=NARROW)
    coordinator_world.sign_in(page, live_server)
    page.goto(f"{live_server}/coordinator/reports/attendance?start=2026-02-01&end=2026-02-28")
    for viewport in (NARROW, DESKTOP):
        page.set_viewport_size(viewport)
        labels = page.evaluate(LABELS)
        assert [label["text"] for label in labels] == [
            f"9 February 2026, {VENUE}, 9:30am",
            f"9 February 2026, {VENUE}, 1pm",
        ]
        assert all(label["shown"] and label["size"] >= 16 for label in labels), labels
        axe.check(page)

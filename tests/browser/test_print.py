"""What a printer gets: the sign-in sheet prints the list and nothing of the site around it."""

from __future__ import annotations

from datetime import date

from booking.models import Group, Role

from . import coordinator_world


def test_the_printed_sign_in_sheet_is_the_list_without_the_site_header_or_sign_out(
    live_server, live_app, new_page, make
):
    live_app.config["CLOCK_OVERRIDE"] = coordinator_world.NOW
    coordinator_world.administrator(make)
    course = make.course(date(2026, 3, 9))
    course.trainer_accounts = [make.coordinator(full_name="Helen Armstrong", role=Role.TRAINER)]
    make.db.session.commit()
    make.booking(course, make.person(Group.STAFF, full_name="Rowan Ellis"))
    page = new_page()
    coordinator_world.sign_in(page, live_server)
    page.goto(f"{live_server}/coordinator/registers/days/{course.days[0].id}/sign-in-sheet")
    assert page.get_by_role("button", name="Sign out").is_visible()  # on screen, yes

    page.emulate_media(media="print")
    printed = page.locator("body").inner_text()
    assert "Rowan Ellis" in printed
    assert "Please sign next to your name" in printed
    assert "Helen Armstrong" in printed
    for not_printed in (
        "Sign out",
        "Cumbria children's services",  # the header
        "Coordinators",  # the service menu
        "Dashboard",  # the coordinators' menu
        "Back to the register",
        "print command",
        "How we use your details",  # the footer
        "Skip to main content",
    ):
        assert not_printed not in printed, f"{not_printed!r} is printed"

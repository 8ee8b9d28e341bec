"""An attendee sees and changes only their own bookings, whatever ids, tokens or hidden
fields they send. Attendee URLs are collected from the app, so later pages are covered."""

from __future__ import annotations

import pytest

from booking import create_app
from booking.models import AuditEvent, Booking, BookingStatus

#: Where a signed-in attendee acts on a booking named by its id. (Emailed-link pages take a
#: signed token instead, which is the credential itself; forged ones are tested elsewhere.)
ATTENDEE_PREFIXES = ("/my-bookings/",)


def _attendee_rules():
    app = create_app("testing")
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(ATTENDEE_PREFIXES) and rule.arguments:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append(pytest.param(rule.endpoint, method, id=f"{method} {rule.rule}"))
    return found


@pytest.fixture
def two_people(make, sign_in_attendee, client, clock):
    course = make.course()
    other_course = make.course(venue_obj=make.venue(town="Barrow-in-Furness"))
    mine = make.booking(course, make.person(full_name="Me Myself"), support_needs="")
    theirs = make.booking(
        other_course, make.person(full_name="Someone Else"), support_needs="Their private need"
    )
    sign_in_attendee(client, mine.person)
    return mine, theirs


def test_my_bookings_lists_only_my_bookings_in_plain_words(client, two_people):
    mine, theirs = two_people
    page = client.get("/my-bookings")
    assert page.status_code == 200
    assert b"You have a place" in page.data
    assert b"Kendal" in page.data
    assert b"Barrow-in-Furness" not in page.data
    assert b"Someone Else" not in page.data and b"Their private need" not in page.data
    assert page.headers["Cache-Control"] == "no-store"


def test_my_bookings_needs_signing_in(app):
    response = app.test_client().get("/my-bookings")
    assert response.headers["Location"] == "/sign-in"


@pytest.mark.parametrize(("endpoint", "method"), _attendee_rules())
def test_someone_elses_booking_is_not_found_at_any_attendee_url(
    app, client, db, two_people, endpoint, method
):
    mine, theirs = two_people
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    assert all(name.endswith("id") for name in rule.arguments), rule.rule

    def url_for(booking):
        return rule.build({name: booking.id for name in rule.arguments}, append_unknown=False)[1]

    response = client.open(url_for(theirs), method=method, data={"support_needs": "changed"})
    assert response.status_code == 404
    assert b"Their private need" not in response.data
    assert db.session.get(Booking, theirs.id).support_needs == "Their private need"
    # The same address for their own booking is found: the 404 above is about whose it is.
    assert client.open(url_for(mine), method=method, data={"support_needs": ""}).status_code != 404


def test_hidden_fields_naming_someone_else_change_nothing_of_theirs(client, two_people, db):
    mine, theirs = two_people
    response = client.post(
        f"/my-bookings/{mine.id}/support-needs",
        data={
            "support_needs": "A quiet room",
            "booking_id": theirs.id,
            "person_id": theirs.person_id,
            "id": theirs.id,
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Booking, mine.id).support_needs == "A quiet room"
    assert db.session.get(Booking, theirs.id).support_needs == "Their private need"


def test_support_needs_change_is_recorded_without_the_text(client, two_people):
    mine, _ = two_people
    client.post(f"/my-bookings/{mine.id}/support-needs", data={"support_needs": "A quiet room"})
    event = AuditEvent.query.filter_by(action="booking.support_needs_changed").one()
    assert event.actor == "the person, signed in"
    assert "quiet room" not in str(event.details) + event.reason


def test_my_own_support_needs_are_shown_back_to_me_only(client, two_people):
    mine, _ = two_people
    client.post(f"/my-bookings/{mine.id}/support-needs", data={"support_needs": "A quiet room"})
    my_bookings = client.get("/my-bookings")
    assert b"A quiet room" in my_bookings.data and b"Their private need" not in my_bookings.data
    assert my_bookings.headers["Cache-Control"] == "no-store"
    box = client.get(f"/my-bookings/{mine.id}/support-needs").get_data(as_text=True)
    assert ">A quiet room</textarea>" in box.replace("\n", "")


def test_saving_an_empty_box_asks_before_removing_what_i_told_you(client, two_people, db):
    mine, _ = two_people
    client.post(f"/my-bookings/{mine.id}/support-needs", data={"support_needs": "A quiet room"})

    asked = client.post(f"/my-bookings/{mine.id}/support-needs", data={"support_needs": "  "})
    assert asked.status_code == 200
    assert "Remove what you told us?" in asked.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Booking, mine.id).support_needs == "A quiet room"

    removed = client.post(
        f"/my-bookings/{mine.id}/support-needs",
        data={"support_needs": "", "confirm_removal": "yes"},
    )
    assert removed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Booking, mine.id).support_needs == ""
    assert b"We have removed what you told us" in client.get("/my-bookings").data


def test_an_empty_box_with_nothing_to_remove_saves_without_asking(client, two_people):
    mine, _ = two_people
    response = client.post(f"/my-bookings/{mine.id}/support-needs", data={"support_needs": ""})
    assert response.status_code == 302


def test_support_needs_cannot_be_changed_on_a_cancelled_booking(client, two_people, db):
    mine, _ = two_people
    mine.status = BookingStatus.CANCELLED
    db.session.commit()
    response = client.post(
        f"/my-bookings/{mine.id}/support-needs", data={"support_needs": "A quiet room"}
    )
    assert response.status_code == 302
    assert db.session.get(Booking, mine.id).support_needs == ""


def test_an_erased_person_is_signed_out(client, two_people, db, clock):
    from booking.services import privacy

    mine, _ = two_people
    mine.status = BookingStatus.CANCELLED
    db.session.commit()
    privacy.erase_person(mine.person, actor="test", now=clock.now, reason="They asked us to")
    assert client.get("/my-bookings").status_code == 302

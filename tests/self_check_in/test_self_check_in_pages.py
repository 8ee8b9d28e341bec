"""Self check-in through the web: the code on the room's screen (it reloads itself without
JavaScript), and the page a person's phone opens from it."""

import html
import re
from datetime import timedelta

from sqlalchemy import select

from booking.models import AttendanceMark, CourseStatus, Mark, OutboxMessage, Role
from booking.services import self_check_in

from .conftest import DAY_1_MORNING, SECRET


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def sign_in_attendee(client, person):
    with client.session_transaction() as sess:
        sess.clear()
        sess["attendee"] = {"id": person.id, "v": person.session_version}


def scan_address(day, now=DAY_1_MORNING):
    code = self_check_in.code_on_screen(day, secret=SECRET, now=now).code
    return f"/check-in/{day.id}/{code}"


def test_the_screen_shows_a_large_code_and_reloads_itself_when_it_changes(
    coordinator_client, clock, course, day1
):
    clock.set(DAY_1_MORNING + timedelta(seconds=12))
    register = text(coordinator_client.get(f"/coordinator/registers/days/{day1.id}"))
    screen = f"/coordinator/registers/days/{day1.id}/self-check-in"
    assert f'href="{screen}"' in register
    response = coordinator_client.get(screen)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = text(response)
    assert '<meta http-equiv="refresh" content="18">' in page
    assert "<svg" in page and "QR code for checking yourself in" in page
    assert "The code changes every 30 seconds." in page


def test_the_screen_shows_no_code_before_the_day_or_when_switched_off(
    db, coordinator_client, clock, course, day1
):
    clock.set(DAY_1_MORNING - timedelta(days=1))
    screen = f"/coordinator/registers/days/{day1.id}/self-check-in"
    page = text(coordinator_client.get(screen))
    assert "The code shows only on the day, Monday 2 March 2026." in page
    assert "<svg" not in page and "refresh" not in page
    clock.set(DAY_1_MORNING)
    course.self_check_in = False
    db.session.commit()
    page = text(coordinator_client.get(screen))
    assert "Self check-in is switched off for this course." in page and "<svg" not in page
    assert "self-check-in" not in text(
        coordinator_client.get(f"/coordinator/registers/days/{day1.id}")
    )


def test_a_trainer_sees_the_screen_only_for_their_own_course(
    db, client, make, clock, course, day1, sign_in_coordinator
):
    clock.set(DAY_1_MORNING)
    trainer = make.coordinator(email="jo.trainer@cumbria.gov.uk", role=Role.TRAINER)
    sign_in_coordinator(trainer)
    screen = f"/coordinator/registers/days/{day1.id}/self-check-in"
    assert client.get(screen).status_code == 404
    course.trainer_accounts = [trainer]
    db.session.commit()
    assert client.get(screen).status_code == 200


def test_a_signed_in_person_with_a_place_checks_in_with_one_button(
    db, client, make, clock, course, day1
):
    clock.set(DAY_1_MORNING)
    booking = make.booking(course, make.person(full_name="Amy Brown"))
    sign_in_attendee(client, booking.person)
    address = scan_address(day1)
    page = text(client.get(address))
    assert "You are signed in as Amy Brown." in page and "Check me in" in page
    assert db.session.scalars(select(AttendanceMark)).all() == []  # opening it changes nothing
    clock.set(DAY_1_MORNING + timedelta(seconds=40))  # a slow tap: the code on screen has moved on
    response = client.post(address)
    assert response.status_code == 200
    page = text(response)
    assert "Amy Brown" in page and "Checked in at 9:45am." in page
    assert db.session.scalar(select(AttendanceMark.mark)) == Mark.PRESENT
    again = client.post(address)
    assert again.status_code == 400
    assert "You checked in at 9:45am already." in text(again)


def test_an_old_code_a_made_up_code_and_another_day_are_refused_plainly(
    db, client, make, clock, course, day1, day2
):
    booking = make.booking(course)
    sign_in_attendee(client, booking.person)
    clock.set(DAY_1_MORNING)
    address = scan_address(day1)
    clock.set(DAY_1_MORNING + timedelta(minutes=2))
    response = client.get(address)
    assert response.status_code == 400
    assert "This code has changed since you scanned it." in text(response)
    assert client.post(address).status_code == 400
    assert "do not recognise this code" in text(client.get(f"/check-in/{day1.id}/made-up"))
    assert "not today" in text(client.get(scan_address(day2, DAY_1_MORNING)))
    assert client.get(f"/check-in/999999/{address.rsplit('/', 1)[1]}").status_code == 404
    draft = make.course(total_places=3, partner_places=1, status=CourseStatus.DRAFT).days[0]
    assert client.get(scan_address(draft, DAY_1_MORNING)).status_code == 404
    assert client.get(f"/check-in/{draft.id}").status_code == 404
    assert db.session.scalars(select(AttendanceMark)).all() == []


def test_someone_without_a_place_is_told_so(db, client, make, clock, course, day1):
    clock.set(DAY_1_MORNING)
    sign_in_attendee(client, make.person())
    response = client.get(scan_address(day1))
    assert response.status_code == 400
    assert "You do not have a place on" in text(response)


def test_someone_not_signed_in_gets_a_sign_in_link_that_brings_them_back(
    db, client, make, clock, course, day1
):
    clock.set(DAY_1_MORNING)
    booking = make.booking(course, make.person(email="amy@cumberland.gov.uk"))
    page = text(client.get(scan_address(day1)))
    back = f"/check-in/{day1.id}"
    assert f'action="/sign-in?next={back}"' in page, re.findall(r"action=\"[^\"]*\"", page)
    response = client.post(f"/sign-in?next={back}", data={"email": "amy@cumberland.gov.uk"})
    assert response.status_code == 302
    message = db.session.scalars(select(OutboxMessage)).one()
    link = re.search(r"http://localhost(/sign-in/[A-Za-z0-9_-]+\?next=\S+)", message.text_body)
    assert link is not None, message.text_body
    clock.set(DAY_1_MORNING + timedelta(minutes=3))
    used = client.post(link.group(1))
    assert used.headers["Location"] == back
    page = text(client.get(back))
    assert "You are signed in. Now scan the code on the screen again to check in." in page
    client.post(scan_address(day1, DAY_1_MORNING + timedelta(minutes=3)))
    page = text(client.get(back))
    assert "You checked in at 9:48am." in page
    assert booking.id == db.session.scalar(select(AttendanceMark.booking_id))


def test_the_page_after_sign_in_asks_for_a_sign_in_when_not_signed_in(client, course, day1):
    response = client.get(f"/check-in/{day1.id}")
    assert response.headers["Location"] == f"/sign-in?next=/check-in/{day1.id}"


def test_a_sign_in_link_never_leads_to_another_site(db, client, make, clock):
    make.person(email="amy@cumberland.gov.uk")
    client.post("/sign-in?next=//evil.example/x", data={"email": "amy@cumberland.gov.uk"})
    message = db.session.scalars(select(OutboxMessage)).one()
    assert "evil" not in message.text_body
    token = re.search(r"/sign-in/([A-Za-z0-9_-]+)", message.text_body).group(1)
    assert (
        client.post(f"/sign-in/{token}?next=//evil.example/x").headers["Location"] == "/my-bookings"
    )


def test_a_coordinator_switches_self_check_in_off_on_the_course_form(
    db, coordinator_client, make, course
):
    edit = f"/coordinator/courses/{course.id}/edit"
    page = text(coordinator_client.get(edit))
    assert (
        'name="self_check_in"' in page and "checked" in page.split('name="self_check_in"')[1][:80]
    )
    data = {
        "venue_id": str(course.venue_id),
        "day1_date": ["2", "3", "2026"], "day1_starts_at": "9:30am", "day1_ends_at": "4:30pm",
        "day2_date": ["3", "3", "2026"], "day2_starts_at": "9:30am", "day2_ends_at": "4pm",
        "total_places": "3", "partner_places": "1",
        "release_on": ["", "", ""], "booking_closes_on": ["", "", ""],
        "release_warning_seen": "yes",
    }  # fmt: skip
    response = coordinator_client.post(edit, data=data)  # the box left unticked
    assert response.status_code == 302, text(response)
    db.session.expire_all()
    assert course.self_check_in is False
    assert "People can check themselves in" in text(
        coordinator_client.get(f"/coordinator/courses/{course.id}")
    )
    coordinator_client.post(edit, data={**data, "self_check_in": "y"})
    db.session.expire_all()
    assert course.self_check_in is True

"""Line managers (issue 17): approval before a place is held, on course types that ask for
it; lapsing; approval then allocation under the course lock; declining with a reason; a
coordinator approving for a manager; changing the manager; copies to the manager.

The factory's course: 20 places, 4 for partner agencies, day 1 on Monday 2 March 2026. The
clock is 09:00 UTC on Monday 5 January 2026 unless a test moves it.
"""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from booking.models import AuditEvent, Booking, BookingStatus, Group, OutboxMessage
from booking.services import approvals, changes, requests
from booking.services.errors import NotAllowed, ValidationError

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
MANAGER = "Manager.One@cumberland.gov.uk"
COUNCIL = ["cumberland.gov.uk", "westmorlandandfurness.gov.uk", "cumbria.gov.uk"]
S = BookingStatus


def approval_course(make, **fields):
    course = make.course(**fields)
    course.course_type.manager_approval_required = True
    make.db.session.commit()
    return course


def ask(make, course, *, group=Group.STAFF, manager=MANAGER, now=NOW, **fields):
    person = make.person(group, line_manager_email=manager.lower(), **fields)
    return requests.book_or_ask_manager(course, person, actor="test", now=now)


def fresh(db, booking):
    db.session.expire_all()
    return db.session.get(Booking, booking.id)


def kinds_to(db, address):
    return [
        m.kind
        for m in db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == address)
            .order_by(OutboxMessage.id)
        )
    ]


def approval_token(db, booking):
    """Issue a fresh approval link the way a change of manager does, and return its token."""
    from booking.models import EmailLink, LinkPurpose
    from booking.services import links

    _link, token = links.issue_link(
        LinkPurpose.MANAGER_APPROVAL,
        booking.person.line_manager_email,
        now=NOW,
        ttl=booking.approval_expires_at - NOW,
        booking=booking,
    )
    db.session.commit()
    assert db.session.scalar(select(EmailLink).where(EmailLink.booking_id == booking.id))
    return token


def test_approval_is_off_by_default_so_staff_get_a_place_at_once(db, make):
    booking = ask(make, make.course())
    assert booking.status == S.CONFIRMED
    assert kinds_to(db, MANAGER.lower()) == ["manager_copy"]


def test_with_approval_on_a_staff_request_waits_for_the_manager_and_holds_no_place(db, make):
    course = approval_course(make, total_places=1, partner_places=0)
    waiting = ask(make, course)
    assert waiting.status == S.AWAITING_APPROVAL
    assert waiting.requested_at == NOW
    # Monday plus five working days: the next Monday, same time.
    assert waiting.approval_expires_at == datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    assert kinds_to(db, MANAGER.lower()) == ["manager_approval"]
    assert kinds_to(db, waiting.person.email) == ["waiting_for_manager"]
    # No place is held: the one place goes to the next person, whose approval is off.
    course.course_type.manager_approval_required = False
    other = requests.book_place(course, make.person(), actor="test", now=NOW)
    assert other.status == S.CONFIRMED


def test_partners_are_never_asked_for_a_managers_approval(db, make):
    booking = ask(make, approval_course(make), group=Group.PARTNER)
    assert booking.status == S.CONFIRMED


def test_asking_twice_returns_the_same_request(db, make):
    course = approval_course(make)
    first = ask(make, course)
    again = requests.book_or_ask_manager(course, first.person, actor="test", now=NOW)
    assert again.id == first.id


def test_without_a_manager_address_the_form_asks_for_one(db, make):
    course = approval_course(make)
    details = {"email": "sam@cumberland.gov.uk", "full_name": "Sam", "line_manager_email": ""}
    with pytest.raises(ValidationError) as error:
        requests.request_place(course, details, now=NOW, council_domains=COUNCIL)
    assert error.value.field == "line_manager_email"
    assert "line manager" in error.value.message
    details["line_manager_email"] = "sam@cumberland.gov.uk"
    with pytest.raises(ValidationError, match="not your own"):
        requests.request_place(course, details, now=NOW, council_domains=COUNCIL)
    # A partner is not asked.
    partner = {"email": "pat@nhs.net", "full_name": "Pat", "organisation": "NHS"}
    requests.request_place(course, partner, now=NOW, council_domains=COUNCIL)


def test_approval_gives_a_place_when_one_is_free(db, make):
    waiting = ask(make, approval_course(make))
    booking = approvals.approve_for_manager(
        waiting, actor=make.coordinator(), reason="Manager on leave, approved by phone", now=NOW
    )
    assert booking.status == S.CONFIRMED
    assert booking.confirmed_at == NOW
    assert booking.approval_expires_at is None
    assert kinds_to(db, booking.person.email)[-2:][0] in ("place_confirmed", "calendar_invite")
    assert "manager_copy" in kinds_to(db, MANAGER.lower())
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_id == booking.id)
    ).all()
    assert "booking.approved_for_manager" in actions


def test_approval_joins_the_waitlist_in_the_order_first_asked_when_the_course_is_full(db, make):
    course = approval_course(make, total_places=1, partner_places=0)
    waiting = ask(make, course)  # asked at 09:00
    course.course_type.manager_approval_required = False
    db.session.commit()
    requests.book_place(course, make.person(), actor="test", now=NOW)  # takes the one place
    later = requests.book_place(course, make.person(), actor="test", now=NOW.replace(hour=10))
    assert later.status == S.WAITLISTED
    approved = approvals.approve_for_manager(
        fresh(db, waiting),
        actor=make.coordinator(),
        reason="Approved by email",
        now=NOW.replace(hour=11),
    )
    assert approved.status == S.WAITLISTED
    assert approved.requested_at == NOW  # keeps its place in time: ahead of the 10:00 request
    from booking.services.waitlist import offer_number

    assert offer_number(approved, now=NOW.replace(hour=11)) == 1
    assert offer_number(fresh(db, later), now=NOW.replace(hour=11)) == 2


def test_only_coordinators_approve_for_a_manager_and_they_give_a_reason(db, make):
    waiting = ask(make, approval_course(make))
    with pytest.raises(ValidationError):
        approvals.approve_for_manager(waiting, actor=make.coordinator(), reason=" ", now=NOW)
    with pytest.raises(NotAllowed):
        approvals.approve_for_manager(waiting, actor="someone", reason="because", now=NOW)
    assert fresh(db, waiting).status == S.AWAITING_APPROVAL


def test_the_manager_declines_with_a_reason_the_person_sees(db, make):
    waiting = ask(make, approval_course(make))
    token = approval_token(db, waiting)
    booking = approvals.decide_by_link(
        token, approve=False, reason="Not this quarter, sorry.", now=NOW
    )
    assert booking.status == S.NOT_APPROVED
    assert booking.reason == "Not this quarter, sorry."
    [decided] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "approval_decided")
    ).all()
    assert decided.to_address == booking.person.email
    assert "Not this quarter, sorry." in decided.text_body


def test_an_approval_link_works_once_and_not_after_the_request_is_decided(db, make):
    from booking.services import links

    waiting = ask(make, approval_course(make))
    token = approval_token(db, waiting)
    approvals.decide_by_link(token, approve=True, now=NOW)
    assert fresh(db, waiting).status == S.CONFIRMED
    with pytest.raises(links.LinkUsed):
        approvals.decide_by_link(token, approve=False, now=NOW)
    with pytest.raises(approvals.LinkInvalid):
        approvals.approval_link("forged-token", now=NOW)


def test_a_link_to_a_manager_the_person_no_longer_names_is_refused(db, make):
    waiting = ask(make, approval_course(make))
    token = approval_token(db, waiting)
    approvals.change_line_manager(
        waiting.person, "new.manager@cumberland.gov.uk", actor="test", now=NOW
    )
    with pytest.raises(approvals.LinkInvalid):
        approvals.decide_by_link(token, approve=True, now=NOW)
    # The new manager was asked instead.
    assert kinds_to(db, "new.manager@cumberland.gov.uk") == ["manager_approval"]


def test_an_unanswered_request_lapses_after_five_working_days_and_the_person_is_told(db, make):
    from booking.services import links

    waiting = ask(make, approval_course(make))
    token = approval_token(db, waiting)
    assert approvals.lapse_overdue(now=datetime(2026, 1, 12, 8, 59, tzinfo=UTC)) == 0
    assert fresh(db, waiting).status == S.AWAITING_APPROVAL
    assert approvals.lapse_overdue(now=datetime(2026, 1, 12, 9, 0, tzinfo=UTC)) == 1
    assert fresh(db, waiting).status == S.LAPSED
    assert approvals.lapse_overdue(now=datetime(2026, 1, 13, tzinfo=UTC)) == 0  # once only
    assert kinds_to(db, waiting.person.email)[-1] == "approval_decided"
    with pytest.raises(links.LinkExpired):
        approvals.decide_by_link(token, approve=True, now=datetime(2026, 1, 12, 9, 1, tzinfo=UTC))


def test_a_person_may_cancel_a_request_waiting_for_approval(db, make):
    waiting = ask(make, approval_course(make))
    cancelled = changes.cancel_booking(waiting, actor="the person", now=NOW)
    assert cancelled.status == S.CANCELLED


def test_a_coordinator_changes_the_line_manager_only_with_a_reason(db, make):
    person = make.person(line_manager_email="old@cumberland.gov.uk")
    with pytest.raises(ValidationError):
        approvals.change_line_manager(person, "", actor=make.coordinator(), now=NOW)
    approvals.change_line_manager(
        person, "", actor=make.coordinator(), now=NOW, reason="They left the team"
    )
    db.session.commit()
    assert person.line_manager_email == ""
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "person.line_manager_changed")
    )
    assert event is not None


def test_copies_go_to_the_manager_for_a_cancellation_and_a_move_but_not_without_one(db, make):
    course = make.course()
    booking = requests.book_place(
        course, make.person(line_manager_email="boss@cumberland.gov.uk"), actor="test", now=NOW
    )
    no_manager = requests.book_place(course, make.person(), actor="test", now=NOW)
    changes.cancel_booking(booking, actor="the person", now=NOW)
    changes.cancel_booking(no_manager, actor="the person", now=NOW)
    copies = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "manager_copy").order_by(OutboxMessage.id)
    ).all()
    assert [c.to_address for c in copies] == ["boss@cumberland.gov.uk"] * 2
    assert "has a place" in copies[0].subject
    assert "no longer booked" in copies[1].subject


def test_the_manager_copy_never_carries_support_needs(db, make):
    person = make.person(line_manager_email="boss@cumberland.gov.uk")
    requests.book_place(
        make.course(), person, actor="test", now=NOW, support_needs="A private medical matter"
    )
    [copy] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "manager_copy")
    ).all()
    assert "private medical" not in copy.text_body + copy.html_body + copy.subject


def test_coordinators_turn_approval_on_and_off_per_course_type_from_the_command_line(
    db, make, runner
):
    course = make.course()
    slug = course.course_type.slug
    result = runner.invoke(args=["bookings", "manager-approval", slug, "on"])
    assert result.exit_code == 0, result.output
    assert "now needs a line manager's approval" in result.output
    db.session.expire_all()
    assert course.course_type.manager_approval_required is True
    assert (
        runner.invoke(args=["bookings", "manager-approval", "no-such-type", "off"]).exit_code == 1
    )
    runner.invoke(args=["bookings", "manager-approval", slug, "off"])
    db.session.expire_all()
    assert course.course_type.manager_approval_required is False


def test_the_tick_ends_requests_nobody_answered(db, make, runner, clock):
    waiting = ask(make, approval_course(make))
    clock.set(datetime(2026, 1, 12, 9, 0, tzinfo=UTC))
    result = runner.invoke(args=["bookings", "tick"])
    assert "Requests ended because no manager answered: 1." in result.output
    assert fresh(db, waiting).status == S.LAPSED


def test_my_team_lists_only_the_managers_people_with_what_they_have_done(db, make):
    from datetime import date

    from booking.models import AttendanceMark, CompletionSource, Mark, TrainingCompletion

    course = make.course()
    booked = make.person(full_name="Amy Booked", line_manager_email=MANAGER.lower())
    requests.book_place(course, booked, actor="test", now=NOW)
    trained = make.person(full_name="Ben Trained", line_manager_email="  " + MANAGER + " ")
    db.session.add(
        TrainingCompletion(
            person_id=trained.id, course_type_id=course.course_type_id,
            completed_on=date(2024, 5, 1), source=CompletionSource.ELSEWHERE,
        )
    )  # fmt: skip
    missed = make.person(full_name="Cara Missed", line_manager_email=MANAGER.lower())
    past = make.course(date(2025, 12, 1))
    booking = make.booking(past, missed)
    for day, mark in zip(past.days, (Mark.PRESENT, Mark.ABSENT), strict=True):
        db.session.add(AttendanceMark(booking_id=booking.id, course_day_id=day.id, mark=mark))
    make.person(full_name="Dev Other", line_manager_email="other@cumberland.gov.uk")
    db.session.commit()

    team = {m.person.full_name: m for m in approvals.team_of(MANAGER.upper(), now=NOW)}

    assert set(team) == {"Amy Booked", "Ben Trained", "Cara Missed"}
    assert team["Amy Booked"].bookings == [("Booked", course.course_type.name, date(2026, 3, 2))]
    assert team["Ben Trained"].trained == [course.course_type.name]
    assert team["Cara Missed"].bookings[0][0] == "Missed a day"
    assert approvals.team_of("", now=NOW) == []

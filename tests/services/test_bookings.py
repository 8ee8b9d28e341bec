"""The booking rules (issue 3), one test per rule, with the clock passed in.

The default course from the factory: 20 places, 4 for partner agencies, day 1 on Monday
2 March 2026, places released to everyone from 16 February, bookings close at 23:59 UTC on
27 February. The clock starts on 5 January 2026 (before the release date).
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from booking.models import (
    AuditEvent,
    Booking,
    BookingStatus,
    CompletionSource,
    CourseStatus,
    EmailLink,
    Group,
    OutboxMessage,
    TrainingCompletion,
)
from booking.services import (
    allocation,
    booking_pages,
    changes,
    courses,
    links,
    outbox,
    requests,
    waitlist,
)
from booking.services.errors import (
    AlreadyBooked,
    BookingClosed,
    CourseNotBookable,
    NotAllowed,
    ValidationError,
)

COUNCIL = ["cumberland.gov.uk", "westmorlandandfurness.gov.uk", "cumbria.gov.uk"]
RELEASED = datetime(2026, 2, 16, 9, 0, tzinfo=UTC)  # after the release date, before the cut-off
AFTER_CUTOFF = datetime(2026, 2, 28, 9, 0, tzinfo=UTC)

S, W, OFFER = BookingStatus.CONFIRMED, BookingStatus.WAITLISTED, BookingStatus.OFFERED


def book(make, course, now, group=Group.STAFF, **person_fields):
    person = make.person(group, **person_fields)
    return requests.book_place(course, person, actor="test", now=now)


def fresh(db, booking):
    db.session.expire_all()
    return db.session.get(Booking, booking.id)


def figures(course, now):
    a = allocation.availability(course, now)
    return (a.staff_left, a.partner_left)


def sent(db, kind):
    """The messages of `kind`, rendered as the sender renders them before sending."""
    outbox.compose_waiting(now=datetime(2100, 1, 1, tzinfo=UTC))
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)).all()


def complete(db, person, course):
    db.session.add(
        TrainingCompletion(
            person_id=person.id,
            course_type_id=course.course_type_id,
            completed_on=date(2024, 5, 1),
            source=CompletionSource.ELSEWHERE,
        )
    )
    db.session.commit()


@pytest.fixture
def small(make):
    """3 places, 1 for partner agencies."""
    return make.course(total_places=3, partner_places=1)


# ---------------------------------------------------------------------------- asking and proving


def test_asking_for_a_place_holds_nothing_until_the_address_is_confirmed(db, make, clock):
    course = make.course()
    link, token = requests.request_place(
        course,
        {"email": " Jo@Cumberland.gov.uk ", "full_name": "Jo Bloggs", "support_needs": "Ramp"},
        now=clock(),
    )
    assert db.session.scalars(select(Booking)).all() == []
    assert link.purpose == "confirm_booking"
    assert link.expires_at == clock() + timedelta(hours=24)
    assert link.details["email"] == "jo@cumberland.gov.uk"
    [email] = sent(db, "confirm_your_email")
    assert email.to_address == "jo@cumberland.gov.uk"
    assert token in email.text_body
    assert "Ramp" not in email.subject


def test_confirming_the_address_books_the_place_and_keeps_support_needs_on_the_booking(
    db, make, clock
):
    course = make.course()
    _link, token = requests.request_place(
        course,
        {"email": "jo@cumberland.gov.uk", "full_name": "Jo Bloggs", "support_needs": "A ramp"},
        now=clock(),
    )
    booking = requests.confirm_request(token, now=clock(), council_domains=COUNCIL)
    assert booking.status == S
    assert booking.person.full_name == "Jo Bloggs"
    assert booking.person.group == Group.STAFF
    assert booking.support_needs == "A ramp"
    link = db.session.scalar(select(EmailLink))
    assert link.result_booking_id == booking.id
    assert "support_needs" not in link.details
    assert [m.kind for m in sent(db, "place_confirmed")] == ["place_confirmed"]
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "booking.confirmed"))
    assert "A ramp" not in str(audit.details)


def test_a_confirm_link_works_once_and_not_after_24_hours(db, make, clock):
    course = make.course()
    partner = {"organisation": "NHS"}  # partner agency people say who they work for
    _link, token = requests.request_place(course, {"email": "jo@nhs.net", **partner}, now=clock())
    _link2, late = requests.request_place(course, {"email": "sam@nhs.net", **partner}, now=clock())
    requests.confirm_request(token, now=clock(), council_domains=COUNCIL)
    with pytest.raises(links.LinkUsed):
        requests.confirm_request(token, now=clock(), council_domains=COUNCIL)
    with pytest.raises(links.LinkExpired):
        requests.confirm_request(late, now=clock() + timedelta(hours=24), council_domains=COUNCIL)
    assert len(db.session.scalars(select(Booking)).all()) == 1


def test_details_of_requests_never_confirmed_are_deleted_after_the_link_expires(db, make, clock):
    course = make.course()
    requests.request_place(
        course,
        {"email": "jo@nhs.net", "support_needs": "Wheelchair user"},
        now=clock(),
    )
    assert waitlist.tick(now=clock() + timedelta(hours=23)).forgotten_requests == 0
    assert waitlist.tick(now=clock() + timedelta(hours=24)).forgotten_requests == 1
    db.session.expire_all()
    assert db.session.scalar(select(EmailLink)).details == {}
    assert waitlist.tick(now=clock() + timedelta(hours=25)).forgotten_requests == 0


def test_no_requests_for_a_course_that_is_not_published_or_has_closed(db, make, clock):
    draft = make.course(status=CourseStatus.DRAFT)
    with pytest.raises(CourseNotBookable):
        requests.request_place(draft, {"email": "a@nhs.net"}, now=clock())
    course = make.course()
    with pytest.raises(BookingClosed):
        requests.request_place(course, {"email": "a@nhs.net"}, now=AFTER_CUTOFF)


def test_booking_twice_gives_the_same_booking_not_two(db, make, clock):
    course = make.course()
    person = make.person(Group.STAFF)
    first = requests.book_place(course, person, actor="test", now=clock())
    second = requests.book_place(course, person, actor="test", now=clock())
    assert first.id == second.id
    assert len(db.session.scalars(select(Booking)).all()) == 1


# ---------------------------------------------------------------------------- rules 1 to 3


def test_before_release_staff_fill_only_their_share_then_wait(db, make, clock, small):
    assert figures(small, clock()) == (2, 1)
    assert book(make, small, clock()).status == S
    assert figures(small, clock()) == (1, 1)
    assert book(make, small, clock()).status == S
    assert figures(small, clock()) == (0, 1)
    third = book(make, small, clock())
    assert third.status == W
    assert waitlist.waitlist_position(third) == 1
    assert figures(small, clock()) == (0, 1)
    assert allocation.availability(small, clock()).state == allocation.BookingState.OPEN


def test_before_release_partners_fill_only_their_share_then_wait(db, make, clock, small):
    assert book(make, small, clock(), Group.PARTNER).status == S
    assert figures(small, clock()) == (2, 0)
    assert book(make, small, clock(), Group.PARTNER).status == W
    assert book(make, small, clock(), Group.STAFF).status == S


def test_from_the_release_date_every_free_place_is_open_to_both_groups(db, make, clock, small):
    assert book(make, small, RELEASED, Group.PARTNER).status == S
    assert figures(small, RELEASED) == (2, 2)
    assert book(make, small, RELEASED, Group.PARTNER).status == S
    assert book(make, small, RELEASED, Group.PARTNER).status == S
    assert figures(small, RELEASED) == (0, 0)
    assert allocation.availability(small, RELEASED).state == allocation.BookingState.FULL
    assert book(make, small, RELEASED, Group.STAFF).status == W


def test_the_release_date_starts_at_midnight_in_london(db, make, small):
    just_before = datetime(2026, 2, 15, 23, 59, tzinfo=UTC)  # GMT: London time equals UTC
    at_midnight = datetime(2026, 2, 16, 0, 0, tzinfo=UTC)
    assert not small.is_released(just_before)
    assert small.is_released(at_midnight)


def test_a_coordinator_can_release_places_early(db, make, clock, small):
    book(make, small, clock(), Group.STAFF)
    book(make, small, clock(), Group.STAFF)
    small.released_early_at = clock()
    db.session.commit()
    assert figures(small, clock()) == (1, 1)
    assert book(make, small, clock(), Group.STAFF).status == S


# ---------------------------------------------------------------------------- rule 4: the order


def test_staff_before_partners_for_places_open_to_both(db, make, clock, small):
    holders = [book(make, small, RELEASED, Group.STAFF) for _ in range(3)]
    partner = book(make, small, RELEASED, Group.PARTNER)  # asked first
    staff = book(make, small, RELEASED + timedelta(minutes=5), Group.STAFF)
    assert waitlist.waitlist_position(staff) == 1
    assert waitlist.waitlist_position(partner) == 2
    changes.cancel_booking(holders[0], actor="test", now=RELEASED + timedelta(minutes=10))
    assert fresh(db, staff).status == OFFER
    assert fresh(db, partner).status == W


def test_before_release_a_freed_partner_place_goes_to_a_partner_even_behind_staff(
    db, make, clock, small
):
    book(make, small, clock(), Group.STAFF)
    book(make, small, clock(), Group.STAFF)
    partner_holder = book(make, small, clock(), Group.PARTNER)
    staff_waiting = book(make, small, clock(), Group.STAFF)
    partner_waiting = book(make, small, clock() + timedelta(minutes=1), Group.PARTNER)
    changes.cancel_booking(partner_holder, actor="test", now=clock())
    assert fresh(db, staff_waiting).status == W
    assert fresh(db, partner_waiting).status == OFFER


def test_people_not_yet_trained_come_before_people_already_trained(db, make, clock, small):
    for _ in range(3):
        book(make, small, RELEASED)
    trained_person = make.person(Group.STAFF)
    complete(db, trained_person, small)
    trained = requests.book_place(small, trained_person, actor="test", now=RELEASED)
    untrained = book(make, small, RELEASED + timedelta(minutes=1))
    assert trained.status == W
    assert waitlist.waitlist_position(untrained) == 1
    assert waitlist.waitlist_position(trained) == 2


def test_then_the_time_they_asked(db, make, clock, small):
    for _ in range(3):
        book(make, small, RELEASED)
    # Made in this order, but the second asked a minute earlier: the time asked decides.
    later = book(make, small, RELEASED + timedelta(minutes=2))
    earlier = book(make, small, RELEASED + timedelta(minutes=1))
    assert waitlist.waitlist_position(earlier) == 1
    assert waitlist.waitlist_position(later) == 2


def test_each_position_matches_the_whole_queue_in_order(db, make, clock, small):
    """waitlist_position counts the people ahead; it must agree with ordered_waitlist for a
    queue that mixes every key: priorities, both groups, people trained before, equal times."""
    coordinator = make.coordinator()
    for _ in range(3):
        book(make, small, RELEASED)
    waiting = []
    for n in range(12):
        group = Group.PARTNER if n % 3 == 0 else Group.STAFF
        person = make.person(group)
        if n % 4 == 1:
            complete(db, person, small)
        asked = RELEASED + timedelta(minutes=n % 5)  # several ask at the same moment
        waiting.append(requests.book_place(small, person, actor="test", now=asked))
    for number, booking in ((2, waiting[7]), (1, waiting[10]), (2, waiting[4])):
        changes.set_queue_priority(
            booking, number, actor=coordinator, now=RELEASED, reason="Needed first."
        )
    in_order = db.session.scalars(waitlist.ordered_waitlist(small)).all()
    assert [b.status for b in in_order] == [W] * 12
    assert [waitlist.waitlist_position(b) for b in in_order] == list(range(1, 13))
    assert in_order[0].id == waiting[10].id  # priority 1 leads
    assert {in_order[1].id, in_order[2].id} == {waiting[4].id, waiting[7].id}


def test_a_coordinator_priority_comes_before_every_other_key(db, make, clock, small):
    coordinator = make.coordinator()
    for _ in range(3):
        book(make, small, RELEASED)
    staff = book(make, small, RELEASED, Group.STAFF)
    partner = book(make, small, RELEASED, Group.PARTNER)
    changes.set_queue_priority(
        partner, 1, actor=coordinator, now=RELEASED, reason="Needed for a court case."
    )
    assert waitlist.waitlist_position(partner) == 1
    assert waitlist.waitlist_position(staff) == 2
    with pytest.raises(ValidationError):
        changes.set_queue_priority(staff, 0, actor=coordinator, now=RELEASED, reason="")
    changes.set_queue_priority(partner, None, actor=coordinator, now=RELEASED, reason="Sorted.")
    assert waitlist.waitlist_position(staff) == 1
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "booking.reordered")
    ).first()
    assert event.reason == "Needed for a court case."


def test_waitlist_positions_are_shown_in_order_and_the_email_says_the_number(db, make, clock):
    course = make.course(total_places=1, partner_places=0)
    book(make, course, clock())
    waiting = [book(make, course, clock() + timedelta(seconds=i)) for i in range(3)]
    assert [waitlist.waitlist_position(b) for b in waiting] == [1, 2, 3]
    assert "number 3" in sent(db, "waitlisted")[-1].text_body


# ---------------------------------------------------------------------------- rule 5: offers


def test_a_freed_place_is_offered_to_the_first_person_who_may_take_it(db, make, clock, small):
    holder = book(make, small, clock())
    book(make, small, clock())
    waiting = book(make, small, clock())
    assert figures(small, clock()) == (0, 1)
    result = changes.cancel_booking(holder, actor="test", now=clock())
    assert result.status == BookingStatus.CANCELLED
    offer = fresh(db, waiting)
    assert offer.status == OFFER
    assert offer.offered_at == clock()
    assert offer.offer_expires_at == clock() + timedelta(hours=48)
    # The offered place is not available to anyone else.
    assert figures(small, clock()) == (0, 1)
    assert book(make, small, clock()).status == W
    assert [m.booking_id for m in sent(db, "place_offered")] == [waiting.id]


def test_an_offer_ends_at_the_cut_off_when_that_is_sooner(db, make):
    course = make.course(total_places=1, partner_places=0)
    nearly = course.booking_closes_at - timedelta(hours=3)
    holder = book(make, course, nearly)
    waiting = book(make, course, nearly)
    changes.cancel_booking(holder, actor="test", now=nearly)
    assert fresh(db, waiting).offer_expires_at == course.booking_closes_at


def test_offer_passes_on_when_it_expires(db, make, clock, small):
    holder = book(make, small, clock())
    book(make, small, clock())
    first = book(make, small, clock())
    second = book(make, small, clock() + timedelta(minutes=1))
    changes.cancel_booking(holder, actor="test", now=clock())
    assert fresh(db, first).status == OFFER
    assert waitlist.refresh_course(small, now=clock() + timedelta(hours=47)) is None
    later = clock() + timedelta(hours=48)
    result = waitlist.refresh_course(small, now=later)
    assert [b.id for b in result.expired] == [first.id]
    assert [b.id for b in result.offered] == [second.id]
    assert fresh(db, first).status == BookingStatus.EXPIRED
    assert fresh(db, second).status == OFFER
    assert [m.booking_id for m in sent(db, "offer_ended")] == [first.id]
    with pytest.raises(changes.OfferEnded):
        changes.accept_offer(fresh(db, first), actor="test", now=later)


def test_a_booking_ends_an_offer_that_ran_out_before_it_counts_the_places(db, make, clock, small):
    holder = book(make, small, clock())
    book(make, small, clock())  # the other place for council staff
    first = book(make, small, clock())
    changes.cancel_booking(holder, actor="test", now=clock())
    assert fresh(db, first).status == OFFER
    # Nothing processed the offer when it ran out; the next booking finds it under the lock.
    newcomer = book(make, small, clock() + timedelta(hours=49))
    assert fresh(db, first).status == BookingStatus.EXPIRED
    assert newcomer.status == BookingStatus.CONFIRMED
    assert [m.booking_id for m in sent(db, "offer_ended")] == [first.id]


def test_an_offer_that_has_run_out_cannot_be_accepted_even_before_anything_processed_it(
    db, make, clock, small
):
    holder = book(make, small, clock())
    book(make, small, clock())
    waiting = book(make, small, clock())
    changes.cancel_booking(holder, actor="test", now=clock())
    with pytest.raises(changes.OfferEnded):
        changes.accept_offer(fresh(db, waiting), actor="test", now=clock() + timedelta(hours=49))
    assert fresh(db, waiting).status == OFFER  # the refusal changed nothing; the tick will end it


def test_declining_an_offer_passes_it_on_at_once(db, make, clock, small):
    holder = book(make, small, clock())
    book(make, small, clock())
    first = book(make, small, clock())
    second = book(make, small, clock() + timedelta(minutes=1))
    changes.cancel_booking(holder, actor="test", now=clock())
    declined = changes.decline_offer(fresh(db, first), actor="test", now=clock())
    assert declined.status == BookingStatus.DECLINED
    assert fresh(db, second).status == OFFER
    assert changes.decline_offer(declined, actor="test", now=clock()).status == (
        BookingStatus.DECLINED
    )


def test_accepting_an_offer_gives_the_place_and_twice_is_harmless(db, make, clock, small):
    holder = book(make, small, clock())
    book(make, small, clock())
    waiting = book(make, small, clock())
    changes.cancel_booking(holder, actor="test", now=clock())
    accepted = changes.accept_offer(fresh(db, waiting), actor="test", now=clock())
    assert accepted.status == S
    assert accepted.confirmed_at == clock()
    assert changes.accept_offer(accepted, actor="test", now=clock()).status == S
    assert figures(small, clock()) == (0, 1)


def test_the_release_date_passing_offers_unused_partner_places_to_staff_waiting(
    db, make, clock, small
):
    book(make, small, clock())
    book(make, small, clock())
    waiting = book(make, small, clock())
    assert figures(small, clock()) == (0, 1)
    assert waitlist.tick(now=clock()).changed == []
    results = waitlist.tick(now=RELEASED).changed
    assert [[b.id for b in r.offered] for r in results] == [[waiting.id]]
    assert fresh(db, waiting).status == OFFER
    assert figures(small, RELEASED) == (0, 0)
    assert waitlist.tick(now=RELEASED).changed == []  # running again does nothing more


def test_more_places_added_are_offered_on_the_next_refresh(db, make, clock, small):
    for _ in range(2):
        book(make, small, clock())
    waiting = book(make, small, clock())
    small.total_places = 4
    db.session.commit()
    assert figures(small, clock()) == (1, 1)
    assert waitlist.refresh_course(small, now=clock()).offered[0].id == waiting.id


def test_no_offers_after_the_cut_off_or_on_a_course_not_published(db, make, clock, small):
    holder = book(make, small, clock())
    book(make, small, clock())
    waiting = book(make, small, clock())
    changes.cancel_booking(holder, actor=make.coordinator(), now=AFTER_CUTOFF, reason="Ill")
    assert fresh(db, waiting).status == W
    assert waitlist.refresh_course(small, now=AFTER_CUTOFF) is None
    assert waitlist.fill_free_places(small, now=AFTER_CUTOFF).offered == []

    other = make.course(total_places=1, partner_places=0)
    first = book(make, other, clock())
    second = book(make, other, clock())
    other.status = CourseStatus.DRAFT
    db.session.commit()
    changes.cancel_booking(first, actor="test", now=clock())
    assert fresh(db, second).status == W


def test_refresh_does_nothing_and_takes_no_lock_when_nothing_is_due(db, make, clock, small):
    book(make, small, clock())
    assert not waitlist.fill_is_due(small, now=clock())
    assert waitlist.refresh_course(small, now=clock()) is None


# ---------------------------------------------------------------------------- rule 6


def test_one_place_per_training_so_people_with_a_place_move_instead_of_waiting(db, make, clock):
    first = make.course()
    second = make.course(day1=date(2026, 4, 6))
    person = make.person(Group.STAFF)
    requests.book_place(first, person, actor="test", now=clock())
    with pytest.raises(AlreadyBooked, match="move your place"):
        requests.book_place(second, person, actor="test", now=clock())


def test_waits_on_other_dates_are_withdrawn_when_someone_gets_a_place(db, make, clock):
    full = make.course(total_places=1, partner_places=0)
    also_full = make.course(day1=date(2026, 4, 6), total_places=1, partner_places=0)
    open_course = make.course(day1=date(2026, 5, 4))
    book(make, full, clock())
    book(make, also_full, clock())
    person = make.person(Group.STAFF)
    wait_one = requests.book_place(full, person, actor="test", now=clock())
    wait_two = requests.book_place(also_full, person, actor="test", now=clock())
    assert (wait_one.status, wait_two.status) == (W, W)
    place = requests.book_place(open_course, person, actor="test", now=clock())
    assert place.status == S
    assert fresh(db, wait_one).status == BookingStatus.WITHDRAWN
    assert fresh(db, wait_two).status == BookingStatus.WITHDRAWN
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action == "booking.withdrawn")
    ).all()
    assert len(actions) == 2


def test_accepting_an_offer_withdraws_waits_on_other_dates(db, make, clock):
    one = make.course(total_places=1, partner_places=0)
    two = make.course(day1=date(2026, 4, 6), total_places=1, partner_places=0)
    holder = book(make, one, clock())
    book(make, two, clock())
    person = make.person(Group.STAFF)
    waiting_one = requests.book_place(one, person, actor="test", now=clock())
    waiting_two = requests.book_place(two, person, actor="test", now=clock())
    changes.cancel_booking(holder, actor="test", now=clock())
    changes.accept_offer(fresh(db, waiting_one), actor="test", now=clock())
    assert fresh(db, waiting_two).status == BookingStatus.WITHDRAWN


def test_someone_offered_a_place_elsewhere_is_skipped_for_a_second_offer(db, make, clock):
    one = make.course(total_places=1, partner_places=0)
    two = make.course(day1=date(2026, 4, 6), total_places=1, partner_places=0)
    holder_one = book(make, one, clock())
    holder_two = book(make, two, clock())
    person = make.person(Group.STAFF)
    requests.book_place(one, person, actor="test", now=clock())
    waiting_two = requests.book_place(two, person, actor="test", now=clock())
    next_in_line = book(make, two, clock() + timedelta(minutes=1))
    changes.cancel_booking(holder_one, actor="test", now=clock())
    changes.cancel_booking(holder_two, actor="test", now=clock())
    assert fresh(db, waiting_two).status == W
    assert fresh(db, next_in_line).status == OFFER


def test_people_already_trained_only_wait_and_are_offered_once_places_are_released(
    db, make, clock, small
):
    person = make.person(Group.STAFF)
    complete(db, person, small)
    booking = requests.book_place(small, person, actor="test", now=clock())
    assert booking.status == W  # even though staff places are free
    assert figures(small, clock()) == (2, 1)
    assert booking_pages.booking_summary(booking, now=clock()).completed_before
    assert not waitlist.fill_is_due(small, now=clock())
    summary = waitlist.tick(now=RELEASED)
    assert [b.id for r in summary.changed for b in r.offered] == [booking.id]
    assert summary.offered == 1 and summary.busy_course_ids == []


# ---------------------------------------------------------------------------- rule 7


def test_after_the_cut_off_only_coordinators_can_add_people(db, make, clock):
    course = make.course()
    person = make.person(Group.STAFF)
    with pytest.raises(BookingClosed):
        requests.book_place(course, person, actor="test", now=AFTER_CUTOFF)
    coordinator = make.coordinator()
    with pytest.raises(ValidationError):
        changes.add_person(course, person, actor=coordinator, now=AFTER_CUTOFF, reason="")
    added = changes.add_person(
        course, person, actor=coordinator, now=AFTER_CUTOFF, reason="Late request from manager."
    )
    assert added.status == S
    assert not added.over_capacity


def test_a_coordinator_adds_to_the_waitlist_when_full_unless_told_to_go_over(db, make, clock):
    course = make.course(total_places=1, partner_places=0)
    coordinator = make.coordinator()
    book(make, course, clock())
    waiting = changes.add_person(
        course, make.person(Group.STAFF), actor=coordinator, now=clock(), reason="Asked by phone"
    )
    assert waiting.status == W
    over = changes.add_person(
        course,
        make.person(Group.STAFF),
        actor=coordinator,
        now=clock(),
        reason="Walk-in",
        allow_over_capacity=True,
    )
    assert over.status == S and over.over_capacity
    assert allocation.availability(course, clock()).over_capacity == 1


def test_a_coordinator_can_add_someone_new_by_their_details(db, make, clock):
    course = make.course()
    booking = changes.add_by_email(
        course,
        {"email": "New.Person@NHS.net", "full_name": "New Person", "support_needs": "Hearing loop"},
        actor=make.coordinator(),
        now=clock(),
        reason="Emailed the mailbox.",
        council_domains=COUNCIL,
    )
    assert booking.person.email == "new.person@nhs.net"
    assert booking.person.group == Group.PARTNER
    assert booking.support_needs == "Hearing loop"


def test_a_cancelled_course_cancels_every_booking_and_offer(db, make, clock, small):
    holder = book(make, small, clock())
    book(make, small, clock())
    waiting = book(make, small, clock())
    changes.cancel_booking(holder, actor="test", now=clock())
    ended = courses.cancel_course(small, actor=make.coordinator(), now=clock(), reason="Snow")
    assert len(ended) == 2
    assert fresh(db, waiting).status == BookingStatus.CANCELLED
    with pytest.raises(CourseNotBookable):
        book(make, small, clock())


def test_a_cancelled_course_cancels_invitations_only_for_people_who_had_them(
    db, make, clock, small
):
    holder = book(make, small, clock())
    for _ in range(2):
        book(make, small, clock())
    waiting = book(make, small, clock())
    assert waiting.status == W
    courses.cancel_course(small, actor=make.coordinator(), now=clock(), reason="Snow")

    cancelled_for = {row.booking_id for row in sent(db, "calendar_cancel")}
    assert holder.id in cancelled_for
    assert waiting.id not in cancelled_for
    assert fresh(db, waiting).invite_sequence == 0
    assert fresh(db, holder).invite_sequence == 2  # invited, then cancelled: one step each


# ---------------------------------------------------------------------------- rule 8


def test_people_can_cancel_until_the_cut_off_and_coordinators_after_it_with_a_reason(
    db, make, clock
):
    course = make.course()
    booking = book(make, course, clock())
    with pytest.raises(BookingClosed):
        changes.cancel_booking(booking, actor="test", now=AFTER_CUTOFF)
    coordinator = make.coordinator()
    with pytest.raises(ValidationError):
        changes.cancel_booking(booking, actor=coordinator, now=AFTER_CUTOFF, reason="")
    done = changes.cancel_booking(booking, actor=coordinator, now=AFTER_CUTOFF, reason="Ill")
    assert done.status == BookingStatus.CANCELLED
    assert changes.cancel_booking(done, actor="test", now=clock()).status == (
        BookingStatus.CANCELLED
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "booking.cancelled"))
    assert event.reason == "Ill" and event.user_id == coordinator.id


def test_moving_to_a_date_with_a_free_place_frees_the_old_place_for_the_next_person(
    db, make, clock
):
    old = make.course(total_places=1, partner_places=0)
    new = make.course(day1=date(2026, 4, 6), total_places=2, partner_places=0)
    booking = book(make, old, clock())
    waiting = book(make, old, clock())
    moved = changes.move_booking(booking, new, actor="test", now=clock())
    assert moved.status == S and moved.course_id == new.id
    old_booking = fresh(db, booking)
    assert old_booking.status == BookingStatus.MOVED
    assert old_booking.moved_to_id == moved.id
    assert fresh(db, waiting).status == OFFER
    assert figures(new, clock()) == (1, 0)
    assert sent(db, "booking_moved")[0].booking_id == moved.id


def test_moving_to_a_full_date_or_after_the_cut_off_is_refused(db, make, clock):
    old = make.course()
    full = make.course(day1=date(2026, 4, 6), total_places=1, partner_places=0)
    book(make, full, clock())
    booking = book(make, old, clock())
    with pytest.raises(changes.NoPlaceFree):
        changes.move_booking(booking, full, actor="test", now=clock())
    roomy = make.course(day1=date(2026, 4, 13))
    with pytest.raises(BookingClosed):
        changes.move_booking(booking, roomy, actor="test", now=AFTER_CUTOFF)
    assert fresh(db, booking).status == S


def test_moving_respects_people_already_waiting_on_the_new_date(db, make, clock):
    old = make.course()
    new = make.course(day1=date(2026, 4, 6), total_places=1, partner_places=0)
    holder = book(make, new, clock())
    waiting_there = book(make, new, clock())
    booking = book(make, old, clock())
    changes.cancel_booking(holder, actor="test", now=clock())  # offered to waiting_there
    assert fresh(db, waiting_there).status == OFFER
    with pytest.raises(changes.NoPlaceFree):
        changes.move_booking(booking, new, actor="test", now=clock())


def test_moving_where_they_were_waiting_turns_the_wait_into_the_place(db, make, clock):
    one = make.course()
    two = make.course(day1=date(2026, 4, 6), total_places=1, partner_places=0)
    blocker = book(make, two, clock())
    person = make.person(Group.STAFF)
    wait = requests.book_place(two, person, actor="test", now=clock())
    place = requests.book_place(one, person, actor="test", now=clock())
    assert fresh(db, wait).status == BookingStatus.WITHDRAWN  # rule 6
    changes.cancel_booking(blocker, actor="test", now=clock())
    moved = changes.move_booking(place, two, actor="test", now=clock())
    assert moved.status == S


def test_a_coordinator_can_move_someone_over_the_number_of_places_with_a_reason(db, make, clock):
    old = make.course()
    full = make.course(day1=date(2026, 4, 6), total_places=1, partner_places=0)
    book(make, full, clock())
    booking = book(make, old, clock())
    coordinator = make.coordinator()
    with pytest.raises(changes.NoPlaceFree):
        changes.move_booking(booking, full, actor=coordinator, now=clock(), reason="Asked")
    moved = changes.move_booking(
        booking, full, actor=coordinator, now=clock(), reason="Asked", allow_over_capacity=True
    )
    assert moved.over_capacity
    assert allocation.availability(full, clock()).held == 2


def test_people_cannot_move_a_wait_or_to_the_same_date(db, make, clock):
    course = make.course(total_places=1, partner_places=0)
    other = make.course(day1=date(2026, 4, 6))
    holder = book(make, course, clock())
    waiting = book(make, course, clock())
    with pytest.raises(NotAllowed):
        changes.move_booking(waiting, other, actor="test", now=clock())
    with pytest.raises(NotAllowed):
        changes.move_booking(holder, course, actor="test", now=clock())


def test_a_coordinator_can_promote_someone_waiting_even_over_the_allocation(db, make, clock):
    course = make.course(total_places=1, partner_places=0)
    coordinator = make.coordinator()
    book(make, course, clock())
    waiting = book(make, course, clock())
    with pytest.raises(ValidationError):
        changes.promote(waiting, actor=coordinator, now=clock(), reason="")
    promoted = changes.promote(waiting, actor=coordinator, now=clock(), reason="Manager asked")
    assert promoted.status == S and promoted.over_capacity
    assert allocation.availability(course, clock()).held == 2
    assert figures(course, clock()) == (0, 0)
    with pytest.raises(NotAllowed):
        changes.promote(promoted, actor=coordinator, now=clock(), reason="again")


def test_the_booking_page_summary_says_what_the_person_can_do(db, make, clock, small):
    holder = book(make, small, clock())
    book(make, small, clock())
    waiting = book(make, small, clock())
    place = booking_pages.booking_summary(holder, now=clock())
    assert (place.state, place.can_cancel, place.can_move) == ("place", True, True)
    wait = booking_pages.booking_summary(waiting, now=clock())
    assert (wait.state, wait.position, wait.can_move) == ("waiting", 1, False)
    changes.cancel_booking(holder, actor="test", now=clock())
    offer = booking_pages.booking_summary(fresh(db, waiting), now=clock())
    assert offer.state == "offer"  # the page offers "yes" and "no" for this state only
    assert offer.offer_ends_at == clock() + timedelta(hours=48)
    ended = booking_pages.booking_summary(fresh(db, waiting), now=clock() + timedelta(hours=49))
    assert ended.state == "offer_ended"
    closed = booking_pages.booking_summary(fresh(db, waiting), now=AFTER_CUTOFF)
    assert closed.changes_closed and not closed.can_cancel


def test_places_left_agree_with_the_rules_through_a_whole_story(db, make, clock, small):
    """The calendar's figures (allocation.availability) at every step of a busy course."""
    clock.set(RELEASED - timedelta(days=1))
    steps = []
    a = book(make, small, clock(), Group.STAFF)
    steps.append(figures(small, clock()))
    b = book(make, small, clock(), Group.PARTNER)
    steps.append(figures(small, clock()))
    book(make, small, clock(), Group.STAFF)
    steps.append(figures(small, clock()))
    w1 = book(make, small, clock(), Group.STAFF)
    w2 = book(make, small, clock(), Group.PARTNER)
    steps.append(figures(small, clock()))
    changes.cancel_booking(b, actor="test", now=clock())  # partner place -> partner waiting
    steps.append(figures(small, clock()))
    changes.decline_offer(fresh(db, w2), actor="test", now=clock())  # nobody else may take it
    steps.append(figures(small, clock()))
    changes.cancel_booking(a, actor="test", now=clock())  # staff place -> staff waiting
    steps.append(figures(small, clock()))
    waitlist.tick(now=RELEASED)  # nothing new: w1 already holds the offer
    steps.append(figures(small, RELEASED))
    assert fresh(db, w1).status == OFFER
    assert steps == [(1, 1), (1, 0), (0, 0), (0, 0), (0, 0), (0, 1), (0, 1), (1, 1)]


def test_a_walk_in_takes_a_place_or_their_wait_and_their_other_waits_end(db, make, clock):
    """The registers area books people who turn up on the day through this service."""
    course = make.course(total_places=1, partner_places=0)
    other = make.course(day1=date(2026, 4, 6), total_places=1, partner_places=0)
    book(make, course, clock())
    book(make, other, clock())
    person = make.person(Group.STAFF)
    here = requests.book_place(course, person, actor="test", now=clock())
    there = requests.book_place(other, person, actor="test", now=clock())
    coordinator = make.coordinator()
    place = changes.add_walk_in_booking(
        course, person, actor=coordinator, now=clock(), over_capacity=True, reason="Walked in"
    )
    assert place.id == here.id
    assert (place.status, place.over_capacity) == (S, True)
    assert fresh(db, there).status == BookingStatus.WITHDRAWN
    newcomer = changes.add_walk_in_booking(
        make.course(day1=date(2026, 5, 4)),
        make.person(Group.PARTNER),
        actor=coordinator,
        now=clock(),
        over_capacity=False,
        reason="",
    )
    assert newcomer.status == S
    with pytest.raises(NotAllowed, match="another date"):
        changes.add_walk_in_booking(
            other, person, actor=coordinator, now=clock(), over_capacity=True, reason="x"
        )


def test_support_needs_can_be_changed_while_the_booking_is_live_and_are_never_audited(
    db, make, clock
):
    course = make.course()
    booking = book(make, course, clock())
    changed = changes.update_support_needs(booking, " Hearing loop ", actor="test", now=clock())
    assert changed.support_needs == "Hearing loop"
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "booking.support_needs_changed")
    )
    assert "Hearing loop" not in str(event.details) and event.details == {"given": True}
    with pytest.raises(ValidationError):
        changes.update_support_needs(booking, "x" * 2001, actor="test", now=clock())
    changes.cancel_booking(booking, actor="test", now=clock())
    with pytest.raises(NotAllowed):
        changes.update_support_needs(fresh(db, booking), "", actor="test", now=clock())


def test_the_other_dates_of_a_booking_cost_the_same_queries_however_many_there_are(
    app, db, make, clock
):
    """The move lists show each date's days and venue: loaded with the courses, not one
    course at a time."""
    from ..support.queries import counting_queries

    booking = book(make, make.course(), clock())

    def queries_for_other_dates() -> int:
        db.session.rollback()  # each count starts a fresh transaction and reads afresh
        with counting_queries() as statements:
            shown = [
                (c.first_day.date, c.venue.town, c.course_type.name)
                for c in booking_pages.other_dates(fresh(db, booking))
            ]
        assert shown
        return len(statements)

    make.course(date(2026, 4, 6))
    with_one = queries_for_other_dates()
    for month in (5, 6, 7, 9):
        make.course(date(2026, month, 4))
    assert len(booking_pages.other_dates(fresh(db, booking))) == 5
    assert queries_for_other_dates() == with_one

"""The booking state machine (models/bookings.py `BOOKING_TRANSITIONS`): one table says
where each status may go, and `transitions.transition` refuses every other move."""

from datetime import UTC, datetime, timedelta

import pytest

from booking.models import BOOKING_TRANSITIONS, Booking, BookingStatus
from booking.services import transitions

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

S = BookingStatus


def test_each_status_may_go_only_where_the_rules_take_it():
    expected = {
        S.WAITLISTED: {S.OFFERED, S.CONFIRMED, S.CANCELLED, S.MOVED, S.WITHDRAWN},
        S.OFFERED: {S.CONFIRMED, S.DECLINED, S.EXPIRED, S.CANCELLED, S.MOVED},
        S.CONFIRMED: {S.CANCELLED, S.MOVED},
        S.CANCELLED: set(),
        S.DECLINED: set(),
        S.EXPIRED: set(),
        S.WITHDRAWN: set(),
        S.MOVED: set(),
        # A request waiting for the line manager (services/approvals.py).
        S.AWAITING_APPROVAL: {S.CONFIRMED, S.WAITLISTED, S.NOT_APPROVED, S.LAPSED, S.CANCELLED},
        S.NOT_APPROVED: set(),
        S.LAPSED: set(),
    }
    assert expected == BOOKING_TRANSITIONS


@pytest.mark.parametrize("start", list(BookingStatus))
def test_a_move_the_table_allows_is_made_and_any_other_is_refused(db, make, start):
    course = make.course()
    for to in BookingStatus:
        booking = make.booking(
            course, status=start, offer_expires_at=NOW + timedelta(days=2), ended_at=None
        )
        if not any(to in moves for moves in BOOKING_TRANSITIONS.values()):
            # Nothing may become this (a booking is only ever created waiting): a mistake.
            with pytest.raises(ValueError, match=to.value):
                transitions.transition(booking, to, now=NOW)
            continue
        allowed = to in BOOKING_TRANSITIONS[start]
        assert transitions.transition(booking, to, now=NOW) is allowed, (start, to)
        db.session.commit()
        db.session.expire_all()
        assert db.session.get(Booking, booking.id).status == (to if allowed else start)

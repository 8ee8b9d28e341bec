"""Who did it (services/actors.py): one `Actor` value that rules ask and the audit trail
reads, built from an Actor, a coordinator's account or the older plain description."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from booking.extensions import db as _db
from booking.models import AuditEvent, BookingStatus
from booking.services import actors, changes
from booking.services.actors import ActorKind, as_actor
from booking.services.errors import ValidationError

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_a_coordinators_account_is_a_coordinator_named_in_the_audit_trail(db, make):
    user = make.coordinator(full_name="Sam Coordinator")
    actor = as_actor(user)
    assert actor.is_coordinator
    assert actor.user_id == user.id
    assert actor.describe() == "Sam Coordinator (coordinator)"
    assert as_actor(actor) is actor


@pytest.mark.parametrize(
    ("words", "kind"),
    [
        ("the person, by emailed link", ActorKind.PERSON),
        ("the person, signed in with an emailed link", ActorKind.PERSON),
        ("the person, signed in", ActorKind.PERSON),
        ("system", ActorKind.SYSTEM),
        ("command line", ActorKind.SYSTEM),
    ],
)
def test_a_plain_description_keeps_its_words_and_is_never_a_coordinator(words, kind):
    actor = as_actor(words)
    assert actor.kind == kind
    assert actor.describe() == words
    assert not actor.is_coordinator
    assert actor.user_id is None


def test_the_known_descriptions_are_the_shared_values():
    assert as_actor("the person, by emailed link") == actors.BY_EMAILED_LINK
    assert actors.BY_EMAILED_LINK.how == actors.How.EMAILED_LINK
    assert as_actor("system") == actors.SYSTEM


def test_a_coordinator_must_say_why_they_cancel_and_the_person_need_not(db, make):
    course = make.course()
    coordinator = make.coordinator()
    theirs = make.booking(course)
    with pytest.raises(ValidationError):
        changes.cancel_booking(theirs, actor=actors.coordinator(coordinator), now=NOW)
    changes.cancel_booking(theirs, actor=actors.BY_EMAILED_LINK, now=NOW)
    assert theirs.status == BookingStatus.CANCELLED
    event = _db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "booking.cancelled")
    ).one()
    assert (event.actor, event.user_id) == ("the person, by emailed link", None)


def test_the_audit_trail_names_the_coordinator_whichever_way_they_are_passed(db, make):
    course = make.course()
    user = make.coordinator(full_name="Alex Coordinator")
    for given in (user, actors.coordinator(user)):
        booking = make.booking(course)
        changes.cancel_booking(booking, actor=given, now=NOW, reason="Asked us by phone")
    events = _db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "booking.cancelled")
    ).all()
    assert [(e.actor, e.user_id) for e in events] == [
        ("Alex Coordinator (coordinator)", user.id)
    ] * 2

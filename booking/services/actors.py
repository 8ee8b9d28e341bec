"""Who did something, as a value the services pass around (CONVENTIONS.md, item 15).

An `Actor` is a coordinator (their account), the person the booking is for (and how they
reached us: an emailed link, signed in with one, or an email to the training mailbox), or
the system (the tick, the command line, demo data). Rules ask `actor.is_coordinator`; the
audit trail writes `actor.describe()`; a record that names its author stores
`actor.user_id`.

Services still accept a coordinator's `User` or a plain description (the older way of
saying who acted): `as_actor` turns any of the three into an `Actor` at a service's entry.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ..models import User


class ActorKind(enum.StrEnum):
    COORDINATOR = "coordinator"  #: a coordinator's (or administrator's) account
    TRAINER = "trainer"  #: not used yet: trainers will mark registers
    PERSON = "person"  #: the person a booking is for
    SYSTEM = "system"  #: the service itself, the command line or demo data


class How(enum.StrEnum):
    """How the person reached us; the words finish "the person, ..." in the audit trail."""

    EMAILED_LINK = "by emailed link"
    SIGNED_IN = "signed in with an emailed link"
    MAILBOX = "by email to the training mailbox"


@dataclass(frozen=True)
class Actor:
    """Who did something, and how."""

    kind: ActorKind
    #: The words for the audit trail when there is no account to name.
    words: str = ""
    #: The account that acted (coordinators; trainers later).
    user: User | None = None
    how: How | None = None

    @property
    def is_coordinator(self) -> bool:
        return self.kind == ActorKind.COORDINATOR

    @property
    def is_person(self) -> bool:
        return self.kind == ActorKind.PERSON

    @property
    def user_id(self) -> int | None:
        """The acting account's id, for columns such as `recorded_by_id`; None otherwise."""
        return self.user.id if self.user is not None else None

    def describe(self) -> str:
        """Who acted, in the audit trail's words."""
        if self.user is not None:
            return f"{self.user.full_name or self.user.email} ({self.kind})"
        return self.words


def coordinator(user: User) -> Actor:
    """A coordinator (or administrator) acting through their account."""
    return Actor(ActorKind.COORDINATOR, user=user)


def person(how: How, words: str = "") -> Actor:
    """The person the booking is for; `words` replaces the usual "the person, <how>"."""
    return Actor(ActorKind.PERSON, words=words or f"the person, {how}", how=how)


def system(words: str = "system") -> Actor:
    """The service acting on its own (an offer running out), or a command run on the server."""
    return Actor(ActorKind.SYSTEM, words=words)


#: The person, following a link from one of our emails.
BY_EMAILED_LINK = person(How.EMAILED_LINK)
#: The person, signed in to "My bookings" with an emailed link.
SIGNED_IN = person(How.SIGNED_IN)
#: The service on its own: the tick, an offer running out.
SYSTEM = system()

_KNOWN = {a.words: a for a in (BY_EMAILED_LINK, SIGNED_IN, SYSTEM)}


def as_actor(value: Actor | User | str) -> Actor:
    """An `Actor` from an Actor, a coordinator's account or the older plain description.

    A description starting "the person" is the person; any other is the system (the command
    line, demo data). Only an account is a coordinator, as before.
    """
    if isinstance(value, Actor):
        return value
    if isinstance(value, User):
        # Flask-Login's current_user is a proxy: keep the account itself, not the proxy.
        unwrap = getattr(value, "_get_current_object", None)
        return coordinator(unwrap() if callable(unwrap) else value)
    if value in _KNOWN:
        return _KNOWN[value]
    if value.startswith("the person"):
        return Actor(ActorKind.PERSON, words=value)
    return system(value)


#: What a service accepts as its `actor` while callers move over to `Actor`.
ActorLike = Actor | User | str

"""People who book: who they are (by email address) and which group they belong to.

An address on one of the council domains (or a subdomain of one) makes someone council
staff; any other address makes them a partner agency person. What they type as their
organisation never changes that; only a coordinator can, with a recorded reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import Group, Person
from ..text import one_line
from . import audit
from .actors import BY_EMAILED_LINK, ActorLike
from .db import insert_unless_taken, transactional
from .errors import NotAllowed, TryAgain, ValidationError
from .waitlist import fill_after_group_change

#: Details a person gives about themselves that are kept on their record.
PERSON_FIELDS = ("full_name", "job_title", "team", "organisation", "line_manager_email")


def normalise_email(email: str) -> str:
    """The form an address is stored and compared in: trimmed and lower-cased."""
    return (email or "").strip().lower()


def email_domain(email: str) -> str:
    """The part after the last @, normalised; empty if there is none."""
    address = normalise_email(email)
    return address.rsplit("@", 1)[1] if "@" in address else ""


def on_domains(email: str, domains: Iterable[str]) -> bool:
    """Whether the address is on one of these domains or one of their subdomains."""
    domain = email_domain(email)
    for wanted in domains:
        wanted = wanted.strip().lower().lstrip("@").lstrip(".")
        if wanted and (domain == wanted or domain.endswith("." + wanted)):
            return True
    return False


def council_name(email: str, council_names: Mapping[str, str]) -> str | None:
    """The council an address belongs to (its domain or a subdomain of it), or None."""
    for domain, name in council_names.items():
        if on_domains(email, [domain]):
            return name
    return None


def classify_email(email: str, council_domains: Iterable[str]) -> Group:
    """Council staff for an address on a council domain or one of its subdomains."""
    return Group.STAFF if on_domains(email, council_domains) else Group.PARTNER


def find_person(email: str) -> Person | None:
    """The person with this address, compared case-insensitively and ignoring spaces."""
    return db.session.scalar(select(Person).where(Person.email == normalise_email(email)))


def organisation_missing(email: str, organisation: str, *, council_domains: Iterable[str]) -> bool:
    """Whether booking this address still needs the organisation the person works for.

    Partner agency people say who they work for (the booking form asks them); council staff
    need not. Someone already on record with an organisation is not asked again.
    """
    if (organisation or "").strip():
        return False
    person = find_person(email)
    if person is not None:
        return person.group == Group.PARTNER and not (person.organisation or "").strip()
    return classify_email(email, council_domains) == Group.PARTNER


@transactional
def find_or_create_person(
    email: str,
    *,
    council_domains: Iterable[str],
    now: datetime,
    details: Mapping[str, str] | None = None,
    actor: ActorLike = BY_EMAILED_LINK,
) -> Person:
    """The person with this address, created if new; the details given replace the old ones.

    The group comes from the address when the person is created. It is never changed here,
    so a coordinator's correction stays.
    """
    address = normalise_email(email)
    if "@" not in address:
        raise ValidationError("Enter an email address in the correct format.", field="email")
    details = clean_details(details)

    person = find_person(address)
    if person is None:
        person = Person(email=address, group=classify_email(address, council_domains))
        _apply(person, details)
        person.created_at = now
        person.updated_at = now
        if insert_unless_taken(person):
            audit.record("person.created", person, actor=actor, now=now, group=person.group.value)
            return person
        # Someone else created the same address a moment ago: use theirs.
        person = find_person(address)
        if person is None:  # pragma: no cover - the other insert rolled back
            raise TryAgain()
    return update_details(person, details)


def find_or_add_person(
    email: str,
    details: Mapping[str, str],
    *,
    council_domains: Iterable[str],
    now: datetime,
    actor: ActorLike,
) -> Person:
    """The person with this address as they are on record, or a new one made from `details`,
    which must give their name (a coordinator adding someone, or a file of past records)."""
    existing = find_person(email)
    if existing is not None:
        return existing
    if not one_line(details.get("full_name")):
        raise ValidationError("Enter their full name.", field="full_name")
    return find_or_create_person(
        email, council_domains=council_domains, now=now, details=details, actor=actor
    )


@transactional
def update_details(person: Person, details: Mapping[str, str]) -> Person:
    """Replace a known person's details with the ones given (empty ones keep the old value,
    except the line manager's address, which can be cleared)."""
    if person.anonymised_at is not None:
        raise NotAllowed("We cannot book this address. Please contact the training team.")
    _apply(person, clean_details(details))
    return person


def clean_details(details: Mapping[str, str] | None) -> dict[str, str]:
    """The person fields among `details`, each as it is kept (see `one_line`); the one way
    details get in, from the booking form, the mailbox or an imported file."""
    cleaned = {k: one_line(v) for k, v in (details or {}).items() if k in PERSON_FIELDS}
    if "line_manager_email" in cleaned:
        cleaned["line_manager_email"] = normalise_email(cleaned["line_manager_email"])
    return cleaned


def _apply(person: Person, details: Mapping[str, str]) -> None:
    for field, value in details.items():
        if value or field == "line_manager_email":
            setattr(person, field, value)


@transactional
def correct_group(
    person: Person, group: Group, *, actor: ActorLike, now: datetime, reason: str
) -> Person:
    """A coordinator puts someone in the other group (say, a council worker on an NHS address).

    Places already held are kept. Places this frees for the other group are offered at once.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why this person's group is being changed.", field="reason")
    group = Group(group)
    if person.group == group:
        raise NotAllowed("This person is already in that group.")
    old = person.group
    person.group = group
    person.group_override_reason = reason
    person.updated_at = now
    audit.record(
        "person.group_corrected",
        person,
        actor=actor,
        now=now,
        reason=reason,
        old_group=old.value,
        new_group=group.value,
    )
    db.session.flush()
    fill_after_group_change(person, now=now)
    return person

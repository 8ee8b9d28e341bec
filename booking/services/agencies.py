"""Partner agencies: the coordinators' list, linking a partner to their agency, and what an
agency's contact may see.

"Agency of a partner" (rule 26): an address on one of an agency's email domains (or a subdomain of
one) links the person to that agency; a domain entry with words to match (`nhs.net` shared by
several trusts, say) links only people whose organisation contains those words, and is
preferred over a plain entry for the same domain. A partner whose address matches no agency
is linked to the agency they chose on the booking form, if any; "Other" leaves them unlinked
until a coordinator links them. A link once made is kept (a coordinator may change it).
The agency cap itself lives in services/allocation.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import (
    ACTIVE,
    Agency,
    AgencyDomain,
    Booking,
    Course,
    Group,
    Person,
    TrainingCompletion,
)
from . import audit
from .actors import ActorLike
from .db import transactional
from .errors import NotFound, Problems, ValidationError
from .waitlist import fill_after_group_change

#: What the booking form sends for "my organisation is not on the list".
OTHER = "other"

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


# --------------------------------------------------------------------------------------------
# The list
# --------------------------------------------------------------------------------------------


def all_agencies() -> list[Agency]:
    """Every agency by name, with its domains."""
    return list(
        db.session.scalars(
            select(Agency).options(selectinload(Agency.domains)).order_by(Agency.name)
        )
    )


def get_agency(agency_id: int) -> Agency:
    """One agency; NotFound if there is none with this id."""
    agency = db.session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("We could not find that agency.")
    return agency


def parse_domains(text: str) -> list[tuple[str, str]]:
    """The domain lines a coordinator typed: `nhs.net` or `nhs.net: North Cumbria` (the
    organisation must contain the words after the colon). Raises ValidationError."""
    entries: list[tuple[str, str]] = []
    for line in (text or "").splitlines():
        domain, _, words = line.partition(":")
        domain = domain.strip().lower().lstrip("@").strip(".")
        words = " ".join(words.split())
        if not domain and not words:
            continue
        if not _DOMAIN.match(domain):
            raise ValidationError(
                f"“{line.strip()}” is not an email domain. Write one domain on each line, "
                "like nhs.net",
                field="domains",
            )
        if (domain, words.lower()) not in [(d, w.lower()) for d, w in entries]:
            entries.append((domain, words))
    return entries


@transactional
def save_agency(
    agency: Agency | None,
    *,
    name: str,
    domains: str,
    contact_email: str,
    actor: ActorLike,
    now: datetime,
) -> Agency:
    """Add an agency (`agency` None) or change one: its name, domains and contact address."""
    name = " ".join((name or "").split())
    contact = (contact_email or "").strip().lower()
    problems = _problems(agency, name, contact)
    try:
        entries = parse_domains(domains)
    except ValidationError as error:
        problems.append((error.field, error.message))
        entries = []
    problems += _domain_problems(agency, entries)
    if problems:
        raise Problems(problems)
    if agency is None:
        agency = Agency(created_at=now)
        db.session.add(agency)
    agency.name, agency.contact_email, agency.updated_at = name, contact, now
    agency.domains = [_kept_entry(agency, domain, words) for domain, words in entries]
    db.session.flush()
    audit.record("agency.saved", agency, actor=actor, now=now, name=name)
    return agency


def _kept_entry(agency: Agency, domain: str, words: str) -> AgencyDomain:
    for entry in agency.domains:
        if (entry.domain, entry.name_contains.lower()) == (domain, words.lower()):
            entry.name_contains = words
            return entry
    return AgencyDomain(domain=domain, name_contains=words)


def _problems(agency: Agency | None, name: str, contact: str) -> list[tuple[str | None, str]]:
    problems: list[tuple[str | None, str]] = []
    others = select(Agency.id).where(Agency.id != (agency.id if agency else -1))
    if not name:
        problems.append(("name", "Enter the agency’s name"))
    elif db.session.scalar(others.where(func.lower(Agency.name) == name.lower())):
        problems.append(("name", "There is already an agency with this name"))
    if contact and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", contact):
        problems.append(
            ("contact_email", "Enter the contact’s email address in the correct format")
        )
    elif contact and db.session.scalar(others.where(Agency.contact_email == contact)):
        problems.append(("contact_email", "This address is already another agency’s contact"))
    return problems


def _domain_problems(agency: Agency | None, entries) -> list[tuple[str | None, str]]:
    problems: list[tuple[str | None, str]] = []
    for domain, words in entries:
        owner = db.session.scalar(
            select(Agency.name)
            .join(AgencyDomain)
            .where(
                AgencyDomain.domain == domain,
                func.lower(AgencyDomain.name_contains) == words.lower(),
                Agency.id != (agency.id if agency else -1),
            )
        )
        if owner:
            problems.append(("domains", f"{domain} {words}".strip() + f" is already {owner}’s"))
    return problems


# --------------------------------------------------------------------------------------------
# Linking a partner to their agency
# --------------------------------------------------------------------------------------------


def match_agency(email: str, organisation: str = "") -> Agency | None:
    """The agency an address belongs to by its domain (see the module docstring), or None."""
    domain = email.strip().lower().rsplit("@", 1)[-1] if "@" in (email or "") else ""
    if not domain:
        return None
    parts = domain.split(".")
    candidates = [".".join(parts[i:]) for i in range(len(parts) - 1)]
    entries = db.session.scalars(
        select(AgencyDomain)
        .where(AgencyDomain.domain.in_(candidates))
        .options(joinedload(AgencyDomain.agency))
    ).all()
    said = " ".join((organisation or "").lower().split())
    fitting = [e for e in entries if not e.name_contains or e.name_contains.lower() in said]
    if not fitting:
        return None
    # Words to match beat a plain entry; a longer (closer) domain beats a shorter one.
    best = max(fitting, key=lambda e: (bool(e.name_contains), len(e.domain), -e.id))
    return best.agency


def link_person(person: Person, *, chosen: str = "", actor: ActorLike, now: datetime) -> None:
    """Link a partner not yet linked to their agency: by their address, else by the agency
    they chose on the form (`chosen`: an agency id, or OTHER). Runs in the caller's
    transaction, before their booking counts places."""
    if person.group != Group.PARTNER or person.agency_id is not None:
        return
    agency = match_agency(person.email, person.organisation)
    how = "email domain"
    if agency is None and chosen.isdigit():
        agency = db.session.get(Agency, int(chosen))
        how = "chosen on the booking form"
    if agency is None:
        return
    person.agency_id = agency.id
    if not person.organisation:
        person.organisation = agency.name
    audit.record("person.agency_linked", person, actor=actor, now=now, agency=agency.name, how=how)


@transactional
def link_to_agency(
    person: Person, agency: Agency | None, *, actor: ActorLike, now: datetime
) -> Person:
    """A coordinator links a partner to an agency (or unlinks them with None). Places
    already held are kept; places the change frees under an agency's cap are offered."""
    if person.group != Group.PARTNER:
        raise ValidationError("Only people from partner agencies can be linked to one.")
    person.agency_id = agency.id if agency else None
    person.updated_at = now
    audit.record(
        "person.agency_linked",
        person,
        actor=actor,
        now=now,
        agency=agency.name if agency else "",
        how="by a coordinator",
    )
    db.session.flush()
    fill_after_group_change(person, now=now)
    return person


def unlinked_partners() -> list[Person]:
    """Partners with a live booking who are not linked to an agency, by organisation."""
    live = select(Booking.person_id).where(Booking.status.in_(ACTIVE))
    return list(
        db.session.scalars(
            select(Person)
            .where(
                Person.group == Group.PARTNER,
                Person.agency_id.is_(None),
                Person.anonymised_at.is_(None),
                Person.id.in_(live),
            )
            .order_by(Person.organisation, Person.full_name, Person.id)
        )
    )


# --------------------------------------------------------------------------------------------
# Agency contacts
# --------------------------------------------------------------------------------------------


def agency_for_contact(email: str) -> Agency | None:
    """The agency whose contact this address is, if any."""
    address = (email or "").strip().lower()
    if not address:
        return None
    return db.session.scalar(select(Agency).where(Agency.contact_email == address))


def contact_person(email: str, *, now: datetime) -> Person | None:
    """The person record an agency contact signs in as, made the first time (a contact may
    never have booked); None if the address is no agency's contact."""
    agency = agency_for_contact(email)
    if agency is None:
        return None
    person = Person(
        email=agency.contact_email,
        group=Group.PARTNER,
        organisation=agency.name,
        agency_id=agency.id,
        created_at=now,
        updated_at=now,
    )
    db.session.add(person)
    db.session.flush()
    audit.record("person.created", person, actor="agency contact sign-in", now=now)
    return person


@dataclass(frozen=True)
class AgencyPeople:
    """What an agency's contact sees: their people's live bookings and the completions."""

    agency: Agency
    bookings: list[Booking]
    completions: list[TrainingCompletion]


def agency_people(agency: Agency, *, now: datetime) -> AgencyPeople:
    """The agency's people's places, offers and waits on courses not yet over (soonest
    first) and its completions (latest first). Nothing else about them (no support needs),
    and nothing about other agencies."""
    bookings = db.session.scalars(
        select(Booking)
        .join(Person, Person.id == Booking.person_id)
        .join(Course, Course.id == Booking.course_id)
        .where(
            Person.agency_id == agency.id,
            Booking.status.in_(ACTIVE),
            ~Course.is_over(now),
        )
        .options(
            joinedload(Booking.person),
            joinedload(Booking.course).selectinload(Course.days),
            joinedload(Booking.course).joinedload(Course.course_type),
        )
        .order_by(Booking.requested_at, Booking.id)
    ).unique()
    completions = db.session.scalars(
        select(TrainingCompletion)
        .join(Person, Person.id == TrainingCompletion.person_id)
        .where(Person.agency_id == agency.id)
        .options(joinedload(TrainingCompletion.person), joinedload(TrainingCompletion.course_type))
        .order_by(TrainingCompletion.completed_on.desc(), TrainingCompletion.id)
    )
    ordered = sorted(bookings, key=lambda b: (b.course.first_day.date, b.person.full_name))
    return AgencyPeople(agency=agency, bookings=ordered, completions=list(completions))

"""Signing in with a council account (OpenID Connect): what a verified sign-in proves.

The web adapter (booking/council.py) runs the authorisation code flow with Authlib, which
checks the ID token's signature against the provider's published keys, its issuer, audience,
expiry and nonce. What such a token proves is decided here:

- Someone booking (a *person*) proves their email address, but only an address the provider
  vouches for (its `domains`), and only when the provider says the address is verified or is
  trusted for its own domains. An address on any other domain (a guest in a council's
  directory from a partner agency, say) is refused: they use an emailed link instead. A sign-in
  from a provider marked `council` makes the person council staff on that proof.
- Coordinators' accounts (and any later role kept as a `User`, such as trainers) are matched by
  the provider's issuer and stable subject, never by email address. A first sign-in whose
  verified address matches an account that has no link to this provider yet links it;
  an administrator can also link or unlink one. When the provider says several factors were
  used (its `amr` claim), the authenticator code is not asked for again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import AuditEvent, CouncilAccountLink, Group, Person, User
from . import accounts, audit, people
from .actors import ActorLike
from .db import transactional
from .errors import BookingError, NotAllowed, ValidationError


@dataclass(frozen=True)
class Provider:
    """One identity provider from the OIDC_PROVIDERS setting."""

    name: str
    issuer: str
    client_id: str
    client_secret: str
    #: How the button names the account: "Sign in with your <label>".
    label: str
    #: The email domains (and their subdomains) this provider vouches for.
    domains: tuple[str, ...]
    #: Its users are council staff.
    council: bool = True
    #: Its addresses on `domains` count as verified even without `email_verified` (Microsoft
    #: Entra ID, for example, owns its tenant's verified domains but sends no such claim).
    trust_domain_email: bool = False
    #: `amr` values that mean several factors were used.
    mfa_values: tuple[str, ...] = ("mfa",)

    @classmethod
    def from_settings(cls, settings: Mapping) -> Provider:
        name = str(settings.get("name") or "").strip().lower()
        issuer = str(settings.get("issuer") or "").strip()
        client_id = str(settings.get("client_id") or "").strip()
        if not name.replace("-", "").replace("_", "").isalnum():
            raise ValueError(f"OIDC_PROVIDERS: {name!r} is not a usable name (letters, digits)")
        if not issuer or not client_id:
            raise ValueError(f"OIDC_PROVIDERS: {name} needs an issuer and a client id")
        domains = tuple(d.strip().lower().lstrip("@.") for d in settings.get("domains") or ())
        if not any(domains):
            raise ValueError(f"OIDC_PROVIDERS: {name} needs the email domains it vouches for")
        return cls(
            name=name,
            issuer=issuer,
            client_id=client_id,
            client_secret=str(settings.get("client_secret") or ""),
            label=str(settings.get("label") or "council account"),
            domains=tuple(d for d in domains if d),
            council=bool(settings.get("council", True)),
            trust_domain_email=bool(settings.get("trust_domain_email", False)),
            mfa_values=tuple(settings.get("mfa_values") or ("mfa",)),
        )

    def vouches_for(self, email: str) -> bool:
        """Whether this provider may prove an address: one on its domains or their subdomains."""
        return people.on_domains(email, self.domains)


def providers_from_settings(settings: Iterable[Mapping]) -> dict[str, Provider]:
    """The configured providers by name; a setting that cannot work stops the app starting."""
    providers: dict[str, Provider] = {}
    for entry in settings or ():
        provider = Provider.from_settings(entry)
        if provider.name in providers:
            raise ValueError(f"OIDC_PROVIDERS: {provider.name} is named twice")
        providers[provider.name] = provider
    return providers


class SignInRefused(BookingError):
    """A council sign-in that proves too little. `reason` is a short code for the audit trail."""

    default_message = "We could not sign you in with your council account."

    def __init__(self, message: str | None = None, *, reason: str = "refused"):
        super().__init__(message)
        self.reason = reason


NO_ACCOUNT = (
    "There is no coordinators' account for this council account. Ask an administrator to "
    "link it, or sign in with your password."
)


@dataclass(frozen=True)
class CouncilIdentity:
    """Who a verified ID token says signed in."""

    provider: Provider
    subject: str
    #: The address the token gives, normalised ("" if none).
    email: str
    #: The provider marked the address verified (or is trusted for its domains).
    email_verified: bool
    name: str
    #: The provider says more than one factor was used (its `amr` claim).
    mfa: bool


def identity_from_claims(provider: Provider, claims: Mapping) -> CouncilIdentity:
    """Read the claims of an ID token the web adapter has verified for `provider`."""
    subject = str(claims.get("sub") or "")
    if not subject or claims.get("iss") != provider.issuer:
        # The adapter checks both; a token from another provider must never get further.
        raise SignInRefused(reason="wrong_issuer")
    email = people.normalise_email(str(claims.get("email") or ""))
    verified = (
        claims.get("email_verified") is True
        # Microsoft Entra ID's optional claim: the address's domain is verified by its owner.
        or claims.get("xms_edov") in (True, "true", "1")
        or (provider.trust_domain_email and provider.vouches_for(email))
    )
    amr = claims.get("amr") or []
    mfa = isinstance(amr, list) and any(value in provider.mfa_values for value in amr)
    name = " ".join(str(claims.get("name") or "").split())[:200]
    return CouncilIdentity(provider, subject, email, bool(email and verified), name, mfa)


def proven_email(identity: CouncilIdentity) -> str:
    """The address the sign-in proves, or SignInRefused saying why it proves none."""
    provider = identity.provider
    if not identity.email or not identity.email_verified:
        raise SignInRefused(
            f"Your {provider.label} did not confirm your email address, so we cannot use it "
            "to sign you in.",
            reason="email_not_verified",
        )
    if not provider.vouches_for(identity.email):
        endings = " or ".join(provider.domains)
        raise SignInRefused(
            f"Your {provider.label} can only sign in addresses ending in {endings}.",
            reason="email_on_other_domain",
        )
    return identity.email


def _actor(identity: CouncilIdentity) -> str:
    return f"the person, with their {identity.provider.label}"


# --- People who book -------------------------------------------------------------------------


@transactional
def sign_in_person(
    identity: CouncilIdentity, *, council_domains: Iterable[str], now: datetime
) -> Person:
    """The person whose address the sign-in proves, created if new (named as the provider
    names them); from a council provider they become council staff."""
    email = proven_email(identity)
    actor = _actor(identity)
    details = {"full_name": identity.name} if people.find_person(email) is None else {}
    try:
        person = people.find_or_create_person(
            email, council_domains=council_domains, now=now, details=details, actor=actor
        )
    except NotAllowed as error:  # an anonymised record
        raise SignInRefused(error.message, reason="anonymised") from error
    if identity.provider.council:
        _prove_staff(person, identity, now)
    audit.record(
        "person.signed_in",
        person,
        actor=actor,
        now=now,
        provider=identity.provider.name,
        multi_factor=identity.mfa,
    )
    return person


def _prove_staff(person: Person, identity: CouncilIdentity, now: datetime) -> None:
    """A council provider's proof makes someone staff, whatever their address's domain.

    A coordinator's own correction of the group (a reason is on record) is left alone.
    """
    if person.group == Group.STAFF or person.group_override_reason:
        return
    people.correct_group(
        person,
        Group.STAFF,
        actor=_actor(identity),
        now=now,
        reason=f"Signed in with their {identity.provider.label}",
    )


# --- Coordinators' accounts (and later trainers') -------------------------------------------------


@dataclass(frozen=True)
class AccountSignIn:
    user: User
    #: The authenticator code must still be given (the provider did not say it used several
    #: factors).
    needs_code: bool


def find_link(issuer: str, subject: str) -> CouncilAccountLink | None:
    return db.session.scalar(
        select(CouncilAccountLink).where(
            CouncilAccountLink.issuer == issuer, CouncilAccountLink.subject == subject
        )
    )


@transactional
def sign_in_account(identity: CouncilIdentity, *, now: datetime) -> AccountSignIn:
    """The account linked to this council account, linking it on a first sign-in whose
    verified address matches an account with no link to this provider yet."""
    provider = identity.provider
    link = find_link(provider.issuer, identity.subject)
    if link is None:
        link = _link_on_first_sign_in(identity, now)
    user = link.user
    if not user.is_enabled:
        raise SignInRefused(NO_ACCOUNT, reason="account_turned_off")
    link.last_used_at = now
    if identity.mfa:
        user.last_signed_in_at = now
        audit.record(
            "account.signed_in",
            user,
            actor=user,
            now=now,
            second_factor=f"council account ({provider.name})",
        )
    else:
        audit.record("account.council_sign_in", user, actor=user, now=now, provider=provider.name)
    return AccountSignIn(user=user, needs_code=not identity.mfa)


def _link_on_first_sign_in(identity: CouncilIdentity, now: datetime) -> CouncilAccountLink:
    email = proven_email(identity)
    user = accounts.find_account(email)
    provider = identity.provider
    if user is None or any(link.issuer == provider.issuer for link in user.council_accounts):
        # No account, or one already linked to a different person at this provider (an
        # address handed on to someone new, say): matching is by subject from now on.
        raise SignInRefused(NO_ACCOUNT, reason="no_linked_account")
    try:
        with db.session.begin_nested():
            link = _add_link(user, provider, identity.subject, linked_by="first sign-in", now=now)
    except IntegrityError as error:  # the same sign-in finished twice at once
        raise SignInRefused(NO_ACCOUNT, reason="no_linked_account") from error
    audit.record(
        "account.council_account_linked",
        user,
        actor="first sign-in with a matching verified address",
        now=now,
        provider=provider.name,
    )
    return link


def _add_link(user: User, provider: Provider, subject: str, *, linked_by: str, now: datetime):
    link = CouncilAccountLink(
        user=user,
        provider=provider.name,
        issuer=provider.issuer,
        subject=subject,
        linked_by=linked_by,
        linked_at=now,
    )
    db.session.add(link)
    db.session.flush()
    return link


@transactional
def link_account(
    user: User, provider: Provider, subject: str, *, actor: User, now: datetime
) -> CouncilAccountLink:
    """An administrator links an account to a council account by the provider's subject
    identifier (shown in the audit trail when a sign-in found no account)."""
    subject = (subject or "").strip()
    if not subject or len(subject) > 255:
        raise ValidationError("Enter the subject identifier the provider gives.", "subject")
    if find_link(provider.issuer, subject) is not None:
        raise ValidationError("That council account is already linked to an account.", "subject")
    if any(link.issuer == provider.issuer for link in user.council_accounts):
        raise ValidationError(
            f"This account already has a {provider.label}. Remove that link first.", "subject"
        )
    link = _add_link(user, provider, subject, linked_by=actor.full_name or actor.email, now=now)
    audit.record(
        "account.council_account_linked", user, actor=actor, now=now, provider=provider.name
    )
    return link


@transactional
def unlink_account(link: CouncilAccountLink, *, actor: ActorLike, now: datetime) -> User:
    """Remove a link; that council account no longer signs in to the account."""
    user = link.user
    user.council_accounts.remove(link)
    audit.record(
        "account.council_account_unlinked", user, actor=actor, now=now, provider=link.provider
    )
    return user


@transactional
def require_council_sign_in(
    user: User, required: bool, *, actor: ActorLike, providers: Iterable[Provider], now: datetime
) -> User:
    """Turn an account's password off (it signs in with its council account only), or on."""
    if required and not list(providers):
        raise NotAllowed("Council sign-in is not set up, so passwords cannot be turned off.")
    user.council_sign_in_required = required
    audit.record(
        "account.password_turned_off" if required else "account.password_turned_on",
        user,
        actor=actor,
        now=now,
    )
    return user


# --- Failures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignInAttempt:
    """The audit trail's object for a refused sign-in: there is no person or account yet."""

    id: None = None


@transactional
def record_refusal(provider: Provider, reason: str, *, purpose: str, now: datetime, **facts):
    """Put a refused or failed council sign-in on the audit trail (no address: only its
    domain, and the provider's subject identifier, which an administrator links with)."""
    return audit.record(
        "sign_in.council_refused",
        SignInAttempt(),
        actor=f"someone, with a {provider.label}",
        now=now,
        reason=reason,
        provider=provider.name,
        purpose=purpose,
        **{key: value for key, value in facts.items() if value},
    )


def recent_unlinked_sign_ins(*, limit: int = 10) -> list[AuditEvent]:
    """The latest coordinators' council sign-ins that found no account, newest first: an
    administrator links the right one (its subject) to an account."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.action == "sign_in.council_refused",
                AuditEvent.reason == "no_linked_account",
            )
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )

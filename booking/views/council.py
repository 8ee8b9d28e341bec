"""Sign in with a council account: go to the provider, and come back to where you were going.

Routes only: the flow is in booking/council.py and the rules in services/council_sign_in.py.
"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from .. import auth, clock, council
from ..security import limit_council_sign_in
from ..services import accounts, council_sign_in
from ..services.errors import BookingError, TryAgain

bp = Blueprint("council", __name__)
log = logging.getLogger(__name__)

COORDINATOR = "coordinator"
PERSON = "person"


@bp.get("/sign-in/council/<name>")
@limit_council_sign_in
def start(name: str):
    provider = council.provider_or_404(name)
    purpose = COORDINATOR if request.args.get("as") == COORDINATOR else PERSON
    next_path = auth.safe_next_path(request.args.get("next"))
    try:
        return council.start(provider, purpose=purpose, next_path=next_path)
    except council.CouncilSignInFailed as failure:
        return _failed(
            provider, purpose, next_path, failure.reason, unreachable=failure.unreachable
        )


@bp.get("/sign-in/council/<name>/callback")
@limit_council_sign_in
def callback(name: str):
    provider = council.provider_or_404(name)
    pending = session.get(council.PENDING_KEY) or {}
    purpose, next_path = pending.get("purpose", PERSON), pending.get("next")
    identity = None
    try:
        verified = council.finish(provider, leeway=current_app.config["OIDC_CLOCK_SKEW_SECONDS"])
        identity = council_sign_in.identity_from_claims(provider, verified.claims)
        if purpose == COORDINATOR:
            return _coordinator_signed_in(provider, identity, next_path)
        return _person_signed_in(provider, identity, next_path)
    except council.CouncilSignInFailed as failure:
        return _failed(
            provider, purpose, next_path, failure.reason, unreachable=failure.unreachable
        )
    except TryAgain:
        raise  # the plain 503 "please try again" page
    except council_sign_in.SignInRefused as refused:
        return _failed(
            provider,
            purpose,
            next_path,
            refused.reason,
            message=refused.message,
            **_facts(identity),
        )
    except BookingError as error:
        return _failed(provider, purpose, next_path, "refused", message=error.message)


def _person_signed_in(provider, identity, next_path):
    person = council_sign_in.sign_in_person(
        identity, council_domains=current_app.config["COUNCIL_EMAIL_DOMAINS"], now=clock.now()
    )
    auth.sign_in_attendee(person)
    council.remember_provider(provider)
    return redirect(auth.safe_next_path(next_path) or url_for("account.index"))


def _coordinator_signed_in(provider, identity, next_path):
    now = clock.now()
    result = council_sign_in.sign_in_account(identity, now=now)
    user = result.user
    if not result.needs_code:  # the provider says it asked for more than a password
        auth.start_coordinator_session(user, now)
        council.remember_provider(provider)
        return redirect(auth.safe_next_path(next_path) or url_for("coordinator.dashboard"))
    auth.start_pending_sign_in(user, now)
    council.remember_provider(provider)
    session["after_sign_in"] = auth.safe_next_path(next_path)
    if user.totp_confirmed_at is None:
        accounts.begin_second_factor_setup(user)
        return redirect(url_for("auth.set_up_app"))
    return redirect(url_for("auth.coordinator_code"))


def _facts(identity) -> dict:
    """What the audit trail keeps about a refused sign-in: the subject (for an administrator
    to link) and the address's domain, never the address."""
    if identity is None:
        return {}
    return {"subject": identity.subject, "email_domain": identity.email.rpartition("@")[2]}


def _failed(provider, purpose, next_path, reason, *, unreachable=False, message=None, **facts):
    log.warning("Council sign-in with %s refused: %s", provider.name, reason)
    council_sign_in.record_refusal(provider, reason, purpose=purpose, now=clock.now(), **facts)
    return render_template(
        "auth/council_sign_in_failed.html",
        provider=provider,
        message=message,
        unreachable=unreachable,
        state_lost=reason == "state_missing_or_wrong",
        coordinator=purpose == COORDINATOR,
        next_path=auth.safe_next_path(next_path),
    ), 503 if unreachable else 400

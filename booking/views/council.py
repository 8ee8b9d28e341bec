"""Sign in with a council account: go to the provider, and come back to where you were going.

Routes only: the flow is in booking/council.py and the rules in services/council_sign_in.py.
"""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from .. import auth, clock, council
from ..extensions import db
from ..forms.auth import ButtonForm
from ..forms.bookings import choices
from ..forms.council import LinkCouncilAccountForm
from ..models import CouncilAccountLink, User
from ..security import limit_council_sign_in
from ..services import accounts, council_sign_in
from ..services.errors import BookingError

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
        return redirect(auth.safe_next_path(next_path) or auth.home_for(user))
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


# --- Administrators: which council account signs in to which coordinator account ----------


def _account_page(user, form=None, error_list=None, status=200):
    form = form or LinkCouncilAccountForm()
    form.provider.choices = choices((p.name, p.label) for p in council.providers())
    return render_template(
        "auth/council_accounts.html",
        user=user,
        form=form,
        button=ButtonForm(),
        labels={p.name: p.label for p in council.providers()},
        unlinked=council_sign_in.recent_unlinked_sign_ins(),
        error_list=error_list,
    ), status


@bp.get("/coordinator/accounts/<id:user_id>/council-sign-in")
@auth.administrator_required
def account(user_id: int):
    return _account_page(db.get_or_404(User, user_id))


@bp.post("/coordinator/accounts/<id:user_id>/council-sign-in/link")
@auth.administrator_required
def link(user_id: int):
    user = db.get_or_404(User, user_id)
    form = LinkCouncilAccountForm()
    form.provider.choices = choices((p.name, p.label) for p in council.providers())
    if not form.validate_on_submit():
        return _account_page(user, form, status=400)
    try:
        council_sign_in.link_account(
            user,
            council.provider_or_404(form.provider.data),
            form.subject.data,
            actor=current_user._get_current_object(),
            now=clock.now(),
        )
    except BookingError as error:
        return _account_page(user, form, [{"text": error.message, "href": "#subject"}], 400)
    flash("The council account is linked.", "success")
    return redirect(url_for(".account", user_id=user.id))


@bp.post("/coordinator/accounts/<id:user_id>/council-sign-in/<id:link_id>/remove")
@auth.administrator_required
def unlink(user_id: int, link_id: int):
    found = db.get_or_404(CouncilAccountLink, link_id)
    if found.user_id != user_id or not ButtonForm().validate_on_submit():
        abort(404)
    council_sign_in.unlink_account(found, actor=current_user._get_current_object(), now=clock.now())
    flash("The council account is no longer linked.", "success")
    return redirect(url_for(".account", user_id=user_id))


@bp.post(
    "/coordinator/accounts/<id:user_id>/council-sign-in/<any('password-off', 'password-on'):change>"
)
@auth.administrator_required
def password(user_id: int, change: str):
    user = db.get_or_404(User, user_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        council_sign_in.require_council_sign_in(
            user,
            change == "password-off",
            actor=current_user._get_current_object(),
            providers=council.providers(),
            now=clock.now(),
        )
    except BookingError as error:
        flash(error.message)
    else:
        flash(
            "Their password is turned off: they sign in with their council account."
            if user.council_sign_in_required
            else "Their password works again.",
            "success",
        )
    return redirect(url_for(".account", user_id=user.id))

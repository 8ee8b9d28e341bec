"""Signing in and out: emailed links for attendees, password and code for coordinators.

This first version checks a coordinator's password only; the second factor, rate limits
and session timeouts are added on top (issue 6).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user

from ..forms.auth import CoordinatorSignInForm
from ..forms.fields import add_problems
from ..services import accounts

bp = Blueprint("auth", __name__)

WRONG_DETAILS = "Enter a correct email address and password"


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site (never another site) may be returned to after sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target.rstrip("?")


@bp.route("/coordinator/sign-in", methods=["GET", "POST"])
def coordinator_sign_in():
    form = CoordinatorSignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            session.clear()
            login_user(user)
            return redirect(
                _safe_next(request.args.get("next")) or url_for("coordinator.dashboard")
            )
        add_problems(form, [("email", WRONG_DETAILS)])
    return render_template("auth/coordinator_sign_in.html", form=form)


@bp.post("/coordinator/sign-out")
def coordinator_sign_out():
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("courses.calendar"))

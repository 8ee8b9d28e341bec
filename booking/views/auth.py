"""Signing in and out: emailed links for attendees, password and code for coordinators."""

from flask import Blueprint, render_template

bp = Blueprint("auth", __name__)


@bp.get("/coordinator/sign-in")
def coordinator_sign_in():
    return render_template("auth/coordinator_sign_in.html")

"""The public course calendar (no sign-in needed)."""

from flask import Blueprint, redirect, render_template, url_for

bp = Blueprint("courses", __name__)


@bp.get("/")
def home():
    return redirect(url_for("courses.calendar"))


@bp.get("/courses")
def calendar():
    return render_template("courses/calendar.html", months=[])

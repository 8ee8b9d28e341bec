"""'My bookings' for attendees signed in with an emailed link."""

from flask import Blueprint, render_template

bp = Blueprint("account", __name__, url_prefix="/my-bookings")


@bp.get("")
def index():
    return render_template("account/index.html")

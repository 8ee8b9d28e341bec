"""Plain information pages: privacy notice and accessibility statement."""

from flask import Blueprint, render_template

bp = Blueprint("pages", __name__)


@bp.get("/privacy")
def privacy():
    return render_template("pages/privacy.html")


@bp.get("/accessibility")
def accessibility():
    return render_template("pages/accessibility.html")

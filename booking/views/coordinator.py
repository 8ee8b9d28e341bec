"""The coordinators' area: running the programme."""

from flask import Blueprint, render_template

from ..auth import coordinator_required

bp = Blueprint("coordinator", __name__, url_prefix="/coordinator")


@bp.get("")
@coordinator_required
def dashboard():
    return render_template("coordinator/dashboard.html")

"""The coordinators' area: running the programme."""

from flask import Blueprint, render_template

from ..auth import coordinator_required

bp = Blueprint("coordinator", __name__, url_prefix="/coordinator")


@bp.get("")
@coordinator_required
def dashboard():
    from .. import clock  # imported here so this function is the whole change to the module
    from ..services import reports

    return render_template(
        "coordinator/dashboard.html",
        board=reports.dashboard(clock.now()),
        at_risk_days=reports.AT_RISK_DAYS,
    )

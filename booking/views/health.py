"""`/healthz` for the load balancer. No sign-in, no session, no personal data."""

from __future__ import annotations

from flask import Blueprint

from ..health import database_problem

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """200 "ok" when this server can serve; 503 with the reason when it cannot."""
    problem = database_problem()
    if problem:
        return problem + "\n", 503, {"Content-Type": "text/plain; charset=utf-8"}
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8"}

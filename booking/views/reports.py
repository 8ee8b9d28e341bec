"""Routes for the reports area."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/coordinator/reports")

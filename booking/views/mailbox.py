"""Routes for the mailbox area."""

from flask import Blueprint

bp = Blueprint("mailbox", __name__, url_prefix="/coordinator/mailbox")

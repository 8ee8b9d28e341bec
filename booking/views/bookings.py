"""Routes for the bookings area."""

from flask import Blueprint

bp = Blueprint("bookings", __name__)

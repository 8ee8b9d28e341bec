"""Who is signed in, and the checks views use to let them in.

Coordinators and administrators are `User` rows; Flask-Login's id carries the account's
session version so bumping it ends every session at once. Attendees who signed in with an
emailed link are remembered as a person id in the session (see views/auth.py).
"""

from __future__ import annotations

from functools import wraps

from flask import Flask, abort, redirect, request, session, url_for
from flask_login import current_user

from .extensions import db, login_manager
from .models import Person, User


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.coordinator_sign_in"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        kind, raw_id, version = user_id.split(":")
    except ValueError:
        return None
    if kind != "user" or not raw_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or user.session_version != int(version) or not user.is_enabled:
        return None
    return user


def coordinator_required(view):
    """Let in signed-in coordinators and administrators; send anyone else to sign in."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for(login_manager.login_view, next=request.full_path))
        return view(*args, **kwargs)

    return wrapped


def administrator_required(view):
    """Only administrators (who manage coordinator accounts)."""

    @wraps(view)
    @coordinator_required
    def wrapped(*args, **kwargs):
        if not current_user.is_administrator:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


ATTENDEE_SESSION_KEY = "attendee"


def current_attendee() -> Person | None:
    """The person signed in with an emailed link, if any."""
    data = session.get(ATTENDEE_SESSION_KEY)
    if not data:
        return None
    person = db.session.get(Person, data.get("id"))
    if person is None or person.session_version != data.get("v") or person.anonymised_at:
        session.pop(ATTENDEE_SESSION_KEY, None)
        return None
    return person


def sign_in_attendee(person: Person) -> None:
    session.clear()  # a new session at every sign-in
    session[ATTENDEE_SESSION_KEY] = {"id": person.id, "v": person.session_version}
    session.permanent = True

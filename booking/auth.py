"""Who is signed in, and the checks views use to let them in.

Coordinators and administrators are `User` rows. They are signed in (Flask-Login) only once
both the password and the second factor are done; in between, the session holds a short-lived
"pending" marker. Flask-Login's id carries the account's session version, so bumping it
(sign-out, disabling) ends every session at once. Coordinator sessions also end after a spell
of inactivity and after an absolute limit (COORDINATOR_IDLE_TIMEOUT, COORDINATOR_ABSOLUTE_TIMEOUT;
None turns one off).

Attendees who signed in with an emailed link are remembered as a person id and that person's
session version.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from . import clock
from .extensions import db, login_manager
from .models import Person, User

COORDINATOR_SESSION_KEY = "coordinator"
PENDING_SESSION_KEY = "pending_sign_in"
ATTENDEE_SESSION_KEY = "attendee"
#: The address of a line manager signed in with an emailed link, to see "My team".
MANAGER_SESSION_KEY = "line_manager"
#: The council account provider someone signed in with (see booking/council.py).
SIGNED_IN_WITH_KEY = "signed_in_with"
#: How long someone has between a correct password and typing their code.
PENDING_LIFETIME = timedelta(minutes=10)

_UNCHECKED_ENDPOINTS = {"static", "govuk_assets"}


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.coordinator_sign_in"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    app.before_request(_enforce_coordinator_session)
    app.jinja_env.globals["current_attendee"] = current_attendee


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


def safe_next_path(target: str | None) -> str | None:
    """A path on this site for signing in to lead to, else None: never another site.

    Refused: anything not starting with one "/", backslashes (some browsers read a backslash
    as "/"), spaces and control characters (browsers drop tabs and newlines, so a slash, a tab
    and a slash is "//"), and anything with a scheme or host.
    """
    if not target or len(target) > 2000 or not target.startswith("/"):
        return None
    if (
        target.startswith("//")
        or "\\" in target
        or any(ord(c) <= 32 or ord(c) == 127 for c in target)
    ):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


# --- Coordinators ---------------------------------------------------------------------------


def coordinator_session_values(now: datetime) -> dict:
    """What the session holds for a coordinator who has done both steps of signing in."""
    stamp = int(now.timestamp())
    return {COORDINATOR_SESSION_KEY: {"second_factor": True, "started": stamp, "seen": stamp}}


def start_pending_sign_in(user: User, now: datetime) -> None:
    """The password was right: remember who is signing in until they give their code."""
    session.clear()  # a new session at every sign-in step
    session[PENDING_SESSION_KEY] = {
        "id": user.id,
        "v": user.session_version,
        "at": int(now.timestamp()),
    }


def pending_user(now: datetime) -> User | None:
    """The account whose password was given in this session, if recent enough."""
    data = session.get(PENDING_SESSION_KEY)
    if not data:
        return None
    user = db.session.get(User, data.get("id"))
    too_old = now.timestamp() - data.get("at", 0) > PENDING_LIFETIME.total_seconds()
    if user is None or not user.is_enabled or user.session_version != data.get("v") or too_old:
        session.pop(PENDING_SESSION_KEY, None)
        return None
    return user


def start_coordinator_session(user: User, now: datetime) -> None:
    """Both steps done: a fresh session that signs the coordinator in."""
    signed_in_with = session.get(SIGNED_IN_WITH_KEY)  # a council sign-in, then their code
    session.clear()
    login_user(user, fresh=True)
    session.update(coordinator_session_values(now))
    if signed_in_with:
        session[SIGNED_IN_WITH_KEY] = signed_in_with


def end_session() -> None:
    """Forget whoever is signed in on this browser (coordinator or attendee)."""
    logout_user()
    session.clear()


def _enforce_coordinator_session():
    """Sign a coordinator out once their session has been idle, or open, for too long."""
    # Look the user up afresh for every request, even when a test keeps one app context
    # (and so one `g`) open across several requests from different browsers.
    g.pop("_login_user", None)
    if request.endpoint in _UNCHECKED_ENDPOINTS or not current_user.is_authenticated:
        return None
    info = session.get(COORDINATOR_SESSION_KEY) or {}
    now = int(clock.now().timestamp())
    idle = current_app.config.get("COORDINATOR_IDLE_TIMEOUT")
    absolute = current_app.config.get("COORDINATOR_ABSOLUTE_TIMEOUT")
    if not info.get("second_factor"):
        end_session()
        return None
    if (idle and now - info.get("seen", 0) > idle.total_seconds()) or (
        absolute and now - info.get("started", 0) > absolute.total_seconds()
    ):
        end_session()
        flash("You were signed out to keep people's details safe. Please sign in again.")
        return None
    info["seen"] = now
    session[COORDINATOR_SESSION_KEY] = info
    return None


def account_required(view):
    """Let in anyone signed in with an account (coordinator, administrator or trainer): their
    own account pages and the registers, which check the course themselves."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for(login_manager.login_view, next=request.full_path))
        return view(*args, **kwargs)

    return wrapped


def coordinator_required(view):
    """Let in signed-in coordinators and administrators; send anyone else to sign in. A trainer
    gets "not found", as for any page that is not theirs."""

    @wraps(view)
    @account_required
    def wrapped(*args, **kwargs):
        if not current_user.is_coordinator:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def home_for(user: User) -> str:
    """Where an account lands after signing in: trainers go straight to their registers."""
    return url_for("registers.index" if user.is_trainer else "coordinator.dashboard")


def administrator_required(view):
    """Only administrators (who manage coordinator accounts)."""

    @wraps(view)
    @coordinator_required
    def wrapped(*args, **kwargs):
        if not current_user.is_administrator:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


# --- Attendees ------------------------------------------------------------------------------


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


def sign_in_manager(email: str) -> None:
    """Remember a line manager's address (from a sign-in link) for "My team". Called after
    `sign_in_attendee` when the address also booked, or alone on a new session."""
    if ATTENDEE_SESSION_KEY not in session:
        session.clear()
    session[MANAGER_SESSION_KEY] = email
    session.permanent = True


def current_manager_email() -> str | None:
    """The address "My team" is for: a manager signed in with an emailed link, or the
    signed-in attendee's own address (a person can be someone's manager too)."""
    attendee = current_attendee()
    if attendee is not None:
        return attendee.email
    return session.get(MANAGER_SESSION_KEY)


def attendee_required(view):
    """Let in attendees signed in with an emailed link; send anyone else to ask for one."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_attendee() is None:
            return redirect(url_for("auth.attendee_sign_in"))
        return view(*args, **kwargs)

    return wrapped

"""Coordinator accounts: creating them and checking a password.

The second factor, rate limits and session rules are added on top of `authenticate` by
the sign-in work (issue 6); this module only knows about email addresses and passwords.
"""

from __future__ import annotations

from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import Role, User
from . import audit
from .db import transactional
from .errors import Problems

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024

#: Checked against when no account has the email address, so a wrong address takes as
#: long as a wrong password and the two cannot be told apart by timing.
_NO_SUCH_ACCOUNT_HASH = generate_password_hash("no account has this address")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def authenticate(email: str, password: str) -> User | None:
    """The enabled account with this email address and password, or None.

    Takes the same time and gives the same answer whether or not the address exists.
    """
    if len(password) > MAX_PASSWORD_LENGTH:
        password = password[:MAX_PASSWORD_LENGTH]
    user = db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))
    stored = user.password_hash if user is not None else _NO_SUCH_ACCOUNT_HASH
    password_ok = check_password_hash(stored, password)
    if user is None or not password_ok or not user.is_enabled:
        return None
    return user


def check_new_password(password: str) -> None:
    """Raise Problems if the password is too short or too long."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Problems(
            [("password", f"The password must be at least {MIN_PASSWORD_LENGTH} characters long")]
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise Problems(
            [("password", f"The password must be {MAX_PASSWORD_LENGTH} characters or fewer")]
        )


@transactional
def create_coordinator(
    email: str,
    *,
    password: str,
    full_name: str = "",
    administrator: bool = False,
    actor: User | str,
    now: datetime,
) -> User:
    """Make a coordinator's (or administrator's) account with a hashed password."""
    try:
        address = validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise Problems(
            [("email", f"{email.strip() or 'That'} is not a valid email address")]
        ) from None
    if db.session.scalar(select(User.id).where(func.lower(User.email) == address)) is not None:
        raise Problems([("email", f"There is already an account for {address}")])
    check_new_password(password)
    if len(full_name) > 200:
        raise Problems([("full_name", "The name must be 200 characters or fewer")])
    user = User(
        email=address,
        full_name=full_name.strip(),
        password_hash=generate_password_hash(password),
        role=Role.ADMINISTRATOR if administrator else Role.COORDINATOR,
        created_at=now,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("account.created", user, actor=actor, now=now, role=user.role.value)
    return user

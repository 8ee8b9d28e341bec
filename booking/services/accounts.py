"""Coordinator and administrator accounts: passwords, the second factor and recovery codes.

A password alone never signs anyone in: after `authenticate` the person gives a code from
their authenticator app (set up on first sign-in) or one of ten one-time recovery codes.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

import pyotp
import segno
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import RecoveryCode, Role, User
from . import audit
from .actors import ActorLike, as_actor
from .db import transactional
from .errors import NotAllowed, ValidationError
from .people import normalise_email

PASSWORD_MIN_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
RECOVERY_CODE_COUNT = 10
#: Letters and digits that cannot be mistaken for one another.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: Checked against when no account has the address, so both answers take as long.
_NO_SUCH_ACCOUNT_HASH = generate_password_hash(secrets.token_urlsafe(16))


def find_account(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def trainers() -> list[User]:
    """Trainers' accounts that can sign in, by name: the choices on the course form."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == Role.TRAINER, User.is_enabled.is_(True))
            .order_by(User.full_name, User.email)
        )
    )


def authenticate(email: str, password: str) -> User | None:
    """The enabled account with this email and password, else None (the same for any reason).

    An account an administrator set to sign in with its council account has no password.
    """
    user = find_account(email)
    password = (password or "")[:MAX_PASSWORD_LENGTH]  # hashing megabytes would be a denial
    password_ok = check_password_hash(
        user.password_hash if user else _NO_SUCH_ACCOUNT_HASH, password
    )
    if user is None or not password_ok or not user.is_enabled or user.council_sign_in_required:
        return None
    return user


def check_password_strength(password: str, field: str = "password") -> None:
    if len(password or "") < PASSWORD_MIN_LENGTH:
        raise ValidationError(
            f"Password must be {PASSWORD_MIN_LENGTH} characters or more.", field=field
        )


# --- Asking again before changes that could keep someone else in an account ---------------

#: The form field where the services below report a wrong answer.
CONFIRM_FIELD = "password_or_code"
_NOT_CONFIRMED = "Your password or code is not right"


def _password_matches(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, (password or "")[:MAX_PASSWORD_LENGTH])


def _confirm_it_is_them(user: User, answer: str, now: datetime) -> None:
    """The account's password, or a code its app shows now, asked for again (the user is locked).

    A recovery code is not accepted: it is for a lost phone at sign-in, and here it would let
    whoever found the printed codes replace them.
    """
    if _password_matches(user, answer):
        return
    code = re.sub(r"\s", "", answer or "")
    if user.totp_confirmed_at and code.isdigit() and _accept_app_code(user, code, now):
        return
    raise ValidationError(_NOT_CONFIRMED, field=CONFIRM_FIELD)


# --- The authenticator app ----------------------------------------------------------------


@transactional
def begin_second_factor_setup(user: User) -> str:
    """Give the account an authenticator secret (kept until confirmed) and return it."""
    user = _lock_user(user.id)
    if user.totp_confirmed_at is not None:
        raise NotAllowed("The authenticator app is already set up for this account.")
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
    return user.totp_secret


def authenticator_uri(user: User, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_code_svg(uri: str) -> str:
    """An inline SVG QR code (drawn here, so no outside service ever sees the secret)."""
    return segno.make(uri, error="m").svg_inline(
        scale=5, title="QR code for your authenticator app", svgclass="app-qr-code"
    )


@transactional
def confirm_second_factor(user: User, code: str, *, now: datetime) -> list[str]:
    """Check the first code from a newly set-up app; return ten recovery codes, shown once."""
    user = _lock_user(user.id)
    if user.totp_confirmed_at is not None or not user.totp_secret:
        raise NotAllowed("Please start setting up your authenticator app again.")
    if not _accept_app_code(user, code, now):
        raise ValidationError(_WRONG_CODE, field="code")
    user.totp_confirmed_at = now
    codes = _replace_recovery_codes(user)
    audit.record("account.second_factor_set_up", user, actor=user, now=now)
    return codes


_WRONG_CODE = "That code did not work. Check the app and type the 6 numbers it shows now."


@transactional
def verify_second_factor(user: User, code: str, *, now: datetime) -> str:
    """Accept a code from the app (once per 30 seconds) or an unused recovery code.

    Returns "app" or "recovery code"; raises ValidationError for anything else.
    """
    user = _lock_user(user.id)
    if user.totp_confirmed_at is None:
        raise NotAllowed("Please set up your authenticator app first.")
    cleaned = re.sub(r"[\s-]", "", code or "").lower()
    if cleaned.isdigit() and _accept_app_code(user, cleaned, now):
        how = "app"
    elif _use_recovery_code(user, cleaned, now):
        how = "recovery code"
    else:
        raise ValidationError(_WRONG_CODE, field="code")
    user.last_signed_in_at = now
    audit.record("account.signed_in", user, actor=user, now=now, second_factor=how)
    return how


def _accept_app_code(user: User, code: str, now: datetime) -> bool:
    """Accept this time step's code or a neighbour's (clock drift), never a step used before."""
    code = re.sub(r"\s", "", code or "")
    totp = pyotp.TOTP(user.totp_secret)
    current = int(now.timestamp()) // totp.interval
    accepted = None
    for step in (current - 1, current, current + 1):
        if step > user.totp_last_step and hmac.compare_digest(totp.generate_otp(step), code):
            accepted = step
    if accepted is None:
        return False
    user.totp_last_step = accepted
    return True


# --- Recovery codes ---------------------------------------------------------------------


def _hash_recovery_code(code: str) -> str:
    return "sha256$" + hashlib.sha256(code.encode()).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _replace_recovery_codes(user: User) -> list[str]:
    user.recovery_codes.clear()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    user.recovery_codes.extend(RecoveryCode(code_hash=_hash_recovery_code(c)) for c in codes)
    return codes


def _use_recovery_code(user: User, cleaned: str, now: datetime) -> bool:
    if len(cleaned) != 12:
        return False
    wanted = _hash_recovery_code(f"{cleaned[:4]}-{cleaned[4:8]}-{cleaned[8:]}")
    for stored in user.recovery_codes:
        if stored.used_at is None and hmac.compare_digest(stored.code_hash, wanted):
            stored.used_at = now
            return True
    return False


def recovery_codes_left(user: User) -> int:
    return sum(1 for code in user.recovery_codes if code.used_at is None)


@transactional
def new_recovery_codes(user: User, password_or_code: str, *, now: datetime) -> list[str]:
    """Replace every recovery code with ten new ones (the old ones stop working).

    The account's password or a code from its app is asked for again first.
    """
    user = _lock_user(user.id)
    _confirm_it_is_them(user, password_or_code, now)
    codes = _replace_recovery_codes(user)
    audit.record("account.recovery_codes_replaced", user, actor=user, now=now)
    return codes


# --- Managing accounts ---------------------------------------------------------------------


def generate_password() -> str:
    """A strong first password for an administrator to pass on (about 100 bits)."""
    words = [secrets.token_urlsafe(6) for _ in range(3)]
    return "-".join(words)


@transactional
def create_account(
    email: str,
    password: str,
    *,
    full_name: str = "",
    role: Role = Role.COORDINATOR,
    actor: ActorLike,
    now: datetime,
) -> User:
    """Create a coordinator or administrator account; they set up their app on first sign-in."""
    email = normalise_email(email)
    if not _EMAIL_SHAPE.match(email):
        raise ValidationError("Enter an email address like name@cumbria.gov.uk.", field="email")
    if find_account(email) is not None:
        raise ValidationError("There is already an account with that email address.", "email")
    check_password_strength(password)
    user = User(
        email=email,
        full_name=(full_name or "").strip(),
        password_hash=generate_password_hash(password),
        role=role,
        created_at=now,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("account.created", user, actor=actor, now=now, role=str(role))
    return user


def create_coordinator(
    email: str,
    *,
    password: str,
    full_name: str = "",
    administrator: bool = False,
    actor: ActorLike,
    now: datetime,
) -> User:
    """The same as `create_account`, in the words the demo data and older callers use."""
    role = Role.ADMINISTRATOR if administrator else Role.COORDINATOR
    return create_account(email, password, full_name=full_name, role=role, actor=actor, now=now)


@transactional
def change_password(user: User, current_password: str, new_password: str, *, now: datetime) -> User:
    """Change an account's own password, given the current one; every other session ends."""
    user = _lock_user(user.id)
    if not _password_matches(user, current_password):
        raise ValidationError("Your current password is not right", field="current_password")
    check_password_strength(new_password, field="new_password")
    user.password_hash = generate_password_hash(new_password)
    user.session_version += 1
    audit.record("account.password_changed", user, actor=user, now=now)
    return user


@transactional
def disable_account(user: User, *, actor: ActorLike, now: datetime, reason: str = "") -> User:
    """Stop an account signing in; its sessions end at once."""
    if as_actor(actor).user_id == user.id:
        raise NotAllowed("You cannot turn off your own account.")
    user = _lock_user(user.id)
    user.is_enabled = False
    user.session_version += 1
    audit.record("account.disabled", user, actor=actor, now=now, reason=reason)
    return user


@transactional
def enable_account(user: User, *, actor: ActorLike, now: datetime) -> User:
    user = _lock_user(user.id)
    user.is_enabled = True
    audit.record("account.enabled", user, actor=actor, now=now)
    return user


@transactional
def reset_second_factor(
    user: User, *, actor: User, actor_password_or_code: str, now: datetime
) -> User:
    """For a lost phone: the account sets up its app again at next sign-in.

    The administrator's own password or a code from their app is asked for again first.
    """
    _confirm_it_is_them(_lock_user(actor.id), actor_password_or_code, now)
    user = _lock_user(user.id)
    user.totp_secret = ""
    user.totp_confirmed_at = None
    user.totp_last_step = 0
    user.recovery_codes.clear()
    user.session_version += 1
    audit.record("account.second_factor_reset", user, actor=actor, now=now)
    return user


@transactional
def end_sessions(user: User, *, now: datetime) -> User:
    """Signing out: every session of this account, on any device, ends."""
    user = _lock_user(user.id)
    user.session_version += 1
    audit.record("account.signed_out", user, actor=user, now=now)
    return user


def list_accounts() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.is_enabled.desc(), User.email)))


def _lock_user(user_id: int) -> User:
    stmt = (
        select(User)
        .where(User.id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return db.session.execute(stmt).scalar_one()

"""People who attend (identified by email) and the accounts of coordinators."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy import false as sql_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .base import UTCDateTime, enum_column, utcnow


class Group(enum.StrEnum):
    STAFF = "staff"  #: council staff: an address on one of COUNCIL_EMAIL_DOMAINS
    PARTNER = "partner"  #: anyone else: health, police, schools, voluntary sector


class Person(Model):
    """Someone who books. Their email address, lower-cased and trimmed, identifies them."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    job_title: Mapped[str] = mapped_column(String(200), default="")
    team: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    line_manager_email: Mapped[str] = mapped_column(String(320), default="")
    group: Mapped[Group] = mapped_column(enum_column(Group))
    #: Why a coordinator changed the group the email address gave; empty if unchanged.
    group_override_reason: Mapped[str] = mapped_column(Text, default="")
    #: The partner agency they work for (services/agencies.py links it); None for council
    #: staff and for partners whose organisation is not on the list ("Other").
    agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agencies.id", ondelete="SET NULL"), index=True
    )
    #: Bumped to end every signed-in session of this person at once.
    session_version: Mapped[int] = mapped_column(Integer, default=0)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When email to this address last came back undelivered (a bounce); None if never.
    email_bounced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    bookings = relationship("Booking", back_populates="person", order_by="Booking.created_at")
    completions = relationship("TrainingCompletion", back_populates="person")
    agency = relationship("Agency")


class Role(enum.StrEnum):
    COORDINATOR = "coordinator"
    ADMINISTRATOR = "administrator"
    TRAINER = "trainer"  #: takes the registers of the courses they are assigned to, nothing else


class User(UserMixin, Model):
    """A coordinator's, administrator's or trainer's account (password plus an authenticator app)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.COORDINATOR)
    is_enabled: Mapped[bool] = mapped_column(default=True)
    #: Base32 secret for the authenticator app; empty until set up on first sign-in.
    totp_secret: Mapped[str] = mapped_column(String(64), default="")
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The last time-step accepted, so one code cannot be used twice.
    totp_last_step: Mapped[int] = mapped_column(Integer, default=0)
    #: Bumped to end every session of this account at once (sign-out, disabling).
    session_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Set by an administrator: this account signs in with its council account only (its
    #: password is not accepted).
    council_sign_in_required: Mapped[bool] = mapped_column(
        default=False, server_default=sql_false()
    )

    recovery_codes = relationship(
        "RecoveryCode", back_populates="user", cascade="all, delete-orphan"
    )
    council_accounts = relationship(
        "CouncilAccountLink",
        back_populates="user",
        cascade="all, delete-orphan",
        order_by="CouncilAccountLink.linked_at",
    )

    def get_id(self) -> str:
        return f"user:{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return self.is_enabled

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR

    @property
    def is_trainer(self) -> bool:
        return self.role == Role.TRAINER

    @property
    def is_coordinator(self) -> bool:
        """Coordinators and administrators: the whole coordinators' area."""
        return self.role in (Role.COORDINATOR, Role.ADMINISTRATOR)


class RecoveryCode(Model):
    """A one-time code to sign in without the authenticator app; stored hashed."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(128))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", back_populates="recovery_codes")


class CouncilAccountLink(Model):
    """A council account (at an OpenID Connect provider) that signs in to a `User` account.

    Matched by the provider's issuer and its stable subject identifier, never by email
    address, which can change. One link per account per provider.
    """

    __tablename__ = "council_account_links"
    __table_args__ = (
        UniqueConstraint("issuer", "subject", name="uq_council_account_links_issuer_subject"),
        UniqueConstraint("user_id", "issuer", name="uq_council_account_links_user_issuer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The provider's name in OIDC_PROVIDERS (for the page); the issuer is what is matched.
    provider: Mapped[str] = mapped_column(String(60))
    issuer: Mapped[str] = mapped_column(String(300))
    #: The provider's `sub` claim for this person.
    subject: Mapped[str] = mapped_column(String(255))
    #: "first sign-in" or the administrator who linked it.
    linked_by: Mapped[str] = mapped_column(String(200), default="")
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", back_populates="council_accounts")


class CompletionSource(enum.StrEnum):
    COURSE = "course"  #: attended every day of a course here
    ELSEWHERE = "elsewhere"  #: recorded by a coordinator (trained before this system)
    IMPORT = "import"  #: loaded from a CSV of past completions


class TrainingCompletion(Model):
    """A person completed a course type, on a date."""

    __tablename__ = "training_completions"
    __table_args__ = (
        UniqueConstraint("person_id", "course_type_id", name="uq_completion_person_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    course_type_id: Mapped[int] = mapped_column(ForeignKey("course_types.id"), index=True)
    completed_on: Mapped[date] = mapped_column(Date)
    source: Mapped[CompletionSource] = mapped_column(enum_column(CompletionSource))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person = relationship("Person", back_populates="completions")
    course_type = relationship("CourseType")

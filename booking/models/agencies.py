"""Partner agencies: the organisations (an NHS trust, a school, the police, a charity) whose
people book partner places, how an address is matched to one, and who may see its people."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .base import UTCDateTime, utcnow


class Agency(Model):
    """A partner agency kept on the coordinators' list."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: Someone at the agency who may sign in and see its people's bookings; empty if none.
    contact_email: Mapped[str] = mapped_column(String(320), default="", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    domains: Mapped[list[AgencyDomain]] = relationship(
        back_populates="agency", cascade="all, delete-orphan", order_by="AgencyDomain.id"
    )


class AgencyDomain(Model):
    """An email domain that links an address to an agency (its subdomains too)."""

    __tablename__ = "agency_domains"
    __table_args__ = (
        UniqueConstraint("domain", "name_contains", name="uq_agency_domains_domain_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(
        ForeignKey("agencies.id", ondelete="CASCADE"), index=True
    )
    domain: Mapped[str] = mapped_column(String(253))
    #: When not empty, the organisation the person gives must contain these words too (a
    #: shared domain such as nhs.net is split between trusts by their names).
    name_contains: Mapped[str] = mapped_column(String(200), default="")

    agency: Mapped[Agency] = relationship(back_populates="domains")

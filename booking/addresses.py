"""The addresses of a booking's own page and of the one-time links, built one way for pages
and emails (emails put SITE_URL in front). Pure: no database, no services, no Flask.

services/links.py issues and checks the links; this module only spells their addresses.
"""

from __future__ import annotations

from itsdangerous import URLSafeSerializer

from .models import Booking, LinkPurpose

#: Signs [booking id, link key] in the link to each booking's own page (`manage_token`).
_MANAGE_SALT = "manage-booking"
#: Signs [booking id, link key] in the link to the booking's feedback form (`feedback_path`).
_FEEDBACK_SALT = "feedback"


def manage_token(booking: Booking, secret_key: str) -> str:
    """The token in every email about this booking, for its page at /b/<token>."""
    return URLSafeSerializer(secret_key, salt=_MANAGE_SALT).dumps([booking.id, booking.link_key])


def manage_path(booking: Booking, secret_key: str) -> str:
    """The address of a booking's own page, where the person cancels, moves or answers an
    offer: the one way it is built, for pages as it is, for emails after SITE_URL."""
    return f"/b/{manage_token(booking, secret_key)}"


#: Where each kind of one-time link lands on the website (emails put SITE_URL in front).
LINK_PATHS = {
    LinkPurpose.CONFIRM_BOOKING: "/confirm/{token}",
    LinkPurpose.CANCEL_BY_EMAIL: "/cancel/{token}",
}


def link_path(purpose: LinkPurpose, token: str) -> str:
    """The address of a one-time link to confirm a booking or to cancel one."""
    return LINK_PATHS[purpose].format(token=token)


def feedback_path(booking: Booking, secret_key: str) -> str:
    """The address of a booking's feedback form: works without signing in, many times (the
    person may change their answers), and only for this booking."""
    token = URLSafeSerializer(secret_key, salt=_FEEDBACK_SALT).dumps([booking.id, booking.link_key])
    return f"/feedback/{token}"

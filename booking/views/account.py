"""'My bookings' for attendees signed in with an emailed link.

Every booking is loaded through the signed-in person: someone else's booking id is a 404.
"""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from sqlalchemy import select

from .. import clock
from ..auth import attendee_required, current_attendee
from ..extensions import db
from ..forms.account import SupportNeedsForm
from ..models import ACTIVE, Booking
from ..services import actors, agencies, booking_pages, changes, check_in, links
from ..services.errors import BookingError

#: The person, signed in to "My bookings" (the audit trail has always said it this way here).
SIGNED_IN_HERE = actors.person(actors.How.SIGNED_IN, "the person, signed in")

bp = Blueprint("account", __name__, url_prefix="/my-bookings")


def manage_url(booking: Booking) -> str:
    """The booking's own page, where the person cancels, moves or answers an offer."""
    return links.manage_path(booking, current_app.config["SECRET_KEY"])


def _own_booking(booking_id: int) -> Booking:
    booking = db.session.get(Booking, booking_id)
    person = current_attendee()
    if booking is None or person is None or booking.person_id != person.id:
        abort(404)
    return booking


@bp.get("")
@attendee_required
def index():
    person = current_attendee()
    assert person is not None  # attendee_required let them in
    rows = db.session.scalars(
        select(Booking).where(Booking.person_id == person.id).order_by(Booking.requested_at.desc())
    ).all()
    now = clock.now()
    return render_template(
        "account/index.html",
        person=person,
        summaries=[booking_pages.booking_summary(booking, now=now) for booking in rows],
        active=ACTIVE,
        manage_url=manage_url,
        check_in_codes_for=partial(check_in.codes_to_show, now=clock.now()),
        contact_for=agencies.agency_for_contact(person.email),
    )


@bp.route("/<id:booking_id>/support-needs", methods=["GET", "POST"])
@attendee_required
def support_needs(booking_id: int):
    booking = _own_booking(booking_id)
    form = SupportNeedsForm()
    if not form.is_submitted():
        form.support_needs.data = booking.support_needs
    elif form.validate():
        if _removal_needs_asking(booking, form):
            return render_template("account/remove_support_needs.html", booking=booking, form=form)
        try:
            changes.update_support_needs(
                booking, form.support_needs.data, actor=SIGNED_IN_HERE, now=clock.now()
            )
        except BookingError as error:
            flash(error.message)
            return redirect(url_for("account.index"))
        flash(_saved_words(form.support_needs.data), "success")
        return redirect(url_for("account.index"))
    return render_template("account/support_needs.html", form=form, booking=booking)


def _removal_needs_asking(booking: Booking, form: SupportNeedsForm) -> bool:
    """An empty box would erase what they told us: ask first, unless they already said yes."""
    emptied = not (form.support_needs.data or "").strip()
    return emptied and bool(booking.support_needs) and form.confirm_removal.data != "yes"


def _saved_words(text: str | None) -> str:
    if (text or "").strip():
        return "We have saved what you told us about support you need."
    return "We have removed what you told us about support you need."

"""Certificates of completion: the public check page, and downloads from the booking page,
"My bookings" and a person's training record (coordinators, who also issue them for
training the team recorded)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from .. import clock
from ..auth import attendee_required, coordinator_required, current_attendee
from ..documents import certificate_pdf
from ..extensions import db
from ..forms.bookings import ButtonForm
from ..models import Booking, TrainingCompletion
from ..security import limit_certificate_check
from ..services import certificates, links
from ..services.errors import BookingError

bp = Blueprint("certificates", __name__)


@bp.app_context_processor
def _helpers():
    def certificate_of(booking: Booking) -> bool:
        """Whether the booking's course was completed, so it has a certificate to download."""
        return certificates.completion_of(booking) is not None

    return {"certificate_of": certificate_of, "certificate_exists": certificates.existing}


def _pdf(certificate) -> Response:
    details = certificates.details(certificate)
    data = certificate_pdf.certificate_pdf(details, site_url=current_app.config["SITE_URL"])
    name = certificate_pdf.filename(details)
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


def _for_booking(booking: Booking | None, back: str = "") -> BaseResponse:
    """The booking's certificate; for a booking with none, back to `back` with a note."""
    if booking is None:
        abort(404)
    completion = certificates.completion_of(booking)
    if completion is None:
        flash(
            "There is no certificate for this booking: it is given once you have come on every day of the course."
        )
        return redirect(back)
    certificate = certificates.certificate_for(completion, now=clock.now())
    db.session.commit()
    return _pdf(certificate)


@bp.get("/certificates/<number>")
@limit_certificate_check
def check(number: str):
    result = certificates.check(number)
    status = 200 if result.outcome == certificates.CheckOutcome.GENUINE else 404
    return render_template("certificates/check.html", result=result, number=number[:40]), status


@bp.get("/b/<token>/certificate.pdf")
def from_booking_page(token: str):
    booking = links.booking_from_manage_token(token, current_app.config["SECRET_KEY"])
    return _for_booking(booking, url_for("bookings.manage", token=token))


@bp.get("/my-bookings/<id:booking_id>/certificate.pdf")
@attendee_required
def from_my_bookings(booking_id: int):
    booking = db.session.get(Booking, booking_id)
    person = current_attendee()
    if booking is None or person is None or booking.person_id != person.id:
        abort(404)
    return _for_booking(booking, url_for("account.index"))


def _completion_or_404(person_id: int, completion_id: int) -> TrainingCompletion:
    completion = db.session.get(TrainingCompletion, completion_id)
    if completion is None or completion.person_id != person_id:
        abort(404)
    return completion


@bp.get("/coordinator/reports/people/<id:person_id>/certificates/<id:completion_id>.pdf")
@coordinator_required
def for_coordinator(person_id: int, completion_id: int):
    completion = _completion_or_404(person_id, completion_id)
    try:
        certificate = certificates.certificate_for(completion, now=clock.now())
    except BookingError:
        abort(404)
    db.session.commit()
    return _pdf(certificate)


@bp.post("/coordinator/reports/people/<id:person_id>/certificates/<id:completion_id>")
@coordinator_required
def issue(person_id: int, completion_id: int):
    completion = _completion_or_404(person_id, completion_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    certificate = certificates.issue_for_recorded(completion, actor=current_user, now=clock.now())
    flash(f"Certificate {certificate.number} is ready to download.", "success")
    return redirect(url_for("reports.person", person_id=person_id))

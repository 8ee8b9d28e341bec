"""Line managers: the emailed approval link, "My team", changing a person's line manager,
and the coordinators' list of requests waiting for approval. Routes only: the rules are in
services/approvals.py."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import clock
from ..auth import attendee_required, coordinator_required, current_attendee, current_manager_email
from ..extensions import db
from ..forms.managers import (
    ApprovalForm,
    ApproveForManagerForm,
    CoordinatorLineManagerForm,
    LineManagerForm,
)
from ..models import Booking, BookingStatus, Person
from ..security import limit_sign_in_link
from ..services import actors, approvals
from ..services.errors import BookingError, LinkInvalid

bp = Blueprint("managers", __name__)

#: The person, changing their line manager on "My bookings".
SIGNED_IN_HERE = actors.person(actors.How.SIGNED_IN, "the person, signed in")


# --- The emailed approval link ---------------------------------------------------------------


@bp.get("/manager/approve/<token>")
def approval(token: str):
    """Opening the link only shows the request and two buttons: scanners use nothing up."""
    try:
        _link, booking = approvals.approval_link(token, now=clock.now())
    except LinkInvalid as error:
        return render_template("managers/link_not_working.html", message=error.message), 404
    return render_template("managers/approve.html", booking=booking, form=ApprovalForm())


@bp.post("/manager/approve/<token>")
@limit_sign_in_link
def decide(token: str):
    form = ApprovalForm()
    if not form.validate_on_submit():
        try:
            _link, booking = approvals.approval_link(token, now=clock.now())
        except LinkInvalid as error:
            return render_template("managers/link_not_working.html", message=error.message), 404
        return render_template("managers/approve.html", booking=booking, form=form)
    approve = bool(form.approve.data)
    try:
        booking = approvals.decide_by_link(
            token, approve=approve, reason=form.reason.data or "", now=clock.now()
        )
    except LinkInvalid as error:
        return render_template("managers/link_not_working.html", message=error.message), 404
    except BookingError as error:
        return render_template("managers/link_not_working.html", message=error.message), 409
    return render_template("managers/decided.html", booking=booking, approved=approve)


# --- "My team" -------------------------------------------------------------------------------


@bp.get("/my-team")
def my_team():
    manager = current_manager_email()
    if manager is None:
        return redirect(url_for("auth.attendee_sign_in"))
    team = approvals.team_of(manager, now=clock.now())
    return render_template("managers/my_team.html", team=team, manager=manager)


# --- Changing a line manager -----------------------------------------------------------------


@bp.route("/my-bookings/line-manager", methods=["GET", "POST"])
@attendee_required
def line_manager():
    person = current_attendee()
    assert person is not None
    form = LineManagerForm()
    if not form.is_submitted():
        form.line_manager_email.data = person.line_manager_email
    elif form.validate():
        try:
            approvals.change_line_manager(
                person, form.line_manager_email.data or "", actor=SIGNED_IN_HERE,
                now=clock.now(),
            )  # fmt: skip
        except BookingError as error:
            form.line_manager_email.errors = [error.message]
        else:
            flash(_saved(person.line_manager_email), "success")
            return redirect(url_for("account.index"))
    return render_template("managers/line_manager.html", form=form, person=person)


@bp.route("/coordinator/people/<id:person_id>/line-manager", methods=["GET", "POST"])
@coordinator_required
def coordinator_line_manager(person_id: int):
    person = db.get_or_404(Person, person_id)
    form = CoordinatorLineManagerForm()
    if not form.is_submitted():
        form.line_manager_email.data = person.line_manager_email
    elif form.validate():
        try:
            approvals.change_line_manager(
                person, form.line_manager_email.data or "",
                actor=actors.coordinator(current_user._get_current_object()),
                now=clock.now(), reason=form.reason.data,
            )  # fmt: skip
        except BookingError as error:
            form.line_manager_email.errors = [error.message]
        else:
            flash(_saved(person.line_manager_email, whose="their"), "success")
            return redirect(url_for("reports.person", person_id=person.id))
    return render_template("managers/coordinator_line_manager.html", form=form, person=person)


def _saved(manager: str, whose: str = "your") -> str:
    if manager:
        return f"We have saved {whose} line manager: {manager}."
    return f"We have removed {whose} line manager. They will get no more copies."


# --- Coordinators: requests waiting for approval ---------------------------------------------


@bp.get("/coordinator/approvals")
@coordinator_required
def waiting():
    return render_template(
        "managers/waiting.html",
        bookings=approvals.waiting_for_approval(),
        form=ApproveForManagerForm(),
    )


@bp.route("/coordinator/approvals/<id:booking_id>", methods=["GET", "POST"])
@coordinator_required
def approve_for_manager(booking_id: int):
    booking = db.get_or_404(Booking, booking_id)
    if booking.status != BookingStatus.AWAITING_APPROVAL:
        abort(404)
    form = ApproveForManagerForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            approvals.approve_for_manager(
                booking, actor=actors.coordinator(current_user._get_current_object()),
                reason=form.reason.data, now=clock.now(),
            )  # fmt: skip
        except BookingError as error:
            flash(error.message)
            return redirect(url_for(".waiting"))
        flash(f"Approved. {booking.person.full_name or booking.person.email}: "
              f"{_status_words(booking)}.", "success")  # fmt: skip
        return redirect(url_for(".waiting"))
    return render_template("managers/approve_for_manager.html", booking=booking, form=form)


def _status_words(booking: Booking) -> str:
    from ..words import STATUS_WORDS

    return STATUS_WORDS[booking.status].coordinator.lower()

"""Partner agencies: the coordinators' list, and the page an agency's contact signs in to.

An agency's page is loaded through the signed-in person: anyone who is not that agency's
contact gets a 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import clock
from ..auth import attendee_required, coordinator_required, current_attendee
from ..extensions import db
from ..forms.agencies import AgencyForm, LinkAgencyForm
from ..forms.fields import add_problems
from ..models import Agency, Person
from ..services import agencies
from ..services.allocation import cap_settings
from ..services.errors import BookingError, Problems

bp = Blueprint("agencies", __name__)


@bp.get("/coordinator/agencies")
@coordinator_required
def index():
    listed = agencies.all_agencies()
    return render_template(
        "agencies/index.html",
        agencies=listed,
        unlinked=agencies.unlinked_partners(),
        link_form=LinkAgencyForm(agencies=listed),
        default_cap=cap_settings.default_cap,
    )


@bp.route("/coordinator/agencies/new", methods=["GET", "POST"])
@coordinator_required
def new():
    return _save(None)


@bp.route("/coordinator/agencies/<id:agency_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit(agency_id: int):
    return _save(db.get_or_404(Agency, agency_id))


def _save(agency):
    form = AgencyForm()
    if agency is not None and not form.is_submitted():
        form.fill_from(agency)
    if form.validate_on_submit():
        try:
            agencies.save_agency(
                agency,
                name=form.name.data,
                domains=form.domains.data,
                contact_email=form.contact_email.data,
                actor=current_user,
                now=clock.now(),
            )
            flash("Agency saved.", "success")
            return redirect(url_for("agencies.index"))
        except Problems as problems:
            add_problems(form, problems.problems)
    return render_template("agencies/form.html", form=form, agency=agency)


@bp.post("/coordinator/agencies/people/<id:person_id>")
@coordinator_required
def link(person_id: int):
    person = db.get_or_404(Person, person_id)
    form = LinkAgencyForm(agencies=agencies.all_agencies())
    if form.validate_on_submit():
        try:
            agency = agencies.get_agency(int(form.agency.data))
            agencies.link_to_agency(person, agency, actor=current_user, now=clock.now())
            flash(f"{person.full_name or person.email} is linked to {agency.name}.", "success")
        except BookingError as error:
            flash(error.message, "error")
    else:
        flash("Choose an agency to link them to.", "error")
    return redirect(url_for("agencies.index"))


@bp.get("/agency")
@attendee_required
def mine():
    agency = _contacts_agency()
    return redirect(url_for("agencies.people", agency_id=agency.id))


@bp.get("/agency/<id:agency_id>")
@attendee_required
def people(agency_id: int):
    agency = _contacts_agency()
    if agency.id != agency_id:
        abort(404)
    shown = agencies.agency_people(agency, now=clock.now())
    return render_template("agencies/people.html", shown=shown)


def _contacts_agency():
    """The agency whose contact is signed in; 404 for anyone else."""
    person = current_attendee()
    agency = agencies.agency_for_contact(person.email) if person is not None else None
    if agency is None:
        abort(404)
    return agency

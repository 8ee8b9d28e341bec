"""Coordinators' privacy tools (find, export and erase a person) and the audit trail."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import clock
from ..auth import coordinator_required
from ..extensions import db
from ..forms.privacy import AuditFilterForm, EraseForm, FindPersonForm
from ..models import Person
from ..services import people, privacy
from ..services.audit_trail import audit_lines
from ..services.errors import BookingError

bp = Blueprint("privacy", __name__, url_prefix="/coordinator")

AUDIT_PAGE_SIZE = 50


@bp.route("/privacy", methods=["GET", "POST"])
@coordinator_required
def find_person():
    # Posted, never in the web address: addresses there end up in logs and browser history.
    form = FindPersonForm()
    if form.validate_on_submit():
        person = people.find_person(form.email.data)
        if person is not None:
            return redirect(url_for("privacy.person", person_id=person.id))
        error = {"text": "We hold nothing about that email address", "href": "#email"}
        return render_template("privacy/find.html", form=form, error_list=[error])
    return render_template("privacy/find.html", form=form)


def _export(person_id: int, form: str) -> tuple[Person, dict]:
    """Everything held about the person; showing it is recorded, as it holds support needs."""
    person = db.get_or_404(Person, person_id)
    data = privacy.export_person(person)
    privacy.record_export(
        person, actor=current_user._get_current_object(), now=clock.now(), form=form
    )
    return person, data


@bp.get("/privacy/people/<id:person_id>")
@coordinator_required
def person(person_id: int):
    person, data = _export(person_id, "page")
    return render_template("privacy/person.html", person=person, data=data)


@bp.get("/privacy/people/<id:person_id>/export.json")
@coordinator_required
def export_json(person_id: int):
    person, data = _export(person_id, "JSON file")
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="person-{person.id}.json"'},
    )


@bp.route("/privacy/people/<id:person_id>/erase", methods=["GET", "POST"])
@coordinator_required
def erase(person_id: int):
    person = db.get_or_404(Person, person_id)
    form = EraseForm()
    if form.validate_on_submit():
        try:
            privacy.erase_person(
                person,
                actor=current_user._get_current_object(),
                now=clock.now(),
                reason=form.reason.data,
            )
        except BookingError as error:
            error_list = [{"text": error.message, "href": "#reason"}]
            return render_template(
                "privacy/erase.html", form=form, person=person, error_list=error_list
            )
        flash("Their details have been erased. The counts in reports are kept.", "success")
        return redirect(url_for("privacy.find_person"))
    return render_template("privacy/erase.html", form=form, person=person)


@bp.get("/audit")
@coordinator_required
def audit_trail():
    form = AuditFilterForm(request.args)
    filters = {}
    if form.validate():
        filters = {
            "action": form.action.data or "",
            "object_type": form.object_type.data or "",
            "object_id": form.object_id.data,
            "actor": form.actor.data or "",
        }
    page = db.paginate(
        privacy.audit_events(**filters), per_page=AUDIT_PAGE_SIZE, max_per_page=AUDIT_PAGE_SIZE
    )
    return render_template(
        "privacy/audit.html", form=form, page=page, lines=audit_lines(page.items)
    )

"""Reports, training records and importing past completions (coordinators only)."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from wtforms import SelectChoice

from .. import clock
from ..auth import coordinator_required
from ..extensions import db
from ..forms.reports import (
    CompletedElsewhereForm,
    ImportConfirmForm,
    ImportUploadForm,
    PeriodForm,
    SearchForm,
)
from ..models import CourseType, Person
from ..services import exports, records, reports
from ..services.errors import BookingError
from ..words import how_many
from .registers import csv_download

bp = Blueprint("reports", __name__, url_prefix="/coordinator/reports")

#: Default length of each report's period, in months back from today.
DEFAULT_MONTHS = {
    "attendance": 3,
    "completions": 12,
    "no_shows": 3,
    "feedback": 12,
    "agencies": 12,
}


def period_for(report: str):
    """The form, and the report's period: its default when the address gives none, the dates
    given when they are right, or (None, None) when they are not (the form says why)."""
    if not request.args:
        start, end = reports.default_period(clock.now(), months=DEFAULT_MONTHS[report])
        return PeriodForm(formdata=None, start=start, end=end), start, end
    form = PeriodForm(request.args)
    if form.validate():
        return form, form.start.data, form.end.data
    return form, None, None


def _course_type_choices() -> list[SelectChoice]:
    types = db.session.scalars(db.select(CourseType).order_by(CourseType.name))
    return [SelectChoice(str(t.id), t.name) for t in types]


@bp.get("")
@coordinator_required
def index():
    return render_template("reports/index.html")


def _period_report(name: str, read, to_csv, **extra):
    """A report over a period: the page (with `extra` figures from its rows) or its CSV."""
    form, start, end = period_for(name)
    if start is None:
        if (request.endpoint or "").endswith("_csv"):
            abort(400)
        return render_template(f"reports/{name}.html", form=form, rows=[], start=None, end=None)
    rows = read(start, end)
    if (request.endpoint or "").endswith("_csv"):
        filename = f"{name.replace('_', '-')}-{start}-to-{end}.csv"
        return csv_download(to_csv(rows), filename)
    figures = {key: make(rows) for key, make in extra.items()}
    return render_template(
        f"reports/{name}.html", form=form, rows=rows, start=start, end=end, **figures
    )


@bp.get("/attendance")
@bp.get("/attendance.csv", endpoint="attendance_csv")
@coordinator_required
def attendance():
    return _period_report(
        "attendance", reports.attendance_by_course, exports.attendance_csv,
        labels=reports.course_labels, completed=reports.completed_by_course,
        most_days=reports.most_days,
    )  # fmt: skip


@bp.get("/completions")
@bp.get("/completions.csv", endpoint="completions_csv")
@coordinator_required
def completions():
    read = partial(
        reports.completions_by_organisation, council_names=current_app.config["COUNCIL_NAMES"]
    )
    return _period_report(
        "completions", read, exports.completions_csv, organisations=reports.organisation_totals
    )


@bp.get("/agencies")
@bp.get("/agencies.csv", endpoint="agencies_csv")
@coordinator_required
def agencies():
    read = partial(reports.by_agency, now=clock.now())
    return _period_report("agencies", read, exports.agencies_csv)


@bp.get("/no-shows")
@bp.get("/no-shows.csv", endpoint="no_shows_csv")
@coordinator_required
def no_shows():
    return _period_report("no_shows", reports.no_shows, exports.no_shows_csv)


@bp.get("/waiting")
@bp.get("/waiting.csv", endpoint="waiting_csv")
@coordinator_required
def waiting():
    rows = reports.waiting_without_a_date(clock.now())
    if (request.endpoint or "").endswith("_csv"):
        return csv_download(exports.waiting_csv(rows), "waiting-without-a-date.csv")
    return render_template("reports/waiting.html", rows=rows)


@bp.route("/people", methods=["GET", "POST"])
@coordinator_required
def people():
    # Posted, never in the web address: names and addresses there end up in logs and history.
    form = SearchForm()
    query = (form.q.data or "") if form.validate_on_submit() else ""
    return render_template(
        "reports/people.html", form=form, query=query, people=records.search_people(query)
    )


@bp.get("/people/<id:person_id>")
@bp.get("/people/<id:person_id>/record.csv", endpoint="person_csv")
@coordinator_required
def person(person_id: int):
    record = records.person_record(db.get_or_404(Person, person_id))
    if (request.endpoint or "").endswith("_csv"):
        return csv_download(exports.person_record_csv(record), f"training-record-{person_id}.csv")
    return render_template(
        "reports/person.html", record=record, person=record.person,
        source_words=records.SOURCE_WORDS,
    )  # fmt: skip


@bp.route("/people/<id:person_id>/completed-elsewhere", methods=["GET", "POST"])
@coordinator_required
def completed_elsewhere(person_id: int):
    person = db.get_or_404(Person, person_id)
    form = CompletedElsewhereForm()
    form.course_type.choices = _course_type_choices()
    error_list = []
    if form.validate_on_submit():
        course_type = db.get_or_404(CourseType, form.course_type.data)
        try:
            records.record_completion_elsewhere(
                person, course_type, form.completed_on.data, actor=current_user,
                now=clock.now(), reason=form.reason.data,
            )  # fmt: skip
        except BookingError as error:
            error_list = [
                {"text": error.message, "href": f"#{getattr(error, 'field', None) or 'reason'}"}
            ]
        else:
            flash("The training is recorded.", "success")
            return redirect(url_for(".person", person_id=person.id))
    return render_template(
        "reports/completed_elsewhere.html", form=form, person=person, error_list=error_list
    ), 400 if error_list or form.errors else 200


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="completions-import")


@bp.route("/import", methods=["GET", "POST"])
@coordinator_required
def import_completions():
    """Step 1: upload a CSV; the reply is the preview (nothing saved yet)."""
    form = ImportUploadForm()
    form.course_type.choices = _course_type_choices()
    if not form.validate_on_submit():
        return render_template("reports/import.html", form=form), 400 if form.errors else 200
    course_type = db.get_or_404(CourseType, form.course_type.data)
    data = form.file.data.read()
    try:
        preview = records.preview_import(data, course_type, now=clock.now())
    except BookingError as error:
        return render_template("reports/import.html", form=form,
                               error_list=[{"text": error.message, "href": "#file"}]), 400  # fmt: skip
    payload = _signer().dumps(
        {"type": course_type.id, "csv": data.decode("latin-1"), "digest": preview.digest,
         "reason": form.reason.data}
    )  # fmt: skip
    confirm = ImportConfirmForm(payload=payload)
    return render_template("reports/import_preview.html", preview=preview, confirm=confirm,
                           course_type=course_type)  # fmt: skip


@bp.post("/import/confirm")
@coordinator_required
def confirm_import():
    """Step 2: save exactly what the preview showed, from the signed copy the page carried."""
    form = ImportConfirmForm()
    try:
        payload = _signer().loads(form.payload.data or "")
    except BadSignature:
        abort(400)
    course_type = db.get_or_404(CourseType, payload["type"])
    try:
        created = records.confirm_import(
            payload["csv"].encode("latin-1"), course_type, expected_digest=payload["digest"],
            actor=current_user, now=clock.now(), reason=payload["reason"],
            council_domains=current_app.config["COUNCIL_EMAIL_DOMAINS"],
        )  # fmt: skip
    except BookingError as error:
        flash(error.message)
        return redirect(url_for(".import_completions"))
    flash(f"{how_many(len(created), 'past completion')} saved.", "success")
    return redirect(url_for(".index"))

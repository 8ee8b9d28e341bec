"""The coordinators' pages for course types: list, add and change."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import clock
from ..auth import coordinator_required
from ..extensions import db
from ..forms.course_types import CourseTypeForm
from ..forms.fields import add_problems
from ..models import CourseType
from ..services import course_types
from ..services.errors import Problems

bp = Blueprint("course_types", __name__, url_prefix="/coordinator/course-types")


def _form(editing: CourseType | None = None) -> tuple[CourseTypeForm, dict[int, CourseType]]:
    types = course_types.course_types()
    form = CourseTypeForm()
    form.set_prerequisite_choices(types, editing)
    return form, {t.id: t for t in types}


@bp.get("")
@coordinator_required
def index():
    return render_template("coordinator/course_types.html", types=course_types.course_types())


@bp.route("/new", methods=["GET", "POST"])
@coordinator_required
def new():
    form, types_by_id = _form()
    if form.validate_on_submit():
        try:
            course_types.create_course_type(
                form.details(types_by_id), actor=current_user, now=clock.now()
            )
            flash("Course type added.", "success")
            return redirect(url_for(".index"))
        except Problems as problems:
            add_problems(form, problems.problems)
    return render_template("coordinator/course_type_form.html", form=form, course_type=None)


@bp.route("/<id:type_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit(type_id: int):
    course_type = db.get_or_404(CourseType, type_id)
    form, types_by_id = _form(course_type)
    if request.method == "GET":
        form.fill_from(course_type)
    elif form.validate_on_submit():
        try:
            course_types.update_course_type(
                course_type, form.details(types_by_id), actor=current_user, now=clock.now()
            )
            flash("Course type saved.", "success")
            return redirect(url_for(".index"))
        except Problems as problems:
            add_problems(form, problems.problems)
    return render_template("coordinator/course_type_form.html", form=form, course_type=course_type)

"""The coordinators' area: running the programme (courses and venues)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import clock
from ..auth import coordinator_required
from ..extensions import db
from ..forms.courses import (
    CancelCourseForm,
    ConfirmForm,
    CourseForm,
    DaysCountForm,
    DuplicateCourseForm,
    VenueForm,
    days_wanted,
)
from ..forms.fields import add_problems
from ..models import Course, CourseType, User, Venue
from ..services import accounts, course_types, reports, rooms
from ..services import courses as course_service
from ..services import venues as venue_service
from ..services.allocation import availability, availability_for, waitlist_counts
from ..services.clashes import ClashWarning, clashes_for_course
from ..services.errors import BookingError, Problems

bp = Blueprint("coordinator", __name__, url_prefix="/coordinator")


def _max_span_days() -> int:
    return current_app.config["COURSE_MAX_SPAN_DAYS"]


def _course_form(course: Course | None = None, course_type: CourseType | None = None) -> CourseForm:
    """The course form with as many days as asked for (the saved course's, or the default for
    a new one of `course_type`, unless the days choice or the posted form says otherwise)."""
    if course is not None:
        default = len(course.days)
    else:
        default = course_service.default_days_count(course_type)
    typed = request.form.get("days_count") if request.method == "POST" else request.args.get("days")
    if course is not None and course_service.has_started(course, clock.now()):
        typed = None  # its days are fixed (the service refuses a change anyway)
    form = CourseForm(days=days_wanted(typed, default))
    choices = venue_service.venues()
    if course is not None and course.venue.is_archived:
        choices.append(course.venue)
    form.set_venues(choices)
    form.set_rooms(rooms.rooms_to_choose(course))
    form.set_trainers(accounts.trainers())
    return form


def _details(form):
    """What the coordinator typed, with the venue, trainers and room it names."""
    return form.details(_venues_by_id(), _trainers_by_id(), rooms.rooms_by_id())


def _clash_warning(form, warning: ClashWarning):
    """The clashes to show above the form. Asked again with no reason, the reason box says so."""
    if form.clash_warning_seen.data == "yes":
        add_problems(form, [("clash_reason", "Say why the course should be saved anyway")])
    form.clash_warning_seen.data = "yes"
    return warning.clashes


def _trainers_by_id() -> dict[int, User]:
    return {t.id: t for t in accounts.trainers()}


def _venues_by_id() -> dict[int, Venue]:
    return {v.id: v for v in venue_service.venues(include_archived=True)}


def _act(action, message: str, course: Course):
    """Run a one-button action on a course; say what happened on the course's page."""
    if ConfirmForm().validate_on_submit():
        try:
            action(course, actor=current_user, now=clock.now())
            flash(message, "success")
        except BookingError as error:
            flash(error.message, "error")
    return redirect(url_for("coordinator.course", course_id=course.id))


@bp.get("")
@coordinator_required
def dashboard():
    return render_template(
        "coordinator/dashboard.html",
        board=reports.dashboard(clock.now()),
        at_risk_days=reports.AT_RISK_DAYS,
    )


@bp.get("/courses")
@coordinator_required
def courses():
    now = clock.now()
    past = request.args.get("show") == "past"
    listed = course_service.coordinator_courses(now, past=past)
    return render_template(
        "coordinator/courses.html",
        courses=listed,
        past=past,  # every course listed is over (`Course.is_over`), or none is
        places=availability_for(listed, now),
        waiting=waitlist_counts(c.id for c in listed),
    )


def _chosen_type() -> tuple[CourseType | None, bool]:
    """The course type a new course is of (from ?type= or the posted form), and whether one
    has yet to be chosen (there are several types and none was picked)."""
    slug = (
        request.args.get("type", "")
        if request.method == "GET"
        else request.form.get("course_type", "")
    )
    types = course_types.course_types()
    chosen = course_types.by_slug(slug) if slug else None
    if chosen is None and len(types) == 1:
        chosen = types[0]
    return chosen, chosen is None and len(types) > 1 and request.method == "GET"


@bp.route("/courses/new", methods=["GET", "POST"])
@coordinator_required
def new_course():
    chosen, must_choose = _chosen_type()
    form = _course_form(course_type=chosen)
    if must_choose:
        return _choose_type_page()
    if chosen is not None:
        form.use_type(chosen, fill=request.method == "GET")
    if form.validate_on_submit():
        try:
            if (passed := _release_warning(form, None)) is not None:
                return _course_form_page(form, None, passed)
            course = course_service.create_course(
                replace(_details(form), course_type=chosen),
                actor=current_user,
                now=clock.now(),
                max_span_days=_max_span_days(),
            )
            flash("Course saved as a draft. Check it, then publish it.", "success")
            return redirect(url_for("coordinator.course", course_id=course.id))
        except Problems as problems:
            add_problems(form, problems.problems)
        except ClashWarning as warning:
            return _course_form_page(form, None, clashes=_clash_warning(form, warning))
    return _course_form_page(form, None)


def _choose_type_page():
    """First step of adding a course when there are several types: a GET form, so it works
    without JavaScript and the next page's address says the type."""
    picked = request.args.get("type")
    error_list = (
        [{"text": "Choose the type of course", "href": "#type"}] if picked is not None else None
    )
    return render_template(
        "coordinator/choose_course_type.html",
        types=course_types.course_types(),
        error_list=error_list,
    ), (400 if error_list else 200)


def _release_warning(form: CourseForm, course: Course | None) -> date | None:
    """The release date, if it has already passed and the coordinator has not yet been told
    (an unchanged date on a course being edited was told about when it was set)."""
    if form.release_warning_seen.data == "yes":
        return None
    details, now = form.details(_venues_by_id()), clock.now()
    details = replace(details, course_type=course.course_type if course else _chosen_type()[0])
    # Mistakes first: a course that cannot be saved needs no warning about its release date.
    course_service.check_details(details, now=now, max_span_days=_max_span_days(), course=course)
    passed = details.release_already_passed(now)
    if passed is None or (course is not None and course.release_on == passed):
        return None
    form.release_warning_seen.data = "yes"
    return passed


def _course_form_page(form: CourseForm, course: Course | None, release_passed=None, clashes=()):
    days_form = DaysCountForm(formdata=None, days=str(form.days_shown))
    return render_template(
        "coordinator/course_form.html",
        form=form,
        days_form=days_form,
        days_fixed=course is not None and course_service.has_started(course, clock.now()),
        course=course,
        release_passed=release_passed,
        chosen_type=course_types.by_slug(form.course_type.data or ""),
        clashes=clashes,
    )


@bp.get("/courses/<id:course_id>")
@coordinator_required
def course(course_id: int):
    course = db.get_or_404(Course, course_id)
    now = clock.now()
    return render_template(
        "coordinator/course.html",
        course=course,
        places=availability(course, now),
        waiting=waitlist_counts([course.id])[course.id],
        last_day_to_book=course_service.last_day_to_book(course),
        released=course.is_released(now),
        over=course.is_over(now),
        confirm=ConfirmForm(),
        clashes=clashes_for_course(course),
    )


@bp.route("/courses/<id:course_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit_course(course_id: int):
    course = db.get_or_404(Course, course_id)
    form = _course_form(course)
    form.use_type(course.course_type, fill=False)
    try:
        course_service.check_can_change(course, now=clock.now())
        if request.method == "GET":
            form.fill_from(course)
        elif form.validate_on_submit():
            if (passed := _release_warning(form, course)) is not None:
                return _course_form_page(form, course, passed)
            course_service.update_course(
                course,
                _details(form),
                actor=current_user,
                now=clock.now(),
                max_span_days=_max_span_days(),
            )
            flash("Course saved.", "success")
            return redirect(url_for("coordinator.course", course_id=course.id))
    except Problems as problems:
        add_problems(form, problems.problems)
    except ClashWarning as warning:
        return _course_form_page(form, course, clashes=_clash_warning(form, warning))
    except BookingError as error:
        flash(error.message, "error")
        return redirect(url_for("coordinator.course", course_id=course.id))
    return _course_form_page(form, course)


@bp.post("/courses/<id:course_id>/publish")
@coordinator_required
def publish_course(course_id: int):
    course = db.get_or_404(Course, course_id)
    return _act(course_service.publish_course, "The course is published on the calendar.", course)


@bp.post("/courses/<id:course_id>/release")
@coordinator_required
def release_places(course_id: int):
    course = db.get_or_404(Course, course_id)
    return _act(
        course_service.release_places_now, "Unfilled places are now open to everyone.", course
    )


@bp.route("/courses/<id:course_id>/duplicate", methods=["GET", "POST"])
@coordinator_required
def duplicate_course(course_id: int):
    course = db.get_or_404(Course, course_id)
    form, clashes = DuplicateCourseForm(), []
    if form.validate_on_submit():
        try:
            copy = course_service.duplicate_course(
                course,
                weeks_later=form.weeks_later.data,
                actor=current_user,
                now=clock.now(),
                max_span_days=_max_span_days(),
                capacity_reason=form.capacity_reason.data or "",
                clash_reason=form.clash_reason.data or "",
            )
            flash("A draft copy is saved. Check the details, then publish it.", "success")
            return redirect(url_for("coordinator.edit_course", course_id=copy.id))
        except Problems as problems:
            add_problems(form, problems.problems)
        except ClashWarning as warning:
            clashes = _clash_warning(form, warning)
    return render_template("coordinator/duplicate.html", form=form, course=course, clashes=clashes)


@bp.route("/courses/<id:course_id>/cancel", methods=["GET", "POST"])
@coordinator_required
def cancel(course_id: int):
    course = db.get_or_404(Course, course_id)
    form = CancelCourseForm()
    if form.validate_on_submit():
        try:
            ended = course_service.cancel_course(
                course, actor=current_user, now=clock.now(), reason=form.reason.data
            )
            told = "1 person has" if len(ended) == 1 else f"{len(ended)} people have"
            flash(f"The course is cancelled. {told} been told by email.", "success")
            return redirect(url_for("coordinator.course", course_id=course.id))
        except BookingError as error:
            add_problems(form, [("reason", error.message)])
    return render_template(
        "coordinator/cancel.html", form=form, course=course, over=course.is_over(clock.now())
    )


@bp.get("/venues")
@coordinator_required
def venues():
    return render_template(
        "coordinator/venues.html",
        venues=venue_service.venues(include_archived=True),
        confirm=ConfirmForm(),
    )


@bp.route("/venues/new", methods=["GET", "POST"])
@coordinator_required
def new_venue():
    form = VenueForm()
    if form.validate_on_submit():
        try:
            venue_service.create_venue(form.details(), actor=current_user, now=clock.now())
            flash("Venue added.", "success")
            return redirect(url_for("coordinator.venues"))
        except Problems as problems:
            add_problems(form, problems.problems)
    return render_template("coordinator/venue_form.html", form=form, venue=None)


@bp.route("/venues/<id:venue_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit_venue(venue_id: int):
    venue = db.get_or_404(Venue, venue_id)
    form = VenueForm(obj=venue)
    if form.validate_on_submit():
        try:
            venue_service.update_venue(venue, form.details(), actor=current_user, now=clock.now())
            flash("Venue saved.", "success")
            return redirect(url_for("coordinator.venues"))
        except Problems as problems:
            add_problems(form, problems.problems)
    return render_template("coordinator/venue_form.html", form=form, venue=venue)


@bp.post("/venues/<id:venue_id>/archive")
@coordinator_required
def archive_venue(venue_id: int):
    return _venue_action(venue_id, venue_service.archive_venue, "Venue archived.")


@bp.post("/venues/<id:venue_id>/restore")
@coordinator_required
def restore_venue(venue_id: int):
    return _venue_action(venue_id, venue_service.restore_venue, "Venue restored.")


def _venue_action(venue_id: int, action, message: str):
    venue = db.get_or_404(Venue, venue_id)
    if ConfirmForm().validate_on_submit():
        try:
            action(venue, actor=current_user, now=clock.now())
            flash(message, "success")
        except BookingError as error:
            flash(error.message, "error")
    return redirect(url_for("coordinator.venues"))

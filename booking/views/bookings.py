"""Booking a place, confirming the address, the booking page behind every email, and the
coordinators' booking actions. Routes only: the rules are in services/requests.py,
services/changes.py and services/waitlist.py."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm

from .. import clock
from ..auth import coordinator_required, current_attendee
from ..extensions import db
from ..forms.bookings import (
    BookingRequestForm,
    ButtonForm,
    ConfirmForm,
    CoordinatorAddForm,
    CoordinatorCancelForm,
    CoordinatorGroupForm,
    CoordinatorMoveForm,
    CoordinatorPriorityForm,
    CoordinatorPromoteForm,
    MoveForm,
    choices,
)
from ..models import Booking, Course, CourseStatus, Group, LinkPurpose
from ..security import limit_booking
from ..services import (
    actors,
    agencies,
    allocation,
    booking_pages,
    changes,
    check_in,
    links,
    people,
    privacy,
    requests,
    waitlist,
)
from ..services.errors import BookingError, LinkInvalid, ValidationError

bp = Blueprint("bookings", __name__)


CHECK_EMAIL_KEY = "booking_request_email"


@bp.context_processor
def _helpers():
    return {"manage_url": _manage_url}


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _domains() -> list[str]:
    return current_app.config["COUNCIL_EMAIL_DOMAINS"]


def _manage_url(booking: Booking) -> str:
    return links.manage_path(booking, _secret())


def _public_course_or_404(course_id: int) -> Course:
    course = db.get_or_404(Course, course_id)
    if course.status == CourseStatus.DRAFT:
        abort(404)
    return course


def _booking_or_404(token: str) -> Booking:
    booking = links.booking_from_manage_token(token, _secret())
    if booking is None:
        abort(404)
    return booking


# ------------------------------------------------------------------------------- asking for a place


@bp.route("/courses/<id:course_id>/book", methods=["GET", "POST"])
@limit_booking
def request_place(course_id: int):
    course = _public_course_or_404(course_id)
    now = clock.now()
    form = BookingRequestForm(council_domains=_domains(), agencies=agencies.all_agencies())
    error_list = None
    attendee = current_attendee()
    if request.method == "GET" and attendee is not None:
        form.fill_from(attendee)
    if form.validate_on_submit():
        try:
            if attendee is not None:  # address already proven by their sign-in link
                booking = requests.book_as_signed_in(course, attendee, form.details(), now=now)
                return redirect(_manage_url(booking))
            link, _token = requests.request_place(
                course, form.details(), now=now, council_domains=_domains()
            )
        except BookingError as error:
            field = getattr(error, "field", None) or "email"
            error_list = [{"text": error.message, "href": f"#{field}"}]
        else:
            session[CHECK_EMAIL_KEY] = link.email
            return redirect(url_for(".check_email", course_id=course.id))
    # Booking brings the course up to date under its lock; a page shown brings it up to
    # date here, so the figures on it are right.
    waitlist.refresh_course(course, now=now)
    availability = allocation.availability(course, now)
    group = attendee.group if attendee is not None else None
    if attendee is not None:
        form.for_signed_in(full=availability.state_for(group) == allocation.BookingState.FULL)
    return render_template(
        "bookings/request.html",
        course=course,
        form=form,
        error_list=error_list,
        open=course.is_open_for_booking(now),
        availability=availability,
        viewer_group=group,
    )


@bp.get("/courses/<id:course_id>/book/check-your-email")
def check_email(course_id: int):
    course = _public_course_or_404(course_id)
    return render_template(
        "bookings/check_email.html", course=course, email=session.get(CHECK_EMAIL_KEY)
    )


# ------------------------------------------------------------------------------- the emailed link


@bp.get("/confirm/<token>")
def confirm_page(token: str):
    """Opening the link only shows a button, so mail scanners that open links book nothing."""
    link = links.peek_link(LinkPurpose.CONFIRM_BOOKING, token)
    if link is None:
        abort(404)
    state = links.link_state(link, now=clock.now())
    if state == links.LinkState.USED and link.result_booking_id:
        return redirect(_manage_url(db.session.get_one(Booking, link.result_booking_id)))
    course = db.session.get(Course, link.course_id)
    if state != links.LinkState.USABLE:
        return render_template("bookings/link_expired.html", course=course), 410
    return _confirm_page(link, ConfirmForm())


def _confirm_page(link, form: ConfirmForm, error_list=None, status=200):
    return (
        render_template(
            "bookings/confirm.html",
            course=db.session.get(Course, link.course_id),
            form=form,
            ask_organisation=requests.organisation_needed(link, council_domains=_domains()),
            error_list=error_list,
        ),
        status,
    )


@bp.post("/confirm/<token>")
def confirm(token: str):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        booking = requests.confirm_request(
            token,
            now=clock.now(),
            council_domains=_domains(),
            organisation=form.organisation.data or "",
        )
    except ValidationError as error:
        link = links.peek_link(LinkPurpose.CONFIRM_BOOKING, token)
        if link is None:
            abort(404)
        form.organisation.errors = [error.message]
        return _confirm_page(link, form, [{"text": error.message, "href": "#organisation"}], 400)
    except links.LinkUsed:
        return redirect(url_for(".confirm_page", token=token))
    except links.LinkExpired:
        link = links.peek_link(LinkPurpose.CONFIRM_BOOKING, token)
        course = db.session.get(Course, link.course_id) if link else None
        return render_template("bookings/link_expired.html", course=course), 410
    except LinkInvalid:
        abort(404)
    except BookingError as error:
        return render_template("bookings/problem.html", message=error.message), 409
    flash("Thank you. Your email address is confirmed.", "success")
    return redirect(_manage_url(booking))


@bp.get("/cancel/<token>")
def cancel_link_page(token: str):
    """The one-click cancel link sent in reply to an email: opening it only shows a button."""
    link = links.peek_link(LinkPurpose.CANCEL_BY_EMAIL, token)
    if link is None or link.booking_id is None:
        abort(404)
    booking = db.session.get_one(Booking, link.booking_id)
    state = links.link_state(link, now=clock.now())
    if state == links.LinkState.USED:
        return redirect(_manage_url(booking))
    if state == links.LinkState.EXPIRED:
        return render_template("bookings/cancel_link_expired.html", booking=booking), 410
    return render_template("bookings/cancel.html", booking=booking, token=None, form=ButtonForm())


@bp.post("/cancel/<token>")
def cancel_by_link(token: str):
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        booking = changes.cancel_by_link(token, now=clock.now())
    except (links.LinkUsed, links.LinkExpired):
        return redirect(url_for(".cancel_link_page", token=token))
    except LinkInvalid:
        abort(404)
    except BookingError as error:
        return render_template("bookings/problem.html", message=error.message), 409
    flash("Your booking is cancelled.", "success")
    return redirect(_manage_url(booking))


# ------------------------------------------------------------------------------- the booking page


@bp.get("/b/<token>")
def manage(token: str):
    booking = _booking_or_404(token)
    now = clock.now()
    waitlist.refresh_course(booking.course, now=now)  # ends offers that ran out, offers places
    summary = booking_pages.booking_summary(booking, now=now)
    answer = request.args.get("answer")  # the offer email links here with ?answer=accept|decline
    return render_template(
        "bookings/manage.html", s=summary, token=token, form=ButtonForm(), answer=answer,
        codes=check_in.codes_to_show(booking, now=now),
    )  # fmt: skip


@bp.post("/b/<token>/accept")
def accept(token: str):
    return _act(token, changes.accept_offer, "You have a place. We have emailed you the details.")


@bp.post("/b/<token>/decline")
def decline(token: str):
    return _act(
        token, changes.decline_offer, "You have said no to the place. Thank you for telling us."
    )


@bp.route("/b/<token>/cancel", methods=["GET", "POST"])
def cancel(token: str):
    booking = _booking_or_404(token)
    form = ButtonForm()
    if form.validate_on_submit():
        return _act(token, changes.cancel_booking, "Your booking is cancelled.")
    if not booking_pages.booking_summary(booking, now=clock.now()).can_cancel:
        return redirect(url_for(".manage", token=token))  # never offer what will be refused
    return render_template("bookings/cancel.html", booking=booking, token=token, form=form)


def _act(token: str, action, success: str):
    booking = _booking_or_404(token)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        action(booking, actor=actors.BY_EMAILED_LINK, now=clock.now())
    except BookingError as error:
        flash(error.message)
    else:
        flash(success, "success")
    return redirect(url_for(".manage", token=token))


@bp.route("/b/<token>/move", methods=["GET", "POST"])
def move(token: str):
    booking = _booking_or_404(token)
    now = clock.now()
    form = MoveForm()
    if request.method == "GET" and not booking_pages.booking_summary(booking, now=now).can_move:
        return redirect(url_for(".manage", token=token))
    options = booking_pages.move_choices(booking, now=now)
    form.course_id.choices = choices((c.id, _course_label(c)) for c in options)
    error_list = None
    if form.validate_on_submit():
        to_course = db.get_or_404(Course, form.course_id.data)
        try:
            new = changes.move_booking(booking, to_course, actor=actors.BY_EMAILED_LINK, now=now)
        except BookingError as error:
            error_list = [{"text": error.message, "href": "#course_id"}]
        else:
            flash(
                "Your place has moved to the new date. We have emailed you the details.", "success"
            )
            return redirect(_manage_url(new))
    return render_template(
        "bookings/move.html",
        booking=booking,
        token=token,
        form=form,
        options=options,
        error_list=error_list,
    )


def _course_label(course: Course) -> str:
    from ..words import long_date

    return f"{long_date(course.first_day.date)} and {long_date(course.last_day.date)}, {course.venue.town}"


# ------------------------------------------------------------------------------- coordinators


@bp.get("/coordinator/courses/<id:course_id>/bookings")
@coordinator_required
def coordinator_people(course_id: int):
    course = db.get_or_404(Course, course_id)
    return _people_page(course, CoordinatorAddForm())


def _people_page(course: Course, add_form: CoordinatorAddForm, error_list=None, status=200):
    now = clock.now()
    return (
        render_template(
            "bookings/coordinator_people.html",
            course=course,
            people=booking_pages.course_people(course),  # its waitlist is in queue order
            availability=allocation.availability(course, now),
            form=add_form,
            error_list=error_list,
            now=now,
        ),
        status,
    )


@bp.post("/coordinator/courses/<id:course_id>/bookings/add")
@coordinator_required
def coordinator_add(course_id: int):
    course = db.get_or_404(Course, course_id)
    form = CoordinatorAddForm()
    if not form.validate_on_submit():
        return _people_page(course, form, status=400)
    try:
        booking = changes.add_by_email(
            course,
            form.details(),
            actor=current_user,
            now=clock.now(),
            reason=form.reason.data,
            council_domains=_domains(),
            allow_over_capacity=form.allow_over_capacity.data,
            override_prerequisites=form.override_prerequisites.data,
        )
    except BookingError as error:
        return _people_page(course, form, [{"text": error.message, "href": "#email"}], 400)
    flash(f"{booking.person.full_name or booking.person.email} is added.", "success")
    return redirect(url_for(".coordinator_people", course_id=course.id))


@bp.get("/coordinator/bookings/<id:booking_id>")
@coordinator_required
def coordinator_booking(booking_id: int):
    return _booking_page(db.get_or_404(Booking, booking_id))


def _booking_page(booking: Booking, failed=None, error_list=None, status=200):
    if booking.support_needs:  # every page that shows support needs puts the look on record
        privacy.record_support_needs_viewed(
            booking, actor=current_user._get_current_object(), now=clock.now(), where="booking"
        )
    forms: dict[str, FlaskForm] = {
        "cancel": CoordinatorCancelForm(prefix="cancel"),
        "promote": CoordinatorPromoteForm(prefix="promote"),
        "move": CoordinatorMoveForm(prefix="move"),
        "priority": CoordinatorPriorityForm(prefix="priority"),
        "group": CoordinatorGroupForm(prefix="group", data={"group": booking.person.group.value}),
    }
    if failed is not None:
        forms[failed[0]] = failed[1]
    forms["move"].course_id.choices = _move_targets(booking)
    return (
        render_template(
            "bookings/coordinator_booking.html",
            booking=booking,
            forms=forms,
            form=failed[1] if failed else None,
            error_list=error_list,
            position=waitlist.waitlist_position(booking),
        ),
        status,
    )


def _move_targets(booking: Booking):
    return choices((c.id, _course_label(c)) for c in booking_pages.other_dates(booking))


_COORDINATOR_ACTIONS: dict[str, tuple[type[FlaskForm], str]] = {
    "cancel": (CoordinatorCancelForm, "The booking is cancelled."),
    "promote": (CoordinatorPromoteForm, "They have a place now."),
    "move": (CoordinatorMoveForm, "The booking is moved."),
    "priority": (CoordinatorPriorityForm, "Their place in the queue is saved."),
    "group": (CoordinatorGroupForm, "Their group is changed."),
}


@bp.post(
    "/coordinator/bookings/<id:booking_id>/<any(cancel, promote, move, priority, group):action>"
)
@coordinator_required
def coordinator_action(booking_id: int, action: str):
    booking = db.get_or_404(Booking, booking_id)
    form_class, success = _COORDINATOR_ACTIONS[action]
    form = form_class(prefix=action)
    if action == "move":
        form.course_id.choices = _move_targets(booking)
    if not form.validate_on_submit():
        return _booking_page(booking, (action, form), status=400)
    try:
        result = _run_coordinator_action(action, booking, form)
    except BookingError as error:
        field = getattr(error, "field", None) or "reason"
        errors = [{"text": error.message, "href": f"#{action}-{field}"}]
        return _booking_page(booking, (action, form), errors, status=400)
    flash(success, "success")
    return redirect(url_for(".coordinator_booking", booking_id=result.id))


def _run_coordinator_action(action: str, booking: Booking, form) -> Booking:
    common = {"actor": current_user, "now": clock.now(), "reason": form.reason.data}
    if action == "cancel":
        return changes.cancel_booking(booking, **common)
    if action == "promote":
        return changes.promote(booking, **common)
    if action == "priority":
        return changes.set_queue_priority(booking, form.priority_value(), **common)
    if action == "group":
        people.correct_group(booking.person, Group(form.group.data), **common)
        return booking
    to_course = db.get_or_404(Course, form.course_id.data)
    return changes.move_booking(
        booking, to_course, allow_over_capacity=form.allow_over_capacity.data, **common
    )

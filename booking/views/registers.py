"""Registers for each course day: marking, walk-ins, sign-in sheets, corrections and history."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from .. import clock
from ..auth import account_required
from ..extensions import db
from ..forms.registers import CheckInForm, MarkForm, WalkInForm
from ..models import Booking, CourseDay, Mark
from ..services import allocation, check_in, exports, registers, self_check_in
from ..services.errors import BookingError

bp = Blueprint("registers", __name__, url_prefix="/coordinator/registers")


def _day_or_404(day_id: int) -> CourseDay:
    """The course day, if it is one whose register the signed-in account may take."""
    day = db.get_or_404(CourseDay, day_id)
    if not registers.may_take_register(current_user, day.course_id):
        abort(404)
    return day


def _booking_or_404(booking_id: int) -> Booking:
    """The booking, if it is on a course whose register the signed-in account may take."""
    booking = db.get_or_404(Booking, booking_id)
    if not registers.may_take_register(current_user, booking.course_id):
        abort(404)
    return booking


def _register_page(day: CourseDay, *, errors: dict | None = None, status: int = 200):
    """The register with every person's saved mark; `errors` maps booking ids to messages."""
    now = clock.now()
    errors = errors or {}
    lines = registers.register_for(day)
    page = render_template(
        "registers/register.html",
        day=day,
        course=day.course,
        lines=lines,
        counts=registers.count_marks(lines),
        places=allocation.availability(day.course, now),
        after_the_day=registers.is_after_the_day(day, now),
        before_the_day=registers.is_before_the_day(day, now),
        saved=request.args.get("saved", type=int),
        errors=errors,
        error_list=[{"text": text, "href": href} for href, text in errors.values()],
    )
    return page, status


@bp.get("")
@account_required
def index():
    return render_template(
        "registers/index.html",
        days=registers.course_days_around(clock.now(), user=current_user),
        listed=registers.REGISTERS_LISTED,
    )


@bp.get("/days/<id:day_id>")
@account_required
def register(day_id: int):
    return _register_page(_day_or_404(day_id))


def _wants_json() -> bool:
    """The register's script asks for JSON; without it the same endpoint redirects."""
    return request.accept_mimetypes.best == "application/json"


def _mark_refused(day: CourseDay, booking: Booking, href: str, message: str):
    if _wants_json():
        return jsonify(error=message, field=href.lstrip("#")), 400
    return _register_page(day, errors={booking.id: (href, message)}, status=400)


def _mark_saved(day: CourseDay, booking: Booking):
    """What the register's script shows once a mark is saved: the person's state and the count."""
    lines = registers.register_for(day)
    line = next(line for line in lines if line.booking.id == booking.id)
    return jsonify(
        mark=line.mark.mark.value if line.mark else None,
        state=render_template("registers/_mark_state.html", line=line, day=day, saved=booking.id),
        counts=render_template("registers/_counts.html", counts=registers.count_marks(lines)),
    )


@bp.post("/days/<id:day_id>/people/<id:booking_id>")
@account_required
def save_mark(day_id: int, booking_id: int):
    day = _day_or_404(day_id)
    booking = _booking_or_404(booking_id)
    form = MarkForm()
    if not form.validate():
        message = next(iter(form.errors.values()))[0]
        return _mark_refused(day, booking, f"#mark-{booking.id}", message)
    try:
        registers.mark(
            booking, day, Mark(form.mark.data), actor=current_user, now=clock.now(),
            counts_as_attended=form.counts.data, reason=form.reason.data or "",
        )  # fmt: skip
    except BookingError as error:
        href = f"#reason-{booking.id}" if getattr(error, "field", None) else f"#mark-{booking.id}"
        return _mark_refused(day, booking, href, error.message)
    if _wants_json():
        return _mark_saved(day, booking)
    return redirect(
        url_for(".register", day_id=day.id, saved=booking.id, _anchor=f"person-{booking.id}")
    )


@bp.post("/days/<id:day_id>/everyone-present")
@account_required
def mark_everyone_present(day_id: int):
    day = _day_or_404(day_id)  # CSRFProtect has checked the form's token
    try:
        marked = registers.mark_everyone_present(day, actor=current_user, now=clock.now())
    except BookingError as error:
        flash(error.message)
    else:
        people = "person" if marked == 1 else "people"
        flash(
            f"{marked} {people} marked present. Change anyone who is late or not here.",
            "success",
        )
    return redirect(url_for(".register", day_id=day.id))


@bp.route("/days/<id:day_id>/check-in", methods=["GET", "POST"])
@account_required
def check_in_by_code(day_id: int):
    day = _day_or_404(day_id)
    form = CheckInForm()
    done = refused = None
    if form.validate_on_submit():
        try:
            done = check_in.check_in(day, form.code.data, actor=current_user, now=clock.now())
        except BookingError as error:
            refused = error
        form.code.data = ""  # ready for the next person
    counts = registers.count_marks(registers.register_for(day))
    status = 400 if refused or form.errors else 200
    if _wants_json():  # the camera scanner: the same endpoint, no page reload
        message = next(iter(form.errors.values()))[0] if form.errors else ""
        return jsonify(
            checked_in=done is not None, message=message,
            result=render_template("registers/_check_in_result.html", done=done, refused=refused),
            counts=render_template("registers/_counts.html", counts=counts),
        ), status  # fmt: skip
    page = Response(render_template(
        "registers/check_in.html", day=day, course=day.course, form=form, done=done,
        refused=refused, counts=counts,
    ), status=status)  # fmt: skip
    # The one page that may use the camera (every other page refuses it: security.py).
    page.headers["Permissions-Policy"] = "camera=(self), microphone=(), geolocation=()"
    return page


@bp.get("/days/<id:day_id>/self-check-in")
@account_required
def self_check_in_screen(day_id: int):
    """The code for the room's screen: it changes every 30 seconds and the page reloads
    itself when it does (a meta refresh, so it works without JavaScript)."""
    day = _day_or_404(day_id)
    now = clock.now()
    shown = None
    if self_check_in.is_on(day) and self_check_in.is_today(day, now):
        shown = self_check_in.code_on_screen(day, secret=current_app.config["SECRET_KEY"], now=now)
    response = Response(
        render_template(
            "registers/self_check_in_screen.html",
            day=day,
            course=day.course,
            shown=shown,
            is_on=self_check_in.is_on(day),
            qr_svg=shown
            and self_check_in.qr_svg(
                current_app.config["SITE_URL"]
                + url_for("self_check_in.scanned", day_id=day.id, code=shown.code)
            ),
        )
    )
    response.headers["Cache-Control"] = "no-store"  # an old code is no use to anyone
    return response


@bp.route("/days/<id:day_id>/walk-in", methods=["GET", "POST"])
@account_required
def walk_in(day_id: int):
    day = _day_or_404(day_id)
    form = WalkInForm()
    error_list = []
    if form.validate_on_submit():
        details = registers.WalkIn(
            email=form.email.data, full_name=form.full_name.data or "",
            job_title=form.job_title.data or "", team=form.team.data or "",
            organisation=form.organisation.data or "",
        )  # fmt: skip
        try:
            booking = registers.add_walk_in(
                day.course, day, details, actor=current_user, now=clock.now(),
                reason=form.reason.data or "",
                council_domains=current_app.config["COUNCIL_EMAIL_DOMAINS"],
            )  # fmt: skip
        except BookingError as error:
            error_list = [
                {"text": error.message, "href": f"#{getattr(error, 'field', None) or 'email'}"}
            ]
        else:
            flash(
                f"{booking.person.full_name or booking.person.email} is added and marked present.",
                "success",
            )
            return redirect(
                url_for(
                    ".register", day_id=day.id, saved=booking.id, _anchor=f"person-{booking.id}"
                )
            )
    return render_template("registers/walk_in.html", day=day, course=day.course, form=form,
                           error_list=error_list), 400 if error_list or form.errors else 200  # fmt: skip


@bp.get("/days/<id:day_id>/sign-in-sheet")
@account_required
def sign_in_sheet(day_id: int):
    day = _day_or_404(day_id)
    return render_template(
        "registers/sign_in_sheet.html",
        day=day,
        course=day.course,
        lines=registers.register_for(day),
    )


@bp.get("/days/<id:day_id>/history")
@account_required
def history(day_id: int):
    day = _day_or_404(day_id)
    return render_template(
        "registers/history.html", day=day, course=day.course, entries=registers.history_for_day(day)
    )


@bp.get("/days/<id:day_id>/register.csv")
@account_required
def register_csv(day_id: int):
    day = _day_or_404(day_id)
    data = exports.register_csv(day, registers.register_for(day))
    return csv_download(data, f"register-{day.date.isoformat()}-day-{day.day_number}.csv")


@bp.get("/bookings/<id:booking_id>/support-needs")
@account_required
def support_needs(booking_id: int):
    booking = _booking_or_404(booking_id)
    text = registers.view_support_needs(booking, actor=current_user, now=clock.now())
    response = Response(
        render_template(
            "registers/support_needs.html",
            booking=booking,
            text=text,
            back=request.args.get("day", type=int),
        )  # fmt: skip
    )
    response.headers["Cache-Control"] = "no-store"  # personal data: never kept by a browser
    return response


def csv_download(data: bytes, filename: str) -> Response:
    """A CSV file as a download (shared with the reports pages)."""
    return Response(
        data,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )

"""Registers for each course day: marking, walk-ins, sign-in sheets, corrections and history."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from .. import clock
from ..auth import coordinator_required
from ..extensions import db
from ..forms.registers import MarkForm, WalkInForm
from ..models import Booking, CourseDay, Mark
from ..services import allocation, exports, registers
from ..services.errors import BookingError

bp = Blueprint("registers", __name__, url_prefix="/coordinator/registers")


def _day_or_404(day_id: int) -> CourseDay:
    return db.get_or_404(CourseDay, day_id)


def _register_page(day: CourseDay, *, errors: dict | None = None, status: int = 200):
    """The register with every person's saved mark; `errors` maps booking ids to messages."""
    now = clock.now()
    errors = errors or {}
    page = render_template(
        "registers/register.html",
        day=day,
        course=day.course,
        lines=registers.register_for(day),
        places=allocation.availability(day.course, now),
        after_the_day=registers.is_after_the_day(day, now),
        before_the_day=registers.is_before_the_day(day, now),
        saved=request.args.get("saved", type=int),
        errors=errors,
        error_list=[{"text": text, "href": href} for href, text in errors.values()],
    )
    return page, status


@bp.get("")
@coordinator_required
def index():
    return render_template(
        "registers/index.html",
        days=registers.course_days_around(clock.now()),
        listed=registers.REGISTERS_LISTED,
    )


@bp.get("/days/<id:day_id>")
@coordinator_required
def register(day_id: int):
    return _register_page(_day_or_404(day_id))


@bp.post("/days/<id:day_id>/people/<id:booking_id>")
@coordinator_required
def save_mark(day_id: int, booking_id: int):
    day = _day_or_404(day_id)
    booking = db.get_or_404(Booking, booking_id)
    form = MarkForm()
    if not form.validate():
        message = next(iter(form.errors.values()))[0]
        return _register_page(
            day, errors={booking.id: (f"#mark-{booking.id}", message)}, status=400
        )
    try:
        registers.mark(
            booking, day, Mark(form.mark.data), actor=current_user, now=clock.now(),
            counts_as_attended=form.counts.data, reason=form.reason.data or "",
        )  # fmt: skip
    except BookingError as error:
        href = f"#reason-{booking.id}" if getattr(error, "field", None) else f"#mark-{booking.id}"
        return _register_page(day, errors={booking.id: (href, error.message)}, status=400)
    return redirect(
        url_for(".register", day_id=day.id, saved=booking.id, _anchor=f"person-{booking.id}")
    )


@bp.route("/days/<id:day_id>/walk-in", methods=["GET", "POST"])
@coordinator_required
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
@coordinator_required
def sign_in_sheet(day_id: int):
    day = _day_or_404(day_id)
    return render_template(
        "registers/sign_in_sheet.html",
        day=day,
        course=day.course,
        lines=registers.register_for(day),
    )


@bp.get("/days/<id:day_id>/history")
@coordinator_required
def history(day_id: int):
    day = _day_or_404(day_id)
    return render_template(
        "registers/history.html", day=day, course=day.course, entries=registers.history_for_day(day)
    )


@bp.get("/days/<id:day_id>/register.csv")
@coordinator_required
def register_csv(day_id: int):
    day = _day_or_404(day_id)
    data = exports.register_csv(day, registers.register_for(day))
    return csv_download(data, f"register-{day.date.isoformat()}-day-{day.day_number}.csv")


@bp.get("/bookings/<id:booking_id>/support-needs")
@coordinator_required
def support_needs(booking_id: int):
    booking = db.get_or_404(Booking, booking_id)
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

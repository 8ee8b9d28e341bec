"""Self check-in: the page a person's phone opens from the code on the room's screen."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, url_for

from .. import auth, clock
from ..extensions import db
from ..forms.auth import ButtonForm, EmailLinkForm
from ..models import CourseDay, CourseStatus
from ..services import self_check_in
from ..services.errors import BookingError

bp = Blueprint("self_check_in", __name__, url_prefix="/check-in")


def _day_or_404(day_id: int) -> CourseDay:
    """The course day, unless its course is a draft (nobody outside the office sees those)."""
    day = db.get_or_404(CourseDay, day_id)
    if day.course.status == CourseStatus.DRAFT:
        abort(404)
    return day


def _page(day: CourseDay, status: int = 200, **values):
    return render_template(
        "self_check_in/scanned.html", day=day, course=day.course, **values
    ), status


def _ask_to_sign_in(day: CourseDay):
    """Someone not signed in: their address, for a link that brings them back here."""
    back = url_for(".signed_in", day_id=day.id)
    return _page(
        day,
        form=EmailLinkForm(),
        sign_in_action=url_for("auth.attendee_sign_in", next=back),
        back=back,
    )


@bp.route("/<id:day_id>/<code>", methods=["GET", "POST"])
def scanned(day_id: int, code: str):
    day = _day_or_404(day_id)
    now, secret = clock.now(), current_app.config["SECRET_KEY"]
    person = auth.current_attendee()
    refused = self_check_in.refusal(day, code, person, secret=secret, now=now)
    if refused is not None:
        return _page(day, 400, refused=refused)
    if person is None:
        return _ask_to_sign_in(day)
    form = ButtonForm()
    if not form.validate_on_submit():  # opening the address changes nothing: a button does
        return _page(day, form=form, person=person)
    try:
        done = self_check_in.check_in_myself(day, code, person, secret=secret, now=now)
    except BookingError as error:
        return _page(day, 400, refused=error)
    return _page(day, done=done)


@bp.get("/<id:day_id>")
def signed_in(day_id: int):
    """Where the emailed sign-in link leads back to: by now the code on the screen has
    changed, so the person scans it again (or sees that they are checked in)."""
    day = _day_or_404(day_id)
    person = auth.current_attendee()
    if person is None:
        return redirect(url_for("auth.attendee_sign_in", next=url_for(".signed_in", day_id=day.id)))
    return _page(day, person=person, scan_again=True,
                 arrived=self_check_in.checked_in_at(day, person))  # fmt: skip

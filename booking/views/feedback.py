"""Feedback after the course: the form (by emailed link, no sign-in), the public "What
workers say" page, and the coordinators' reports and quotes."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import clock
from ..auth import coordinator_required
from ..extensions import db
from ..forms.bookings import ButtonForm
from ..forms.feedback import FeedbackForm
from ..models import Booking, FeedbackResponse, QuoteAnswer
from ..services import exports, feedback, feedback_reports, links
from ..services.errors import BookingError, ValidationError
from .registers import csv_download
from .reports import period_for

bp = Blueprint("feedback", __name__)


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


@bp.app_context_processor
def _helpers():
    def feedback_for(booking: Booking) -> dict | None:
        """What the booking page says about feedback: the form's address while it is open,
        and whether they agreed to be quoted."""
        response = feedback.response_for(booking, _secret())
        if response is None:
            return None
        is_open = feedback.is_open(response, now=clock.now())
        return {
            "url": links.feedback_path(booking, _secret()) if is_open else "",
            "sent": response.submitted_at is not None,
            "quote_consent": response.quote_consent,
            "closes_at": response.closes_at,
        }

    return {"feedback_for": feedback_for}


def _response_or_404(token: str) -> tuple[Booking, FeedbackResponse]:
    booking = links.booking_from_feedback_token(token, _secret())
    response = feedback.response_for(booking, _secret()) if booking is not None else None
    if booking is None or response is None:
        abort(404)
    return booking, response


@bp.route("/feedback/<token>", methods=["GET", "POST"])
def form(token: str):
    booking = links.booking_from_feedback_token(token, _secret())
    if booking is None:
        abort(404)
    # A genuine link is only ever sent with an invitation: no response now means it closed.
    response = feedback.response_for(booking, _secret())
    if response is None or not feedback.is_open(response, now=clock.now()):
        return render_template("feedback/closed.html"), 410
    form = FeedbackForm()
    error_list = None
    if request.method == "GET":
        form.fill_from(response)
    elif form.validate_on_submit():
        try:
            feedback.save_answers(response, form.answers(), now=clock.now())
        except BookingError as error:
            href = f"#{error.field}" if isinstance(error, ValidationError) and error.field else ""
            error_list = [{"text": error.message, "href": href or "#worked_well"}]
        else:
            return redirect(url_for(".thanks", token=token))
    return render_template(
        "feedback/form.html", form=form, booking=booking, response=response,
        error_list=error_list,
    ), 400 if (form.errors or error_list) else 200  # fmt: skip


@bp.get("/feedback/<token>/thanks")
def thanks(token: str):
    booking, response = _response_or_404(token)
    return render_template("feedback/thanks.html", response=response, token=token)


@bp.post("/b/<token>/feedback/stop-quoting")
def stop_quoting(token: str):
    booking = links.booking_from_manage_token(token, _secret())
    if booking is None:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    feedback.withdraw_consent(booking, secret_key=_secret(), now=clock.now())
    flash("We will not quote what you wrote. Anything we showed has been taken down.", "success")
    return redirect(links.manage_path(booking, _secret()))


@bp.get("/what-workers-say")
def quotes_page():
    return render_template("feedback/quotes.html", quotes=feedback.public_quotes())


# --- Coordinators ---------------------------------------------------------------------------


@bp.get("/coordinator/reports/feedback")
@bp.get("/coordinator/reports/feedback.csv", endpoint="report_csv")
@bp.get("/coordinator/reports/feedback-answers.csv", endpoint="answers_csv")
@coordinator_required
def report():
    period, start, end = period_for("feedback")
    if start is None:
        if request.endpoint != "feedback.report":
            abort(400)
        return render_template(
            "feedback/report.html", form=period, start=None, end=None, courses=[], trainers=[],
            questions=feedback.QUESTIONS, fewest=feedback_reports.FEWEST_SHOWN,
        )  # fmt: skip
    courses = feedback_reports.by_course(start, end)
    trainers = feedback_reports.by_trainer(start, end)
    if request.endpoint == "feedback.report_csv":
        data = exports.feedback_csv(courses, trainers)
        return csv_download(data, f"feedback-{start}-to-{end}.csv")
    if request.endpoint == "feedback.answers_csv":
        return csv_download(
            exports.feedback_answers_csv(courses), f"feedback-answers-{start}-to-{end}.csv"
        )
    return render_template(
        "feedback/report.html", form=period, start=start, end=end, courses=courses,
        trainers=trainers, questions=feedback.QUESTIONS, fewest=feedback_reports.FEWEST_SHOWN,
    )  # fmt: skip


@bp.get("/coordinator/reports/feedback/quotes")
@coordinator_required
def quotes():
    return render_template(
        "feedback/choose_quotes.html", responses=feedback.quotable(), questions=feedback.QUESTIONS,
        form=ButtonForm(),
    )  # fmt: skip


@bp.post("/coordinator/reports/feedback/quotes/<id:response_id>")
@coordinator_required
def choose_quote(response_id: int):
    response = db.get_or_404(FeedbackResponse, response_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    answer = request.form.get("answer", "")
    try:
        if answer == "withdraw":
            feedback.withdraw_quote(response, actor=current_user, now=clock.now())
            flash("The quote is no longer shown.", "success")
        else:
            feedback.choose_quote(
                response, QuoteAnswer(answer), actor=current_user, now=clock.now()
            )
            flash("The quote is now shown on the “What workers say” page.", "success")
    except ValueError:
        abort(400)
    except BookingError as error:
        flash(error.message)
    return redirect(url_for(".quotes"))

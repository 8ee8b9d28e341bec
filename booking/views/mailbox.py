"""The coordinators' triage list: messages to the training mailbox a person must deal with."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import clock
from ..auth import coordinator_required
from ..extensions import db
from ..forms.mailbox import BookFromMessageForm, CloseMessageForm, ReplyWithCalendarForm
from ..mail.inbound.understanding import support_needs
from ..models import Course, InboundMessage
from ..services import mailbox, mailbox_triage, privacy
from ..services.errors import BookingError, ValidationError
from ..words import short_date

bp = Blueprint("mailbox", __name__, url_prefix="/coordinator/mailbox")


@bp.get("")
@coordinator_required
def index():
    return render_template("mailbox/index.html", messages=mailbox_triage.triage_messages())


@bp.get("/<id:message_id>")
@coordinator_required
def show(message_id: int):
    message = db.get_or_404(InboundMessage, message_id)
    return _show(message, book_form=_book_form(message))


@bp.post("/<id:message_id>/book")
@coordinator_required
def book(message_id: int):
    message = db.get_or_404(InboundMessage, message_id)
    form = _book_form(message)
    if not form.validate_on_submit():
        return _show(message, book_form=form), 400
    course = db.get_or_404(Course, form.course_id.data)
    config = mailbox.MailboxConfig.from_mapping(current_app.config)
    return _act(
        message,
        lambda: mailbox_triage.book_from_triage(
            message,
            course,
            actor=current_user,
            now=clock.now(),
            config=config,
            organisation=form.organisation.data or "",
            for_email=form.person.data or "",
        ),
        book_form=form,
    )


@bp.post("/<id:message_id>/reply-with-calendar")
@coordinator_required
def reply_with_calendar(message_id: int):
    message = db.get_or_404(InboundMessage, message_id)
    if not ReplyWithCalendarForm().validate_on_submit():
        return _show(message), 400
    calendar_url = current_app.config["SITE_URL"] + url_for("courses.calendar")
    return _act(
        message,
        lambda: mailbox_triage.reply_with_calendar(
            message, calendar_url=calendar_url, actor=current_user, now=clock.now()
        ),
    )


@bp.post("/<id:message_id>/close")
@coordinator_required
def close(message_id: int):
    message = db.get_or_404(InboundMessage, message_id)
    form = CloseMessageForm()
    if not form.validate_on_submit():
        return _show(message, close_form=form), 400
    return _act(
        message,
        lambda: mailbox_triage.close_message(
            message, form.note.data, actor=current_user, now=clock.now()
        ),
        close_form=form,
    )


def _act(message: InboundMessage, action, **forms):
    """Run one service call; show its error on the message page, or go back to the list."""
    try:
        done = action()
    except ValidationError as error:
        field = error.field or "main-content"
        errors = [{"text": error.message, "href": f"#{field}"}]
        return _show(message, error_list=errors, **forms), 400
    except BookingError as error:
        flash(error.message)
        return redirect(url_for("mailbox.show", message_id=message.id))
    flash(_done_words(done), "success")
    return redirect(url_for("mailbox.index"))


def _done_words(message: InboundMessage) -> str:
    words = {
        "booked": "The place is booked and the person has been told.",
        "booking_link_sent": "We sent the person a link to confirm the place.",
        "closed": "The message is closed.",
    }
    return words.get(message.outcome.value, "Done.")


def _book_form(message: InboundMessage) -> BookFromMessageForm:
    form = BookFromMessageForm()
    form.person.choices = _whose_place(message)
    if form.person.data is None:
        form.person.data = message.sender
    form.course_id.choices = [
        (
            c.id,
            f"{short_date(c.first_day.date)} and {short_date(c.last_day.date)}, {c.venue.town}",
        )
        for c in mailbox_triage.courses_to_offer(clock.now())
    ]
    guessed = (message.understanding or {}).get("course_ids") or []
    if form.course_id.data is None and len(guessed) == 1:
        form.course_id.data = guessed[0]
    return form


def _whose_place(message: InboundMessage) -> list[tuple[str, str]]:
    """The sender first, then each person the message names, each said in full."""
    understanding = message.understanding or {}
    sender = message.sender or ""
    name = understanding.get("name") or sender
    people = [(sender, f"{name} ({sender}), who sent this message")]
    for named in understanding.get("named_people") or []:
        email = named.get("email", "")
        label = f"{named.get('name')} ({email})" if named.get("name") else email
        people.append((email, f"{label}, named in the message"))
    return people


def _show(message: InboundMessage, **context):
    needs = support_needs(message.body_text or "")
    if needs:  # every page that shows support needs puts the look on record
        privacy.record_support_needs_viewed(
            message, actor=current_user._get_current_object(), now=clock.now(), where="mailbox"
        )
    context.setdefault("book_form", _book_form(message))
    context.setdefault("calendar_form", ReplyWithCalendarForm())
    context.setdefault("close_form", CloseMessageForm())
    if "error_list" not in context:
        context["error_list"] = [
            {"text": error, "href": f"#{field.id}"}
            for form in (context["book_form"], context["close_form"])
            for field in form
            for error in field.errors
        ]
    return render_template(
        "mailbox/show.html",
        message=message,
        understanding=message.understanding or {},
        guessed_courses=mailbox_triage.guessed_courses(message),
        ask_organisation=mailbox_triage.organisation_missing(message, current_app.config),
        support_needs=needs,
        is_open=message.outcome in mailbox.OPEN_OUTCOMES,
        **context,
    )

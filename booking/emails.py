"""Email entry points: services call these; each writes an outbox row in the caller's transaction.

Only the outbox sender talks to SMTP. Subjects never carry personal details.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from .extensions import db
from .models import Booking, Course, CourseDay, CourseStatus, OutboxMessage


def _queue(
    kind: str,
    to_address: str,
    subject: str,
    text_body: str,
    *,
    now: datetime,
    booking_id: int | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """Put one message in the outbox (plain text and a simple HTML copy)."""
    from markupsafe import escape

    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in text_body.split("\n\n"))
    message = OutboxMessage(
        kind=kind,
        dedupe_key=dedupe_key,
        to_address=to_address,
        subject=subject,
        text_body=text_body,
        html_body=paragraphs.replace("\n", "<br>"),
        booking_id=booking_id,
        next_attempt_at=now,
        created_at=now,
    )
    db.session.add(message)
    return message


# Added by the registers work (issue 5). The emails work owns this module: keep the name
# and signature, reword or move it onto the shared templates when merging.
def course_not_completed(booking: Booking, *, now: datetime) -> OutboxMessage | None:
    """Tell someone they missed part of the course, so it is not completed; offer next dates."""
    course = booking.course
    person = booking.person
    dedupe_key = f"course_not_completed:{booking.id}"
    if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)):
        return None  # told once already; a later correction does not tell them twice
    today = now.date()
    next_courses = db.session.scalars(
        select(Course)
        .join(CourseDay, (CourseDay.course_id == Course.id) & (CourseDay.day_number == 1))
        .where(
            Course.course_type_id == course.course_type_id,
            Course.status == CourseStatus.PUBLISHED,
            CourseDay.date > today,
        )
        .order_by(CourseDay.date)
        .limit(5)
    ).all()
    first = course.first_day.date
    lines = [
        f"Dear {person.full_name or 'colleague'},",
        f"Our register shows you were not with us for the whole of the {course.course_type.name} "
        f"that started on {first.day} {first:%B %Y}. You need to attend both days to complete "
        "the training, so it is not yet recorded as completed.",
    ]
    if next_courses:
        dates = "\n".join(
            f"- {c.first_day.date:%A} {c.first_day.date.day} {c.first_day.date:%B %Y}, "
            f"{c.venue.town}"
            for c in next_courses
        )
        lines.append(f"You are welcome to book a place on a later course:\n{dates}")
    else:
        lines.append("We will let you know when new dates are available.")
    lines.append("If you think our register is wrong, please reply to this email.")
    return _queue(
        "course_not_completed",
        person.email,
        "Your Signs of Safety training is not yet complete",
        "\n\n".join(lines),
        now=now,
        booking_id=booking.id,
        dedupe_key=dedupe_key,
    )

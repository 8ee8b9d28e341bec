"""The public course calendar, course pages and the calendar feed (no sign-in needed)."""

from __future__ import annotations

from itertools import groupby
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, redirect, render_template, url_for
from flask_login import current_user

from .. import clock
from ..auth import current_attendee
from ..mail.outbound import invitations
from ..models import CourseStatus
from ..services import courses as course_service
from ..services import waitlist
from ..services.allocation import availability, availability_for

bp = Blueprint("courses", __name__)


@bp.get("/")
def home():
    return redirect(url_for("courses.calendar"))


@bp.get("/courses")
def calendar():
    now = clock.now()
    courses = course_service.calendar_courses(now)
    months = [
        (month, list(group))
        for month, group in groupby(courses, key=lambda c: c.first_day.date.replace(day=1))
    ]
    return render_template(
        "courses/calendar.html",
        months=months,
        places=availability_for(courses, now),
        viewer_group=_viewer_group(),
    )


def _viewer_group():
    """The reader's group when they are signed in, so the figures speak to them."""
    person = current_attendee()
    return person.group if person is not None else None


@bp.get("/courses/<id:course_id>")
def course(course_id: int):
    course = course_service.course_with_details(course_id)
    if course is None or (
        course.status == CourseStatus.DRAFT and not current_user.is_authenticated
    ):
        abort(404)
    now = clock.now()
    waitlist.refresh_course(course, now=now)  # offers that ran out pass on before we count
    return render_template(
        "courses/course.html",
        course=course,
        places=availability(course, now),
        over=course.is_over(now),
        viewer_group=_viewer_group(),
        last_day_to_book=course_service.last_day_to_book(course),
    )


@bp.get("/courses.ics")
def feed():
    now = clock.now()
    site = current_app.config["SITE_URL"]
    body = invitations.courses_feed(
        course_service.calendar_courses(now),
        domain=urlsplit(site).hostname or "localhost",
        now=now,
        course_url=lambda c: site + url_for("courses.course", course_id=c.id),
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": 'inline; filename="signs-of-safety-courses.ics"',
            "Cache-Control": "public, max-age=900",
        },
    )

"""The public course calendar, course pages and the calendar feed (no sign-in needed)."""

from __future__ import annotations

from itertools import groupby
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug import http

from .. import clock
from ..auth import current_attendee
from ..mail.outbound import invitations
from ..models import CourseStatus
from ..services import calendar_filters, waitlist
from ..services import courses as course_service
from ..services import feed as feed_service
from ..services.allocation import availability, availability_for
from ..services.calendar_filters import CalendarFilter

bp = Blueprint("courses", __name__)


@bp.get("/")
def home():
    return redirect(url_for("courses.calendar"))


@bp.get("/courses")
def calendar():
    now = clock.now()
    courses = course_service.calendar_courses(now)
    places = availability_for(courses, now)
    chosen = calendar_filters.CalendarFilter.from_choices(request.args)
    shown = chosen.apply(courses, places)
    months = [
        (month, list(group))
        for month, group in groupby(shown, key=lambda c: c.first_day.date.replace(day=1))
    ]
    return render_template(
        "courses/calendar.html",
        months=months,
        places=places,
        chosen=chosen,
        shown=len(shown),
        total=len(courses),
        towns=calendar_filters.towns(courses),
        type_choices=calendar_filters.course_types(courses),
        month_choices=calendar_filters.months(courses),
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
        course.status == CourseStatus.DRAFT
        and not (current_user.is_authenticated and current_user.is_coordinator)
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


@bp.get("/courses/<id:course_id>.ics")
def course_file(course_id: int):
    """One course's days as a calendar file, for someone who wants the dates (booked or not)."""
    course = course_service.course_with_details(course_id)
    if course is None or course.status == CourseStatus.DRAFT:
        abort(404)
    site = current_app.config["SITE_URL"]
    body = invitations.course_file(
        course,
        domain=urlsplit(site).hostname or "localhost",
        now=clock.now(),
        course_url=lambda c: site + url_for("courses.course", course_id=c.id),
    )
    name = invitations.course_file_name(course)
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/courses.ics")
def feed():
    """The feed; a calendar app that already has this version gets 304 without a render."""
    now = clock.now()
    chosen = CalendarFilter.from_choices(request.args)
    state = feed_service.feed_state(now)
    headers = _feed_headers(state, chosen)
    if state is not None and not http.is_resource_modified(
        request.environ, etag=state.etag_for(chosen), last_modified=state.last_modified
    ):
        return Response(status=304, headers=headers)
    body = feed_service.rendered_feed(
        state,
        now=now,
        site=current_app.config["SITE_URL"],
        render=_render_feed,
        chosen=chosen,
    )
    return Response(body, mimetype="text/calendar", headers=headers)


def _feed_headers(state: feed_service.FeedState | None, chosen: CalendarFilter) -> dict[str, str]:
    headers = {
        "Content-Disposition": 'inline; filename="signs-of-safety-courses.ics"',
        "Cache-Control": "public, max-age=900",
    }
    if state is not None:
        headers["ETag"] = http.quote_etag(state.etag_for(chosen))
        headers["Last-Modified"] = http.http_date(state.last_modified)
    return headers


def _render_feed(shown, stamp) -> bytes:
    site = current_app.config["SITE_URL"]
    return invitations.courses_feed(
        shown,
        domain=urlsplit(site).hostname or "localhost",
        now=stamp,
        course_url=lambda c: site + url_for("courses.course", course_id=c.id),
    )

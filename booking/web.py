"""Web-wide wiring: GOV.UK assets, template helpers, error pages and domain-error handling."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, abort, render_template, request, send_from_directory
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from . import words
from .services.errors import TryAgain

GOVUK_DIR = Path(__file__).resolve().parent / "static" / "govuk"
#: Seconds a browser or proxy is asked to wait before sending a request again after a 503.
RETRY_AFTER_SECONDS = 5


class RowIdConverter(IntegerConverter):
    """`<id:name>` in a route: a whole number a database id can be, else the URL is a 404.

    Plain `<int:...>` lets through numbers too big for the database, which fail (SQLite)
    instead of being "not found".
    """

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, min=1, max=2**31 - 1)


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = RowIdConverter

    @app.route("/assets/<path:filename>")
    def govuk_assets(filename: str):
        return send_from_directory(GOVUK_DIR, filename, max_age=86400)

    # Dates, times, time limits and statuses in words, the same as in the emails.
    app.jinja_env.filters.update(words.TEMPLATE_FILTERS)
    app.jinja_env.globals.update(words.TEMPLATE_GLOBALS)
    app.jinja_env.globals["service_name"] = app.config["SERVICE_NAME"]
    app.jinja_env.globals["training_mailbox"] = app.config["TRAINING_MAILBOX"]

    @app.context_processor
    def navigation():
        return {"navigation_items": _navigation_items}

    @app.after_request
    def close_files_not_sent(response):
        """A 304 for a file (static files, GOV.UK assets) sends no body, so the file that
        `send_file` opened is never read or closed: close it now, not whenever the garbage
        collector runs (a leaked handle per conditional request in a long-lived worker)."""
        if response.status_code == 304 and response.direct_passthrough:
            response.close()
        return response

    @app.before_request
    def refuse_nul_characters():
        """No person types a NUL character, and PostgreSQL cannot store one: say 400."""
        for values in (request.args, request.form):
            if any("\x00" in value for _key, value in values.items(multi=True)):
                abort(400)

    @app.errorhandler(TryAgain)
    def busy(error: TryAgain):
        """The one page for a database that stayed busy, whichever page was being used."""
        page = render_template("errors/try_again.html", message=error.message)
        return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        template = {
            400: "errors/400.html",
            403: "errors/404.html",  # say no more than "not found" about things you cannot see
            404: "errors/404.html",
            405: "errors/400.html",
            413: "errors/413.html",
            429: "errors/429.html",
        }.get(error.code or 500, "errors/500.html")
        code = 404 if error.code == 403 else error.code
        limit = size_in_words(app.config.get("MAX_CONTENT_LENGTH"))
        return render_template(template, error=error, largest_request=limit), code

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        app.logger.exception("Unhandled error")
        return render_template("errors/500.html"), 500


def _navigation_items() -> list[dict]:
    from flask import request, url_for
    from flask_login import current_user

    items = [("Courses", url_for("courses.calendar")), ("My bookings", url_for("account.index"))]
    if current_user.is_authenticated and current_user.is_trainer:
        items.append(("Registers", url_for("registers.index")))
    elif current_user.is_authenticated:
        items.append(("Coordinators", url_for("coordinator.dashboard")))
    path = request.path
    return [
        {"href": href, "text": text, "active": path == href or path.startswith(href + "/")}
        for text, href in items
    ]


def size_in_words(size: int | None) -> str:
    """A number of bytes in words: 1048576 is "1 MB", 10000 is "10 KB"."""
    if not size:
        return ""
    if size >= 1024 * 1024:
        return f"{round(size / (1024 * 1024), 1):g} MB"
    return f"{round(size / 1024)} KB"

"""Logs an administrator can search: a request id, one line per request, JSON if asked.

- Every request gets an id: the load balancer's `X-Request-ID` when it sends a sensible one
  (nginx's `$request_id`, see deploy/nginx/), otherwise a new one. It goes back in the
  `X-Request-ID` header and on the error pages, so a person can quote it to the service desk.
- One line per request on the `booking.requests` logger: time, request id, method, path,
  route, status, duration and the kind of user (anonymous, attendee, coordinator,
  administrator). Never names, addresses or support needs: the path's tokens are replaced by
  their names (`/b/<token>`) and there is no query string.
- `LOG_FORMAT=json` writes every log line (the app's, and gunicorn's with
  deploy/gunicorn.conf.py) as one JSON object. Tracebacks keep their frames but not the
  error's own message, which can quote what a person typed.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import traceback
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request, session
from flask.logging import default_handler

REQUEST_ID_HEADER = "X-Request-ID"
#: A request id we accept from the proxy: letters, digits and . _ - only, 8 to 64 of them.
_SENSIBLE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
#: A part of an unmatched path that may be a token or an address: not logged.
_SECRET_LOOKING = re.compile(r"[^/]{20,}|[^/]*@[^/]*")
_RULE_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")

requests_log = logging.getLogger("booking.requests")


def init_app(app: Flask) -> None:
    """Give every request an id and a log line; set up log output as LOG_FORMAT says."""
    configure(app)
    # First of all, so the duration covers the other hooks too.
    app.before_request_funcs.setdefault(None, []).insert(0, _start_request)
    app.after_request(_finish_request)
    app.jinja_env.globals["request_id"] = current_request_id


# --- Per request ---------------------------------------------------------------------------


def current_request_id() -> str:
    """This request's id ("" outside a request)."""
    if not has_request_context():
        return ""
    # Kept on the request itself: `g` can outlive one request (a test's app context).
    environ = request.environ
    if "booking.request_id" not in environ:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        sensible = _SENSIBLE_ID.fullmatch(incoming)
        environ["booking.request_id"] = incoming if sensible else uuid.uuid4().hex
    return environ["booking.request_id"]


def _start_request() -> None:
    request.environ["booking.request_started"] = time.perf_counter()
    current_request_id()


def _finish_request(response):
    response.headers[REQUEST_ID_HEADER] = current_request_id()
    started = request.environ.get("booking.request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
    path = loggable_path()
    requests_log.info(
        "%s %s %s",
        request.method,
        path,
        response.status_code,
        extra={
            "method": request.method,
            "path": path,
            "route": request.url_rule.rule if request.url_rule else None,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user": user_kind(),
        },
    )
    return response


def loggable_path() -> str:
    """The path with every value that is not a whole number replaced by its name."""
    rule = request.url_rule
    if rule is None:
        return _SECRET_LOOKING.sub("<hidden>", request.path)
    values = request.view_args or {}

    def fill(match: re.Match) -> str:
        name = match.group(1)
        value = values.get(name)
        return str(value) if isinstance(value, int) else f"<{name}>"

    return _RULE_ARGUMENT.sub(fill, rule.rule)


def user_kind() -> str:
    """Who made the request, as a kind only: anonymous, attendee, coordinator, administrator."""
    from .auth import ATTENDEE_SESSION_KEY

    user = g.get("_login_user")  # only if this request already looked; never a new query
    if user is not None and getattr(user, "is_authenticated", False):
        return "administrator" if user.is_administrator else "coordinator"
    if ATTENDEE_SESSION_KEY in session:
        return "attendee"
    return "anonymous"


# --- Output --------------------------------------------------------------------------------


def _install_record_factory() -> None:
    """Every record made while handling a request carries its id, whichever handler gets it."""
    make_record = logging.getLogRecordFactory()
    if getattr(make_record, "adds_request_id", False):
        return

    def record_with_request_id(*args, **kwargs) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        record.request_id = current_request_id() or None
        return record

    record_with_request_id.adds_request_id = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(record_with_request_id)


def _safe_exception(exc_info) -> str:
    """The traceback's frames and the error's kind, without its message."""
    kind, _error, trace = exc_info
    frames = "".join(traceback.format_tb(trace))
    return f"Traceback (most recent call last):\n{frames}{kind.__name__} (message not logged)"


#: Attributes every LogRecord has; anything else on a record was passed in `extra`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and value is not None:
                line[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            line["error"] = record.exc_info[0].__name__
            line["traceback"] = _safe_exception(record.exc_info)
        return json.dumps(line, default=str)


class TextFormatter(logging.Formatter):
    """Plain lines, with tracebacks that leave out the error's message."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, "request_id", None) is None:
            record.request_id = "-"
        cached, record.exc_text = record.exc_text, None  # another handler's, with the message
        try:
            return super().format(record)
        finally:
            record.exc_text = cached

    def formatException(self, ei) -> str:  # noqa: N802 - logging's own name
        return _safe_exception(ei)


class StandardErrorHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is when a line is written (a test may swap it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def make_handler(log_format: str) -> logging.Handler:
    """A handler writing to standard error in `log_format` ("json" or "text")."""
    handler = StandardErrorHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.set_name("booking")
    return handler


def configure(app: Flask) -> None:
    """Send logs to standard error as LOG_FORMAT says, once per process.

    With `json` our handler goes on the root logger, in place of Flask's own. With
    `text` (the default) logging is left as it is when something (gunicorn, a test runner)
    has set it up already, and otherwise gets a plain handler.
    """
    _install_record_factory()
    # SQL logging at DEBUG prints result rows, which hold names and addresses.
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    # Alembic says "Context impl ..." at every health check; `flask db upgrade` turns it
    # back on from migrations/alembic.ini, so upgrades still say what they run.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    log_format = (app.config.get("LOG_FORMAT") or "text").lower()
    level = (app.config.get("LOG_LEVEL") or "INFO").upper()
    root = logging.getLogger()
    ours = [h for h in root.handlers if h.get_name() == "booking"]
    if log_format == "json":
        app.logger.removeHandler(default_handler)
        if not ours or not isinstance(ours[0].formatter, JsonFormatter):
            for handler in ours:
                root.removeHandler(handler)
            root.addHandler(make_handler("json"))
        root.setLevel(level)
    elif not root.handlers and not app.testing:
        root.addHandler(make_handler("text"))
        root.setLevel(level)

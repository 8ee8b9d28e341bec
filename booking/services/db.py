"""Transactions that take booking decisions: locking, SQLite's write lock, and retries.

Every service function that writes is wrapped in `@transactional`. It commits on success,
rolls back on any error, and retries a bounded number of times when the database reports
contention (a busy SQLite file, a PostgreSQL deadlock or serialisation failure). When the
retries run out it raises `TryAgain`, which the web layer shows as a plain "please try
again" page. Nested calls join the outer transaction. On SQLite, writers first queue on a
file lock beside the database (see `_WriterQueue`), so each starts the moment the one
before it ends.
"""

from __future__ import annotations

import contextvars
import fcntl
import os
import random
import sqlite3
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar, cast

from sqlalchemy import Executable, Table, event, func, inspect, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import joinedload, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from .errors import TryAgain

P = ParamSpec("P")
R = TypeVar("R")

MAX_ATTEMPTS = 8
#: PostgreSQL's SQLSTATE when `lock_timeout` ran out.
LOCK_NOT_AVAILABLE = "55P03"
#: A transaction whose wait for a course lock runs out (`LockSettings.timeout_seconds`)
#: starts again, in case it was only a long queue (everyone in a rush of hundreds at once),
#: until it has waited this many times: then the holder is stuck, and the person is asked
#: to try again (`TryAgain`) well before the web server's own timeout.
LOCK_WAITS = 4


class LockSettings:
    """Switches the application factory copies from configuration.

    `enabled=False` and a `pause_seconds` exist only so a test can show that the
    overbooking test fails without the lock; production never changes them.
    """

    enabled: bool = True
    pause_seconds: float = 0.0
    #: PostgreSQL: how long a booking waits for a course lock at a time (`lock_timeout`);
    #: after `LOCK_WAITS` such waits the person is asked to try again.
    timeout_seconds: float = 5.0


lock_settings = LockSettings()

_depth: contextvars.ContextVar[int] = contextvars.ContextVar("transaction_depth", default=0)
_sqlite_immediate: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "sqlite_immediate", default=False
)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, _record):
    """Let SQLAlchemy, not the sqlite3 module, decide how transactions begin; turn on WAL."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn):
    """Writes start with BEGIN IMMEDIATE so two writers queue instead of failing mid-way."""
    if conn.dialect.name == "sqlite":
        immediate = _sqlite_immediate.get() and lock_settings.enabled
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def is_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def is_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _sqlstate(exc: DBAPIError) -> str | None:
    return getattr(getattr(exc, "orig", None), "sqlstate", None)


def _is_retryable(exc: DBAPIError) -> bool:
    orig = getattr(exc, "orig", None)
    sqlstate = _sqlstate(exc)
    if sqlstate in {"40001", "40P01", "55P03"}:  # serialisation, deadlock, lock not available
        return True
    if isinstance(orig, sqlite3.OperationalError):
        message = str(orig).lower()
        return "locked" in message or "busy" in message
    return False


def transactional(fn: Callable[P, R]) -> Callable[P, R]:
    """Run `fn` in one committed transaction, retrying on contention; nested calls join in."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if _depth.get():
            return fn(*args, **kwargs)
        lock_waits = 0  # times the wait for a course lock ran out (PostgreSQL)
        for attempt in range(1, MAX_ATTEMPTS + 1):
            committed = False
            if is_sqlite() and db.session().in_transaction() and not _has_pending_changes():
                # A read-only transaction cannot be upgraded safely: start a write one. End it
                # before queueing, so no writer waits in the queue holding a pooled connection
                # that the writer at the front may need.
                db.session.rollback()
            writer_queue = _sqlite_writer_queue()  # first: if this fails, nothing is set yet
            depth_token = _depth.set(1)
            immediate_token = _sqlite_immediate.set(True)
            result = cast(R, None)
            try:
                result = fn(*args, **kwargs)
                db.session.commit()
            except (OperationalError, DBAPIError) as exc:
                db.session.rollback()
                if not _is_retryable(exc):
                    raise
                lock_waits += _sqlstate(exc) == LOCK_NOT_AVAILABLE
                if attempt == MAX_ATTEMPTS or lock_waits == LOCK_WAITS:
                    raise TryAgain() from exc
            except BaseException:
                db.session.rollback()
                raise
            else:
                committed = True
            finally:
                writer_queue.close()
                _sqlite_immediate.reset(immediate_token)
                _depth.reset(depth_token)
            if committed:
                return result
            # Back off with the writers' queue let go, so others write meanwhile.
            time.sleep(random.uniform(0.01, 0.05) * attempt)  # noqa: S311 - jitter only
        raise AssertionError("unreachable")  # pragma: no cover

    return wrapper


class _NoQueue:
    def close(self) -> None:
        pass


class _WriterQueue:
    """Take turns to write to a SQLite file, waiting in the kernel's queue for a file lock.

    SQLite's own wait for its write lock sleeps and retries (1, 2, 5 ... up to 100 ms at a
    time), so under a rush the lock sits free while writers sleep. A blocking `flock` on a
    file beside the database wakes the next writer the moment the lock is let go; BEGIN
    IMMEDIATE then finds the database free. The lock goes with the process if it dies.
    """

    def __init__(self, path: str):
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(self._fd)
            raise

    def close(self) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)


def _sqlite_writer_queue() -> _WriterQueue | _NoQueue:
    bind = db.session.get_bind()
    database = bind.engine.url.database if bind.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or not lock_settings.enabled:
        return _NoQueue()
    return _WriterQueue(f"{database}.writers")


def rows_changed(statement: Executable) -> int:
    """Run an UPDATE or DELETE in the session and say how many rows it changed."""
    # For these statements the session's execute() gives a CursorResult; its types say Result.
    return cast("CursorResult[Any]", db.session.execute(statement)).rowcount


def _has_pending_changes() -> bool:
    session = db.session
    return bool(session.new or session.dirty or session.deleted)


def lock_course(course_id: int, *, with_details: bool = False):
    """Load a course and hold its row lock until the transaction ends.

    PostgreSQL: SELECT ... FOR UPDATE OF courses. SQLite: the transaction already began with
    BEGIN IMMEDIATE, which is a lock on the whole database. The course type comes in the
    same statement (the rules read it); `with_details` adds the venue and days, for callers
    about to write emails.
    """
    from ..models import Course

    stmt = (
        select(Course)
        .where(Course.id == course_id)
        .options(joinedload(Course.course_type, innerjoin=True))  # every rule reads it
        .execution_options(populate_existing=True)
    )
    if with_details:
        stmt = stmt.options(joinedload(Course.venue, innerjoin=True), joinedload(Course.days))
    if not lock_settings.enabled:
        return db.session.execute(stmt).unique().scalar_one_or_none()
    stmt = stmt.with_for_update(of=Course)
    if is_postgres():
        milliseconds = max(1, int(lock_settings.timeout_seconds * 1000))
        db.session.execute(select(func.set_config("lock_timeout", f"{milliseconds}ms", True)))
    return db.session.execute(stmt).unique().scalar_one_or_none()


def pause_for_tests() -> None:
    """Wait between counting places and writing, only when a test asks for it.

    Booking decisions call this after they count and before they write, so the control
    test can widen the gap in which, without the lock, two requests see the same free place.
    """
    if lock_settings.pause_seconds:
        time.sleep(lock_settings.pause_seconds)


def lock_courses(course_ids: list[int]) -> dict:
    """Lock several courses in id order, so two movers never deadlock each other."""
    return {course_id: lock_course(course_id) for course_id in sorted(set(course_ids))}


def insert_unless_taken(instance) -> bool:
    """Add a new row for `instance`; False if a unique index said no (someone else stored
    the same booking or address a moment ago).

    One statement, `INSERT ... ON CONFLICT DO NOTHING RETURNING id` (both databases have
    it), instead of a savepoint, a flush and its release. The instance is then in the
    session as a stored row.
    """
    model = type(instance)
    state = inspect(instance)
    columns = inspect(model).column_attrs
    values = {a.columns[0].name: state.dict[a.key] for a in columns if a.key in state.dict}
    table = cast(Table, model.__table__)
    insert_into = postgresql_insert if is_postgres() else sqlite_insert
    statement = insert_into(table).values(values).on_conflict_do_nothing().returning(table.c.id)
    new_id = db.session.execute(statement).scalar_one_or_none()
    if new_id is None:
        return False
    instance.id = new_id
    make_transient_to_detached(instance)
    db.session.add(instance)
    for attribute in columns:
        column = attribute.columns[0]
        if attribute.key in state.dict or column.server_default is not None:
            continue
        # What the database stored for a column left out: its plain default, or nothing
        # (so reading it later, the invitations' sequence say, costs no query).
        if column.default is None:
            set_committed_value(instance, attribute.key, None)
        elif column.default.is_scalar:
            set_committed_value(instance, attribute.key, column.default.arg)
    return True

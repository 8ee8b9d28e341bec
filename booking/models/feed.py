"""The calendar feed's version stamp: one row, changed in the same transaction as any change
to what the feed shows, so every worker knows when its rendered copy is out of date.

Whatever writes a course, a course day, a venue or a course type (through the ORM: a
service, the command line, the demo data) marks the session; just before that transaction
commits, the stamp gets a new random token and the time. Doing it last means the row is
locked only for the commit itself, so it cannot take part in a deadlock. A random token
rather than a counter: a stamp never comes back, even if the table is emptied.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..extensions import Model
from .base import UTCDateTime, utcnow
from .courses import Course, CourseDay, CourseType, Venue

#: The name of the public feed's row (one row per feed).
COURSES_FEED = "courses"
#: Rows whose changes can change what `/courses.ics` shows.
FEED_SOURCES = (Course, CourseDay, Venue, CourseType)
_MARK = "feed_changed"


class FeedVersion(Model):
    """The stamp of one rendered feed: it changes whenever what the feed shows may have."""

    __tablename__ = "feed_versions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: A new random value with every change; part of the feed's ETag.
    token: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _touches_feed(session: Session) -> bool:
    if any(isinstance(obj, FEED_SOURCES) for obj in (*session.new, *session.deleted)):
        return True
    return any(
        isinstance(obj, FEED_SOURCES) and session.is_modified(obj, include_collections=False)
        for obj in session.dirty
    )


@event.listens_for(Session, "before_flush")
def _note_feed_changes(session, _flush_context, _instances):
    if not session.info.get(_MARK) and _touches_feed(session):
        session.info[_MARK] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_feed_changes(state):
    """Bulk INSERT, UPDATE or DELETE statements run through the session count too."""
    mapper = state.bind_mapper
    writes = state.is_insert or state.is_update or state.is_delete
    if writes and mapper and issubclass(mapper.class_, FEED_SOURCES):
        state.session.info[_MARK] = True


@event.listens_for(Session, "before_commit")
def _bump_before_commit(session):
    if session.in_nested_transaction():
        return  # a savepoint: the stamp waits for the transaction's own commit
    if session.info.get(_MARK) is None and not (session.new or session.dirty or session.deleted):
        return
    session.flush()  # the last writes first, so the stamp's row is the last lock taken
    if session.info.pop(_MARK, False):
        bump(session)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session):
    session.info.pop(_MARK, None)


def bump(session: Session, name: str = COURSES_FEED) -> None:
    """Give the feed a new stamp in the session's transaction (an upsert: one statement)."""
    connection = session.connection()
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    values = {"name": name, "token": uuid.uuid4().hex, "changed_at": utcnow()}
    statement = dialect.insert(FeedVersion.__table__).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["name"], set_={"token": values["token"], "changed_at": values["changed_at"]}
    )
    connection.execute(statement)

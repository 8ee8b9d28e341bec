"""The schema is made by the migrations, and they match the models exactly."""

import os

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from booking import create_app
from booking.extensions import db

from .conftest import PG_URL, TEST_DB


def _empty_database_url(tmp_path):
    if TEST_DB == "postgres":
        server = make_url(PG_URL)
        name = f"booking_migrate_{os.getpid()}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return server.set(database=name).render_as_string(hide_password=False), name
    return f"sqlite:///{tmp_path / 'migrate.db'}", None


def test_upgrade_from_empty_builds_the_schema_the_models_describe(tmp_path):
    url, pg_name = _empty_database_url(tmp_path)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    try:
        with app.app_context():
            upgrade()
            tables = set(inspect(db.engine).get_table_names())
            assert {"courses", "course_days", "bookings", "people", "outbox_messages"} <= tables
            with db.engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
            assert diff == [], f"models and migrations differ: {diff}"
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            db.engine.dispose()
    finally:
        if pg_name:
            admin = create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))
            admin.dispose()


def test_a_course_stored_as_finished_is_published_and_over_by_its_dates(tmp_path):
    url, pg_name = _empty_database_url(tmp_path)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    try:
        with app.app_context():
            upgrade(revision="0004_reply_threading")  # the revision before
            with db.engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO course_types (id, name, slug, description, "
                        "what_to_bring) VALUES (1, 'Intro', 'intro', '', '')"
                    )
                )
                conn.execute(
                    text(
                        "INSERT INTO venues (id, name, address, town, postcode, "
                        "accessibility_notes, parking_notes, is_archived) VALUES "
                        "(1, 'Hall', 'Street', 'Kendal', '', '', '', false)"
                    )
                )
                conn.execute(
                    text(
                        "INSERT INTO courses (id, course_type_id, venue_id, status, total_places, "
                        "partner_places, release_on, booking_closes_at, trainers, notes, "
                        "cancelled_reason, schedule_version, created_at, updated_at) VALUES "
                        "(1, 1, 1, 'finished', 20, 4, '2025-11-17', '2025-11-27 23:59:00', '', '', "
                        "'', 0, '2025-10-01 09:00:00', '2025-10-01 09:00:00')"
                    )
                )
            upgrade()
            with db.engine.connect() as conn:
                status = conn.execute(text("SELECT status FROM courses WHERE id = 1")).scalar()
            assert status == "published"
            db.engine.dispose()
    finally:
        if pg_name:
            admin = create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))
            admin.dispose()


# --- Each migration keeps the previous release working -------------------------------------
#
# During an upgrade the migrations run first, while the previous release still serves
# (deploy/README.md). So a migration may add tables, and add columns that are nullable or
# have a server default; it may not drop or rename a table or column, or make a column
# NOT NULL, because the previous release's code still reads and writes them. A column the
# previous release no longer used may be dropped: name it here, with the release that
# stopped using it.
DROPS_ALLOWED: dict[str, set[str]] = {}


def _schema(engine) -> dict[str, dict[str, dict]]:
    found = inspect(engine)
    return {
        table: {column["name"]: column for column in found.get_columns(table)}
        for table in found.get_table_names()
        if table != "alembic_version"
    }


def incompatibilities(before: dict, after: dict, allowed: set[str] = frozenset()) -> list[str]:
    """What in `after` would break code written for `before`."""
    problems = []
    for table, columns in before.items():
        if table not in after:
            if table not in allowed:
                problems.append(f"table {table} dropped")
            continue
        for name, column in columns.items():
            new = after[table].get(name)
            if new is None:
                if f"{table}.{name}" not in allowed:
                    problems.append(f"column {table}.{name} dropped or renamed")
            elif column["nullable"] and not new["nullable"] and new.get("default") is None:
                problems.append(f"column {table}.{name} made NOT NULL without a default")
        for name, column in after[table].items():
            if name not in columns and not column["nullable"] and column.get("default") is None:
                problems.append(f"column {table}.{name} added NOT NULL without a server default")
    return problems


def test_the_check_finds_each_change_that_breaks_the_previous_release():
    column = {"nullable": True, "default": None}
    required = {"nullable": False, "default": None}
    before = {"people": {"id": required, "email": column}, "old": {"id": required}}

    assert incompatibilities(before, before) == []
    assert incompatibilities(
        before,
        {
            "people": {"id": required, "email": required, "phone": required},
            "new": {"id": required},
        },
    ) == [
        "column people.email made NOT NULL without a default",
        "column people.phone added NOT NULL without a server default",
        "table old dropped",
    ]
    assert incompatibilities(before, {"people": {"id": required}, "old": {"id": required}}) == [
        "column people.email dropped or renamed"
    ]
    with_default = {"nullable": False, "default": "0"}
    assert (
        incompatibilities(before, {**before, "people": {**before["people"], "tries": with_default}})
        == []
    )
    assert incompatibilities(before, {"people": before["people"]}, allowed={"old"}) == []


def test_each_migration_keeps_the_previous_release_working(tmp_path):
    from alembic.script import ScriptDirectory

    url, pg_name = _empty_database_url(tmp_path)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    try:
        with app.app_context():
            script = ScriptDirectory(app.extensions["migrate"].directory)
            revisions = list(reversed(list(script.walk_revisions())))
            assert len(revisions) >= 2
            upgrade(revision=revisions[0].revision)
            problems = []
            for revision in revisions[1:]:
                before = _schema(db.engine)
                upgrade(revision=revision.revision)
                allowed = DROPS_ALLOWED.get(revision.revision, set())
                problems += [
                    f"{revision.revision}: {p}"
                    for p in incompatibilities(before, _schema(db.engine), allowed)
                ]
            assert problems == []
            db.engine.dispose()
    finally:
        if pg_name:
            admin = create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))
            admin.dispose()


def test_free_text_trainers_move_into_the_note_for_coordinators_and_come_back_on_downgrade(
    tmp_path,
):
    url, pg_name = _empty_database_url(tmp_path)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    try:
        with app.app_context():
            upgrade(revision="0010_feed_versions")  # the revision before
            with db.engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO course_types (id, name, slug, description, what_to_bring) "
                        "VALUES (1, 'Intro', 'intro', '', '')"
                    )
                )
                conn.execute(
                    text(
                        "INSERT INTO venues (id, name, address, town, postcode, "
                        "accessibility_notes, parking_notes, is_archived) VALUES "
                        "(1, 'Hall', 'Street', 'Kendal', '', '', '', false)"
                    )
                )
                for course_id, trainers in ((1, "Ann Tyson and\nGary Nicholson"), (2, "")):
                    conn.execute(
                        text(
                            "INSERT INTO courses (id, course_type_id, venue_id, status, "
                            "total_places, partner_places, release_on, booking_closes_at, "
                            "trainers, notes, cancelled_reason, schedule_version, created_at, "
                            "updated_at) VALUES (:id, 1, 1, 'published', 20, 4, '2025-11-17', "
                            "'2025-11-27 23:59:00', :trainers, '', '', 0, "
                            "'2025-10-01 09:00:00', '2025-10-01 09:00:00')"
                        ),
                        {"id": course_id, "trainers": trainers},
                    )
            upgrade(revision="0016_self_check_in")
            with db.engine.connect() as conn:
                rows = conn.execute(
                    text("SELECT coordinator_note, self_check_in FROM courses ORDER BY id")
                ).all()
            assert [(note, bool(on)) for note, on in rows] == [
                ("Note about trainers: Ann Tyson and Gary Nicholson", True),
                ("", True),
            ]
            downgrade(revision="0010_feed_versions")
            with db.engine.connect() as conn:
                kept = conn.execute(text("SELECT trainers FROM courses ORDER BY id")).scalars()
                assert list(kept) == ["Ann Tyson and\nGary Nicholson", ""]
                columns = {c["name"] for c in inspect(conn).get_columns("courses")}
            assert not {"coordinator_note", "self_check_in"} & columns
            db.engine.dispose()
    finally:
        if pg_name:
            admin = create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))
            admin.dispose()

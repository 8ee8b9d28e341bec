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
            upgrade(revision="0002_email_bounces")  # the revision before
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

"""Migration 0011_course_types: today's data becomes the introductory course type with the
same behaviour, and the migration goes down and up again with the demo programme in it."""

from datetime import UTC, datetime

from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from booking import create_app, time_limits
from booking.cli.demo import load_demo
from booking.extensions import db

from .conftest import PG_URL
from .test_migrations import _empty_database_url

BEFORE = "0010_feed_versions"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _drop(pg_name):
    if pg_name:
        admin = create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))
        admin.dispose()


def _scalar(sql: str):
    with db.engine.connect() as conn:
        return conn.execute(text(sql)).scalar()


def test_todays_course_type_gets_the_defaults_every_course_used(tmp_path):
    url, pg_name = _empty_database_url(tmp_path)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    try:
        with app.app_context():
            upgrade(revision=BEFORE)
            with db.engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO course_types (id, name, slug, description, what_to_bring) "
                        "VALUES (1, 'Signs of Safety Two Day Introductory Training', "
                        "'introductory', '', '')"
                    )
                )
            upgrade()
            with db.engine.connect() as conn:
                row = conn.execute(text("SELECT * FROM course_types WHERE id = 1")).mappings().one()
            assert row["days_count"] == 2
            assert row["default_total_places"] == 20 and row["default_partner_places"] == 4
            assert bool(row["partners_may_book"]) is True
            assert row["release_days_before"] == time_limits.RELEASE_BEFORE.days
            assert row["cutoff_working_days_before"] == time_limits.CUTOFF_WORKING_DAYS_BEFORE
            assert str(row["default_starts_at"]).startswith("09:30")
            assert str(row["default_ends_at"]).startswith("16:30")
            assert _scalar("SELECT COUNT(*) FROM course_type_prerequisites") == 0
            db.engine.dispose()
    finally:
        _drop(pg_name)


def test_down_and_up_again_with_the_demo_programme_in_it(tmp_path):
    url, pg_name = _empty_database_url(tmp_path)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    try:
        with app.app_context():
            upgrade()
            load_demo(now=NOW, council_domains=app.config["COUNCIL_EMAIL_DOMAINS"])
            db.session.remove()
            courses = _scalar("SELECT COUNT(*) FROM courses")
            bookings = _scalar("SELECT COUNT(*) FROM bookings")
            assert _scalar("SELECT COUNT(*) FROM course_types") == 3
            assert _scalar("SELECT COUNT(*) FROM course_type_prerequisites") == 1

            downgrade(revision=BEFORE)
            found = inspect(db.engine)
            assert "course_type_prerequisites" not in found.get_table_names()
            columns = {c["name"] for c in found.get_columns("course_types")}
            assert "days_count" not in columns and "partners_may_book" not in columns
            assert _scalar("SELECT COUNT(*) FROM courses") == courses
            assert _scalar("SELECT COUNT(*) FROM bookings") == bookings

            upgrade()
            # Every type comes back as the introductory course was: the same behaviour.
            assert _scalar("SELECT COUNT(*) FROM course_types WHERE days_count = 2") == 3
            assert _scalar("SELECT COUNT(*) FROM courses") == courses
            db.engine.dispose()
    finally:
        _drop(pg_name)

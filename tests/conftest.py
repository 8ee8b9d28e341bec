"""Shared fixtures: one database per test run (SQLite file or a fresh PostgreSQL database),
emptied after every test, plus the app, client, CLI runner, clock and sign-in helpers.

TEST_DB=sqlite (default) or TEST_DB=postgres (with TEST_POSTGRES_URL) picks the database;
scripts/test.sh runs the suite once on each.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime

import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from booking import create_app
from booking.extensions import db as _db
from booking.mail.outbound import composing
from booking.services.allocation import cap_settings
from booking.services.db import lock_settings

from . import factories
from .support.smtp_server import SmtpServer

TEST_DB = os.environ.get("TEST_DB", "sqlite")
PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def pytest_report_header(config):
    return f"database: {TEST_DB}"


def pytest_collection_modifyitems(config, items):
    if TEST_DB != "postgres":
        skip = pytest.mark.skip(reason="needs PostgreSQL (this run is on SQLite)")
        for item in items:
            if "postgres_only" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A database of our own for the whole run, created empty and dropped at the end."""
    if TEST_DB == "postgres":
        server = make_url(PG_URL)
        name = f"booking_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name).render_as_string(hide_password=False)
        _db_engine_dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("db") / "test.db"
        yield f"sqlite:///{path}"


def _db_engine_dispose():
    for engine in list(_ENGINES):
        engine.dispose()


_ENGINES: list = []


@pytest.fixture(scope="session")
def make_app(database_url, tmp_path_factory):
    """Build an app on the test database; keyword arguments override settings.

    Every app on the test database is made here, so its engine is disposed of before the
    database is dropped (an app left to the garbage collector leaves its connections open).
    """
    instance = tmp_path_factory.mktemp("instance")

    def build(config_name: str = "testing", **overrides):
        settings = {"SQLALCHEMY_DATABASE_URI": database_url, **overrides}
        os.environ["INSTANCE_PATH"] = str(instance)
        app = create_app(config_name, **settings)
        with app.app_context():
            _ENGINES.append(_db.engine)
        return app

    return build


@pytest.fixture(scope="session")
def _schema(make_app):
    app = make_app()
    with app.app_context():
        _db.create_all()
    return app


@pytest.fixture
def app(_schema):
    """The app with an app context pushed; every table is emptied after the test."""
    app = _schema
    app.config["CLOCK_OVERRIDE"] = None
    _use_mail_settings_of(app)
    ctx = app.app_context()
    ctx.push()
    yield app
    _db.session.remove()
    _empty_tables()
    ctx.pop()
    lock_settings.enabled = True
    lock_settings.pause_seconds = 0.0
    cap_settings.enabled = True  # a control test may have switched the agency cap off
    cap_settings.default_cap = app.config["PARTNER_AGENCY_CAP"] or None


def _use_mail_settings_of(app):
    """Emails take the settings of the last app made (one per process when serving), and
    a test may have made another: use this test's app's settings."""
    composing.configure(composing.MailSettings.from_config(app.config))


def _empty_tables():
    engine = _db.engine
    tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))  # noqa: S608 - table names are ours


@pytest.fixture
def db(app):
    return _db


class _Client(FlaskClient):
    """Requests reuse the test's app context, so forget who Flask-Login last loaded
    (kept on `g`): otherwise an anonymous request early in a test hides a later sign-in."""

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = _Client
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Clock:
    """A clock the test moves by hand; the web layer reads it through CLOCK_OVERRIDE."""

    def __init__(self, app, start: datetime):
        self.app = app
        self.set(start)

    def set(self, moment: datetime) -> datetime:
        self.now = moment
        self.app.config["CLOCK_OVERRIDE"] = moment
        return moment

    def advance(self, **delta) -> datetime:
        from datetime import timedelta

        return self.set(self.now + timedelta(**delta))

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(app):
    """Frozen at 09:00 UTC on 5 January 2026 unless a test moves it."""
    return Clock(app, datetime(2026, 1, 5, 9, 0, tzinfo=UTC))


@pytest.fixture
def make(db):
    """Factories: make.course(...), make.person(...), make.coordinator(...), ..."""
    return factories


@pytest.fixture
def sign_in_coordinator(client):
    """Sign a coordinator account in on the test client (password and second factor done)."""

    from booking.auth import coordinator_session_values
    from booking.clock import now

    def sign_in(user, the_client=None):
        the_client = the_client or client
        with the_client.application.test_request_context(environ_base=the_client.environ_base):
            identifier = the_client.application.login_manager._session_identifier_generator()
        with the_client.session_transaction() as sess:
            sess.clear()
            sess["_user_id"] = user.get_id()
            sess["_fresh"] = True
            sess["_id"] = identifier
            sess.update(coordinator_session_values(now()))
        return the_client

    return sign_in


@pytest.fixture
def coordinator(make):
    """A coordinator's account (not signed in)."""
    return make.coordinator(email="sam.coordinator@cumbria.gov.uk", full_name="Sam Coordinator")


@pytest.fixture
def coordinator_client(client, clock, coordinator, sign_in_coordinator):
    """The test client, signed in as `coordinator`, with the clock at 5 January 2026 (tests
    may move it afterwards)."""
    return sign_in_coordinator(coordinator)


# --- A real SMTP server on loopback, and an app that sends to it ---------------------------


@pytest.fixture(scope="session")
def _smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.handler.release.set()
    server.stop()


@pytest.fixture
def smtp(_smtp_server):
    """The loopback SMTP server, emptied and running at the start of each test."""
    server = _smtp_server
    server.handler.reset()
    if server.controller is None:
        server.start()
    yield server
    server.handler.release.set()
    if server.controller is None:
        server.start()


MAILBOX = "SignsOfSafety@cumbria.gov.uk"
SENDER = "Signs of Safety training <no-reply@cumbria.gov.uk>"


def _add_test_routes(app):
    """A page that queues mail the way a booking page does (for the after-request tests)."""
    from booking import clock
    from booking.mail.outbound import composing
    from booking.models import Booking
    from booking.services.db import transactional

    @transactional
    def remind(booking_id: int):
        composing.reminder(_db.session.get(Booking, booking_id), now=clock.now(), days_before=7)

    def queue_mail(booking_id: int):
        remind(booking_id)
        return "Queued"

    app.add_url_rule("/test-only/queue-mail/<int:booking_id>", view_func=queue_mail)
    app.add_url_rule("/test-only/nothing", view_func=lambda: "Nothing queued")
    return app


@pytest.fixture(scope="session")
def _mail_app(make_app, _smtp_server):
    app = make_app(
        MAIL_SUPPRESS_SEND=False,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=_smtp_server.port,
        MAIL_TIMEOUT=2,
        MAIL_DEFAULT_SENDER=SENDER,
        TRAINING_MAILBOX=MAILBOX,
        SITE_URL="https://training.example.org",
    )
    return _add_test_routes(app)


@pytest.fixture
def mail_app(app, _mail_app, smtp):
    """An app that really sends to the loopback server; its context is pushed for the test."""
    _mail_app.config["CLOCK_OVERRIDE"] = None
    _mail_app.config["OUTBOX_SEND_AFTER_REQUEST"] = False
    _use_mail_settings_of(_mail_app)
    with _mail_app.app_context():
        yield _mail_app
        _db.session.remove()

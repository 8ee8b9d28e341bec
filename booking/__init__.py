"""The booking and attendance service for Signs of Safety training in Cumbria."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from config import CONFIGS, Config

from . import checks
from .extensions import csrf, db, limiter, login_manager, migrate

# Not plain `mail`: that name is the booking.mail package once it is imported.
from .extensions import mail as mail_extension

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_class: type[Config] | str | None = None, **overrides) -> Flask:
    """Build the application: settings, extensions, blueprints, error pages and commands."""
    if config_class is None or isinstance(config_class, str):
        name = config_class or os.environ.get("FLASK_CONFIG", "development")
        config_class = CONFIGS[name]

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder="static",
        static_url_path="/static",
        instance_path=os.environ.get("INSTANCE_PATH") or str(ROOT / "instance"),
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    _check_settings(app)

    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
            app.instance_path, "booking.db"
        )
    _tune_engine(app)

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    mail_extension.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)

    from govuk_frontend_wtf.main import WTFormsHelpers

    WTFormsHelpers(app)

    _configure_without_the_app(app)

    from . import auth, council, security, web

    auth.init_app(app)
    council.init_app(app)
    web.init_app(app)
    security.init_app(app)

    from .views import register_blueprints

    register_blueprints(app)

    from .cli import register_commands

    register_commands(app)

    from . import operations

    operations.init_app(app)
    return app


def _configure_without_the_app(app: Flask) -> None:
    """Give the parts that run without a Flask app (the services and the email builder)
    the settings they need, once."""
    from .mail.outbound import composing
    from .services.allocation import cap_settings
    from .services.db import lock_settings

    lock_settings.enabled = app.config["BOOKING_LOCKS_ENABLED"]
    lock_settings.pause_seconds = app.config["BOOKING_TEST_PAUSE_SECONDS"]
    cap_settings.default_cap = app.config["PARTNER_AGENCY_CAP"] or None
    cap_settings.enabled = app.config["AGENCY_CAP_ENABLED"]
    lock_settings.timeout_seconds = app.config["BOOKING_LOCK_TIMEOUT_SECONDS"]
    composing.configure(composing.MailSettings.from_config(app.config))


def _check_settings(app: Flask) -> None:
    if app.config.get("ENV_NAME") == "production":
        problem = checks.secret_key_problem(
            app.config.get("SECRET_KEY")
        ) or checks.development_tools_problem(app.config)
        if problem:
            raise RuntimeError(problem)
        log = logging.getLogger(__name__)
        url = app.config.get("SQLALCHEMY_DATABASE_URI") or ""
        if not url.startswith("postgresql"):
            log.warning(
                "Production is running without PostgreSQL (DATABASE_URL is %r).",
                url.split(":", 1)[0] or "unset",
            )
        if warning := checks.rate_limit_storage_problem(app.config):
            log.warning(warning)


def _tune_engine(app: Flask) -> None:
    """Pool settings per database: SQLite files wait for the write lock; PostgreSQL pools."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    # Database errors end up in logs; their bound values can hold names and support needs.
    options.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        options.setdefault("connect_args", {})
        options["connect_args"].setdefault("timeout", 30)
        options["connect_args"].setdefault("check_same_thread", False)
    else:
        options.setdefault("pool_size", 10)
        options.setdefault("max_overflow", 20)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options

"""Is this server fit to take requests? The database answers and its schema is new enough.

`/healthz` (for the load balancer) and `flask doctor` both ask `database_problem()`.

A database that a newer release has already migrated counts as healthy: during an upgrade
the migrations run first, while the previous release still serves, and every migration
keeps that release working (tests/test_migrations.py checks this). Only a database that is
*behind* this release's migrations is a problem, because this code may need what they add.
"""

from __future__ import annotations

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app

from .extensions import db


def database_problem() -> str | None:
    """Why this server cannot use the database now (plain words), or None when it can."""
    try:
        with db.engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "not answering"
        return f"The database is not answering ({type(exc).__name__})."
    if not current:
        return "The database has no tables yet. Run `flask db upgrade`."
    script = _scripts(current_app)
    needed = set(script.get_heads())
    if needed <= current:
        return None
    known = {revision for revision in current if _knows(script, revision)}
    if known != current:
        return None  # a newer release has migrated it; this release keeps working
    return (
        f"The database is at version {', '.join(sorted(current))} but this release needs "
        f"{', '.join(sorted(needed))}. Run `flask db upgrade`."
    )


def _knows(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except Exception:  # noqa: BLE001 - alembic raises several kinds for an unknown revision
        return False


def _scripts(app: Flask) -> ScriptDirectory:
    """The migration scripts, read once per process (they do not change while it runs)."""
    cached = app.extensions.get("migration_scripts")
    if cached is None:
        cached = ScriptDirectory(app.extensions["migrate"].directory)
        app.extensions["migration_scripts"] = cached
    return cached

"""What running the service for real needs: health checks, status, logs and metrics.

`create_app()` calls `init_app`. deploy/README.md describes the deployment that uses them.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Add request ids and logs, metrics, versioned static URLs, the health check, the
    status page and `flask doctor` to `app`."""
    from . import logs, metrics, static_versions
    from .cli.doctor import doctor_command
    from .views import health

    logs.init_app(app)
    metrics.init_app(app)
    static_versions.init_app(app)
    app.register_blueprint(health.bp)
    app.cli.add_command(doctor_command)

"""What running the service for real needs: health checks, status, logs and metrics.

`create_app()` calls `init_app`. deploy/README.md describes the deployment that uses them.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Add the health check to `app`."""
    from .views import health

    app.register_blueprint(health.bp)

"""Entry point for gunicorn: `gunicorn wsgi:app`."""

from booking import create_app
from booking.memory import freeze_startup_objects

app = create_app()
freeze_startup_objects()

"""gunicorn's settings for the booking service (`gunicorn --config deploy/gunicorn.conf.py wsgi:app`).

Values come from the environment file (/etc/sos-booking/env) where an administrator may
want to change them. Access logs are off: the app writes its own request line, without the
tokens that sit in emailed links (booking/logs.py).
"""

import os

#: Where nginx reaches the app. Keep it on loopback; nginx is the only way in.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
#: Two or three per core; gunicorn reads WEB_CONCURRENCY itself too, and `flask doctor` uses it.
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
#: A request that takes longer than this is stopped (the worker is replaced).
timeout = 60
#: On reload or stop, requests in hand get this long to finish.
graceful_timeout = 30
keepalive = 5
#: Replace each worker after this many requests (with jitter), so memory cannot creep up.
max_requests = 2000
max_requests_jitter = 200
#: Only nginx on this machine may say which address a request came from (X-Forwarded-For is
#: read by the app itself, as PROXY_FIX_X_FOR says).
forwarded_allow_ips = "127.0.0.1"
accesslog = None
errorlog = "-"
loglevel = "info"
proc_name = "sos-booking"

if os.environ.get("LOG_FORMAT", "").lower() == "json":
    # gunicorn's own lines (workers starting and stopping) as JSON too.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "booking.logs.JsonFormatter"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        # The app puts its own JSON handler on the root logger (booking/logs.py).
        "root": {"level": "INFO", "handlers": []},
        "loggers": {
            "gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": [], "level": "INFO", "propagate": False},
        },
    }


def child_exit(server, worker):
    """Forget a stopped worker's request metrics files (prometheus-client multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

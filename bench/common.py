"""Shared pieces for the benchmarks: throwaway databases, gunicorn, a load generator, tables.

Benchmarks report numbers; they assert only correctness (counts). Nothing here is a test.
"""

from __future__ import annotations

import atexit
import http.client
import os
import platform
import queue
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # import `booking` from this checkout, not an installed copy
VENV_BIN = Path(os.environ.get("VENV", ROOT / ".venv")).resolve() / "bin"
if not (VENV_BIN / "python").exists():
    VENV_BIN = Path(sys.executable).parent
#: Everything this run writes to disk (SQLite files, instance folders) goes in here, and goes.
SCRATCH = Path(tempfile.mkdtemp(prefix="bench-"))
atexit.register(shutil.rmtree, SCRATCH, ignore_errors=True)
PG_SERVER = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def machine_line() -> str:
    versions = ", ".join(
        f"{name} {version(name)}"
        for name in ("flask", "sqlalchemy", "gunicorn", "psycopg", "flask-sqlalchemy")
    )
    return (
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {__import__('sqlite3').sqlite_version}; {versions}"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def database(kind: str):
    """Yield a URL for an empty database of `kind` ("sqlite" file or "postgres"), then remove it."""
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="db-", dir=SCRATCH))
        try:
            yield f"sqlite:///{folder / 'bench.db'}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = make_url(PG_SERVER)
    name = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "FLASK_APP": "wsgi",
            "FLASK_CONFIG": "development",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench-secret-key-bench-secret-key-0123456789",
            "MAIL_SUPPRESS_SEND": "1",
            "OUTBOX_SEND_AFTER_REQUEST": "0",
            "RATELIMIT_ENABLED": "0",
            "INSTANCE_PATH": tempfile.mkdtemp(prefix="instance-", dir=SCRATCH),
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update(extra)
    return env


def migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [str(VENV_BIN / "flask"), "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@dataclass
class Gunicorn:
    app: str
    workers: int
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Gunicorn:
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--backlog",
                "2048",
                "--log-level",
                "warning",
                self.app,
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False
        ).stdout
        return [int(p) for p in out.split()]

    def peak_rss_mib(self) -> float:
        """The largest peak resident memory (VmHWM) among the workers, in MiB."""
        peaks = []
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks.append(int(line.split()[1]) / 1024)
            except OSError:
                continue
        return max(peaks, default=0.0)

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None


@dataclass
class LoadResult:
    seconds: float
    latencies_ms: list[float]
    statuses: dict[int, int]
    failures: int  #: connection errors

    @property
    def count(self) -> int:
        return len(self.latencies_ms)

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return ordered[index]

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500) + self.failures

    @property
    def median(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0


def run_load(base_url: str, requests: Iterable[Request], concurrency: int = 32) -> LoadResult:
    """Send every request once, from `concurrency` clients at the same time, as fast as they can."""
    host, port = base_url.removeprefix("http://").split(":")
    work: queue.Queue[Request] = queue.Queue()
    for request in requests:
        work.put(request)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    failures = 0
    lock = threading.Lock()
    start_gate = threading.Barrier(concurrency + 1)

    def client() -> None:
        nonlocal failures
        start_gate.wait()
        while True:
            try:
                request = work.get_nowait()
            except queue.Empty:
                return
            began = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(host, int(port), timeout=60)
                conn.request(
                    request.method, request.path, body=request.body, headers=request.headers
                )
                response = conn.getresponse()
                response.read()
                status = response.status
                conn.close()
            except OSError:
                with lock:
                    failures += 1
                continue
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    start_gate.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return LoadResult(time.perf_counter() - began, latencies, statuses, failures)


def table(title: str, headers: list[str], rows: list[list]) -> str:
    cells = [[str(c) for c in row] for row in rows]
    widths = [
        max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)
    ]
    lines = [f"### {title}", ""]
    lines.append("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |")
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in cells:
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
    return "\n".join(lines) + "\n"


# --- In-process measurement (Flask test client) ---------------------------------------------


def make_app(url: str, env: dict[str, str], **overrides):
    """The real application on `url`, configured as the benchmarks' gunicorn runs are."""
    os.environ["INSTANCE_PATH"] = env["INSTANCE_PATH"]
    from booking import create_app

    settings = {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": env["SECRET_KEY"],
        "RATELIMIT_ENABLED": False,
        "OUTBOX_SEND_AFTER_REQUEST": False,
        "MAIL_SUPPRESS_SEND": True,
        "WTF_CSRF_ENABLED": False,
    }
    settings.update(overrides)
    app = create_app("development", **settings)
    from booking.memory import freeze_startup_objects

    freeze_startup_objects()  # as wsgi.py does in every gunicorn worker
    return app


def dispose(app) -> None:
    from booking.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class QueryCounter:
    """Counts SQL statements sent to the database (a `before_cursor_execute` listener)."""

    def __init__(self, app):
        from sqlalchemy import event

        from booking.extensions import db

        self.count = 0
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.count += 1


@dataclass
class Timed:
    status: int
    queries: int
    times_ms: list[float]

    def percentile(self, p: float) -> float:
        return LoadResult(0, self.times_ms, {}, 0).percentile(p)


def time_requests(client, counter: QueryCounter, call, repeat: int) -> Timed:
    """Run `call(client)` once to warm up and count its queries, then `repeat` times timed."""
    counter.count = 0
    response = call(client)
    queries, status = counter.count, response.status_code
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        response = call(client)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == status, (response.status_code, status)
    return Timed(status, queries, times)


def sign_in_coordinator(app, client, now) -> None:
    """Give the test client a coordinator's session (password and second factor done)."""
    from booking.auth import coordinator_session_values
    from booking.extensions import db
    from booking.models import Role, User

    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "bench@cumbria.gov.uk"))
        if user is None:
            user = User(
                email="bench@cumbria.gov.uk",
                full_name="Bench Coordinator",
                password_hash="!",  # noqa: S106 - no password: the session is minted
                role=Role.COORDINATOR,
            )
            db.session.add(user)
            db.session.commit()
        user_id = user.get_id()
        with app.test_request_context(environ_base=client.environ_base):
            identifier = app.login_manager._session_identifier_generator()
    with client.session_transaction() as sess:
        sess.clear()
        sess["_user_id"] = user_id
        sess["_fresh"] = True
        sess["_id"] = identifier
        sess.update(coordinator_session_values(now))

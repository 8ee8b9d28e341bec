"""Two app servers and two outbox workers on one PostgreSQL and one Redis, as two machines
behind a load balancer would be: separate processes on separate ports, the same settings.

A booking rush goes to both servers (each person asks on one and confirms on the other);
then: no overbooking, every email sent exactly once, and rate limits shared.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from booking import create_app
from booking.extensions import db
from booking.models import Booking, BookingStatus, Group, OutboxMessage, OutboxStatus, Person

from .. import factories
from ..conftest import PG_URL

ROOT = Path(__file__).resolve().parents[2]
STAFF, PARTNERS = 30, 10
PLACES, PARTNER_PLACES = 10, 2

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_timeout=2).ping())
    except redis.RedisError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def database():
    server = make_url(PG_URL)
    name = f"booking_two_servers_{uuid.uuid4().hex[:6]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def processes():
    started: list[subprocess.Popen] = []

    def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
        with log.open("w") as handle:  # the process keeps its own copy of the file
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, 15)
    for process in started:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=10)


def _wait_until_serving(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=30).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass  # not listening yet, or its workers are still starting
        time.sleep(0.3)
    raise AssertionError(f"the server on port {port} did not start:\n{log.read_text()}")


def _csrf(response: requests.Response) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.text).group(1)


def _wait_for(condition, what: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.skipif(
    not _redis_answers(), reason="Redis is not running on 127.0.0.1:6379 (.ci/run starts it)"
)
def test_two_servers_share_a_booking_rush_without_overbooking_or_double_email(
    database, processes, smtp, tmp_path
):
    ports = [_free_port(), _free_port()]
    run = uuid.uuid4().hex[:8]  # Redis outlives the test: our keys must be this run's own
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "FLASK_CONFIG": "development",
        "DATABASE_URL": database,
        "SECRET_KEY": "two-servers-share-this-secret-key-0123456789",
        "SITE_URL": f"http://127.0.0.1:{ports[0]}",
        "INSTANCE_PATH": str(tmp_path),
        "MAIL_SUPPRESS_SEND": "0",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp.port),
        "MAIL_TIMEOUT": "30",
        "LOG_FORMAT": "json",
        "RATELIMIT_ENABLED": "1",
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        # Every request comes from 127.0.0.1 (and other runs from it too): only the limits per
        # email address, unique to this run, are under test.
        "RATELIMIT_BOOKING_PER_ADDRESS": "100000 per hour",
        "RATELIMIT_LINKS_PER_ADDRESS": "100000 per hour",
        "WEB_CONCURRENCY": "2",
    }
    migrate = subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr
    seeding = create_app("testing", SQLALCHEMY_DATABASE_URI=database)
    with seeding.app_context():
        course_id = factories.course(
            date.today() + timedelta(days=60), total_places=PLACES, partner_places=PARTNER_PLACES
        ).id
        db.session.remove()
        db.engine.dispose()

    servers = []
    for number, port in enumerate(ports):
        metrics_dir = tmp_path / f"metrics-{number}"
        metrics_dir.mkdir()
        server_env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        }
        log = tmp_path / f"server-{number}.log"
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "deploy/gunicorn.conf.py",
            "wsgi:app",
        ]
        servers.append((processes(command, server_env, log), port, log))
    for number in range(2):
        command = [sys.executable, "-m", "flask", "outbox", "worker", "--interval", "0.5"]
        processes(command, env, tmp_path / f"worker-{number}.log")
    for process, port, log in servers:
        _wait_until_serving(port, process, log)

    people = [(f"staff.{run}.{n}@cumberland.gov.uk", "") for n in range(STAFF)]
    people += [(f"partner.{run}.{n}@nhs.net", "NHS North Cumbria") for n in range(PARTNERS)]
    sessions = {email: requests.Session() for email, _ in people}

    def ask(index: int) -> int:
        email, organisation = people[index]
        base = f"http://127.0.0.1:{ports[index % 2]}"
        browser = sessions[email]
        form = browser.get(f"{base}/courses/{course_id}/book", timeout=60)
        answer = browser.post(
            f"{base}/courses/{course_id}/book",
            data={
                "csrf_token": _csrf(form),
                "full_name": f"Person {index}",
                "email": email,
                "job_title": "Social Worker",
                "team": "Children's Services",
                "organisation": organisation,
                "line_manager_email": "",
                "support_needs": "",
                "consent": "y",
            },
            allow_redirects=False,
            timeout=60,
        )
        return answer.status_code

    def confirm(index: int) -> int:
        email, _ = people[index]
        [message] = [m for m in smtp.to(email) if "/confirm/" in m.text()]
        path = re.search(r"http://[^/\s]+(/confirm/[A-Za-z0-9_\-]+)", message.text()).group(1)
        base = f"http://127.0.0.1:{ports[(index + 1) % 2]}"  # the other server
        browser = sessions[email]
        page = browser.get(base + path, timeout=60)
        done = browser.post(
            base + path, data={"csrf_token": _csrf(page)}, allow_redirects=False, timeout=60
        )
        return done.status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        assert list(pool.map(ask, range(len(people)))) == [302] * len(people)
        _wait_for(
            lambda: all(any("/confirm/" in m.text() for m in smtp.to(e)) for e, _ in people),
            "every confirmation link to arrive",
        )
        assert list(pool.map(confirm, range(len(people)))) == [302] * len(people)

    engine = create_engine(database)

    def outbox_drained() -> bool:
        with engine.connect() as conn:
            waiting = conn.scalar(
                select(func.count()).where(OutboxMessage.status != OutboxStatus.SENT)
            )
            rows = conn.scalar(select(func.count()).select_from(OutboxMessage))
        return waiting == 0 and len(smtp.received) >= rows

    _wait_for(outbox_drained, "the outbox to be sent")

    # No overbooking: 8 places for council staff and 2 for partners before the release date.
    with engine.connect() as conn:
        rows = conn.execute(
            select(Person.group, Booking.status)
            .join(Person, Person.id == Booking.person_id)
            .where(Booking.course_id == course_id)
        ).all()
        per_person = Counter(
            conn.scalars(select(Booking.person_id).where(Booking.course_id == course_id))
        )
        outbox_rows = conn.scalar(select(func.count()).select_from(OutboxMessage))
    statuses = Counter((Group(group), BookingStatus(status)) for group, status in rows)
    assert statuses == {
        (Group.STAFF, BookingStatus.CONFIRMED): PLACES - PARTNER_PLACES,
        (Group.PARTNER, BookingStatus.CONFIRMED): PARTNER_PLACES,
        (Group.STAFF, BookingStatus.WAITLISTED): STAFF - (PLACES - PARTNER_PLACES),
        (Group.PARTNER, BookingStatus.WAITLISTED): PARTNERS - PARTNER_PLACES,
    }
    assert len(per_person) == len(people) and set(per_person.values()) == {1}

    # Every email sent exactly once, by whichever of the four senders claimed it.
    time.sleep(1)  # a message sent twice would arrive now, after the outbox says "sent"
    ids = Counter(received.message_id for received in smtp.received)
    assert len(smtp.received) == outbox_rows
    assert set(ids.values()) == {1}

    # Rate limits are shared: 5 links an hour for one address, however the tries are split.
    asker = requests.Session()
    address = f"limits.{run}@cumberland.gov.uk"
    answers = []
    for attempt in range(8):
        base = f"http://127.0.0.1:{ports[attempt % 2]}"
        form = asker.get(f"{base}/sign-in", timeout=60)
        posted = asker.post(
            f"{base}/sign-in",
            data={"csrf_token": _csrf(form), "email": address},
            allow_redirects=False,
            timeout=60,
        )
        answers.append(posted.status_code)
    assert answers.count(302) == 5 and answers.count(429) == 3, answers

    # Each server's metrics add up both of its workers' requests.
    metrics = requests.get(f"http://127.0.0.1:{ports[0]}/metrics", timeout=60).text
    posts = re.findall(
        r'^sos_http_request_duration_seconds_count\{method="POST",status="302",url_rule="/confirm/<token>"\} (\S+)$',
        metrics,
        re.M,
    )
    assert sum(float(n) for n in posts) == len(people) / 2
    assert f'sos_bookings_made_total{{outcome="place"}} {float(PLACES)}' in metrics

    # The servers logged every request, and no one's address.
    logs = "".join(log.read_text() for _process, _port, log in servers)
    assert logs.count('"logger": "booking.requests"') >= 4 * len(people)
    assert run not in logs
    engine.dispose()
    for browser in [*sessions.values(), asker]:
        browser.close()  # open keep-alive connections would hold up the servers' shutdown

"""`make run PORT=...` (issue 15, item 24): the development server serves on that port and
every emailed link points at it, read from the development mail page (item 22) as a
newcomer would. It runs the real `make run` (migrations, demo data, `flask run`) in a
folder of its own, so it is slow and runs once, on the SQLite pass."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("TEST_DB") == "postgres",
        reason="make run serves on its own SQLite file, so the SQLite pass covers it",
    ),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    """`make run PORT=<free port>` on an instance folder of its own; yields the port."""
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "FLASK_CONFIG", "SITE_URL", "DEVELOPMENT_TOOLS"}
    }
    env["INSTANCE_PATH"] = str(tmp_path)
    log = (tmp_path / "make-run.log").open("w")
    server = subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={port}", f"VENV={sys.prefix}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so the server stops with it
    )
    try:
        _wait_for(port, server, tmp_path / "make-run.log")
        yield port, tmp_path
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def _wait_for(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail("make run stopped:\n" + log.read_text())
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/courses", timeout=5)  # noqa: S310
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail("make run did not answer in 4 minutes:\n" + log.read_text())


def test_make_run_on_another_port_emails_links_to_that_port(served):
    port, instance = served
    site = f"http://127.0.0.1:{port}"
    with sqlite3.connect(instance / "booking.db") as database:
        (email,) = database.execute("SELECT email FROM people ORDER BY id LIMIT 1").fetchone()
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )

    def get(path: str) -> str:
        with browser.open(site + path, timeout=10) as response:
            return response.read().decode()

    form = get("/sign-in")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "email": email}).encode()
    browser.open(site + "/sign-in", data=body, timeout=10).close()

    listing = get("/development/mail")
    message = get(re.search(r'href="(/development/mail/\d+)"', listing).group(1))
    link = re.search(r'href="(http://[^"]+/sign-in/[^"]+)"', message).group(1)
    assert link.startswith(f"{site}/sign-in/"), link
    assert "Sign in" in get(link.removeprefix(site))

"""deploy/backup.sh and deploy/restore.sh on PostgreSQL: demo data backed up, restored into a
new database that `flask doctor` passes, with the same number of rows in every table."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from ..conftest import PG_URL

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("pg_dump") is None or shutil.which("pg_restore") is None,
        reason="pg_dump and pg_restore are not installed (apt-get install postgresql-client)",
    ),
]


@pytest.fixture
def databases():
    """Names for new databases on the test server, each dropped afterwards."""
    server = make_url(PG_URL)
    made: list[str] = []

    def url_for(name: str) -> str:
        made.append(name)
        return server.set(database=name).render_as_string(hide_password=False)

    yield url_for
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in made:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _run(command: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "FLASK_CONFIG": "development",
        "INSTANCE_PATH": str(tmp_path),
        "ENV_FILE": "/nonexistent",
        "APP_DIR": str(ROOT),
        **env,
    }
    return subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )


def _flask(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    return _run([sys.executable, "-m", "flask", *args], tmp_path, DATABASE_URL=url)


def _row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table: conn.scalar(text(f'SELECT count(*) FROM "{table}"'))  # noqa: S608
                for table in inspect(conn).get_table_names()
            }
    finally:
        engine.dispose()


def test_a_backup_restores_into_a_new_database_with_every_row(tmp_path, databases):
    suffix = uuid.uuid4().hex[:6]
    live = databases(f"booking_live_{suffix}")
    restored = databases(f"booking_restored_{suffix}")
    subprocess.run(["createdb", make_url(live).database], env=_pg_env(live), check=True)
    for args in (["db", "upgrade"], ["seed-demo"]):
        result = _flask(tmp_path, live, *args)
        assert result.returncode == 0, result.stderr
    backups = tmp_path / "backups"
    backups.mkdir()
    old, recent = backups / "sos-booking-2020-01-01T031500Z.dump", backups / "recent.dump"
    for file, days in ((old, 20), (recent, 2)):
        file.write_bytes(b"an earlier backup")
        stamp = time.time() - days * 86400
        os.utime(file, (stamp, stamp))
    recent.rename(backups / "sos-booking-2026-11-29T031500Z.dump")

    backup = _run(
        ["deploy/backup.sh"], tmp_path, DATABASE_URL=live, BACKUP_DIR=str(backups), KEEP_DAYS="14"
    )

    assert backup.returncode == 0, backup.stderr
    assert "Deleted 1 backup(s) older than 14 days." in backup.stdout
    kept = sorted(p.name for p in backups.iterdir())
    assert not old.exists() and "sos-booking-2026-11-29T031500Z.dump" in kept
    [made] = [backups / name for name in kept if name != "sos-booking-2026-11-29T031500Z.dump"]
    assert made.name.startswith("sos-booking-") and made.suffix == ".dump"
    assert oct(made.stat().st_mode & 0o777) == "0o600"  # it holds everyone's details

    restore = _run(["deploy/restore.sh", "--create", str(made), restored], tmp_path)

    assert restore.returncode == 0, restore.stderr
    doctor = _flask(tmp_path, restored, "doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "ok       Database: The database answers and has every migration." in doctor.stdout
    live_counts, restored_counts = _row_counts(live), _row_counts(restored)
    assert restored_counts == live_counts
    assert live_counts["courses"] > 5 and live_counts["bookings"] > 20
    assert live_counts["alembic_version"] == 1

    again = _run(["deploy/restore.sh", str(made), restored], tmp_path)
    assert again.returncode == 1
    assert "already has" in again.stderr and "restore into an empty one" in again.stderr
    assert _row_counts(restored) == live_counts


def _pg_env(url: str) -> dict[str, str]:
    parsed = make_url(url)
    env = {**os.environ, "PGHOST": parsed.host or "", "PGUSER": parsed.username or ""}
    if parsed.port:
        env["PGPORT"] = str(parsed.port)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    return env

"""`make bench`: every scenario, one table each, and the latest tables into bench/README.md.

Starts PostgreSQL if it is installed but not running; without it, the PostgreSQL rows are
left out (with a message). Benchmarks report numbers; only counts are asserted.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import big_calendar  # noqa: E402
import mail  # noqa: E402
import register  # noqa: E402
import rush  # noqa: E402
from common import PG_SERVER, ROOT, machine_line  # noqa: E402

README = ROOT / "bench" / "README.md"
START, END = "<!-- results: start -->", "<!-- results: end -->"


def postgres_available() -> bool:
    if _can_connect():
        return True
    versions = sorted(Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").exists() else []
    if versions:
        print(f"Starting PostgreSQL {versions[-1].name} ...", flush=True)
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1].name, "main", "start"],
            check=False,
            capture_output=True,
        )
        for _ in range(20):
            if _can_connect():
                return True
            time.sleep(0.5)
    print("PostgreSQL is not available, so the PostgreSQL rows are left out.", flush=True)
    return False


def _can_connect() -> bool:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    engine = create_engine(PG_SERVER, connect_args={"connect_timeout": 2})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except OperationalError:
        return False
    finally:
        engine.dispose()


def main() -> None:
    began = time.monotonic()
    kinds = ("sqlite", "postgres") if postgres_available() else ("sqlite",)
    header = (
        f"{machine_line()}\n\nRun {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. The machine was shared "
        "with other work, so numbers move by 10 to 30 % from run to run.\n"
    )
    print(header, flush=True)
    tables = []

    def show(text: str) -> None:
        print(text, flush=True)
        tables.append(text)

    results = rush.main(kinds)
    show(rush.report(results))
    show(big_calendar.main(kinds))
    show(register.main(kinds))
    show(mail.main(kinds))
    show(rush.memory_report(results))
    elapsed = time.monotonic() - began
    print(f"All scenarios took {elapsed:.0f} s.")
    write_readme(header + "\n" + "\n".join(tables))


def write_readme(results: str) -> None:
    text = README.read_text()
    block = f"{START}\n{results}{END}"
    text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _m: block, text, flags=re.S)
    README.write_text(text)
    print(f"Tables written to {README.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()

"""Print `export PG...=...` lines for a DATABASE_URL, for backup.sh and restore.sh.

pg_dump and pg_restore then read the password from the environment rather than from their
command line, where anyone on the machine could see it (`ps`).
Usage: eval "$(python deploy/libpq_env.py "$DATABASE_URL")"
"""

import shlex
import sys

from sqlalchemy.engine import make_url


def main(url_text: str) -> int:
    url = make_url(url_text)
    if not url.drivername.startswith("postgresql"):
        print(f"echo {shlex.quote('DATABASE_URL is not a PostgreSQL database')} >&2; exit 2")
        return 0
    values = {
        "PGHOST": url.host or url.query.get("host") or "",
        "PGPORT": str(url.port or ""),
        "PGUSER": url.username or "",
        "PGPASSWORD": url.password or "",
        "PGDATABASE": url.database or "",
        "PGSSLMODE": url.query.get("sslmode") or "",
    }
    for name, value in values.items():
        if isinstance(value, tuple):
            value = value[0]
        if value:
            print(f"export {name}={shlex.quote(str(value))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

"""Exit 0 if the PostgreSQL server in the given SQLAlchemy URL answers; used by scripts/test.sh."""

import sys

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def main() -> int:
    url = make_url(sys.argv[1])
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar()
        engine.dispose()
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return 1
    if "--describe" in sys.argv:
        print(f"PostgreSQL {version} at {url.host}:{url.port}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into an empty database.
#
#   deploy/restore.sh [--create] BACKUP_FILE [DATABASE_URL]
#
# The database is DATABASE_URL (the argument, else the environment, else ENV_FILE). It must
# be empty: restore.sh refuses to write over data. --create makes it first. The restore is
# one transaction, so a failure leaves the database empty again. Then run `flask doctor`
# with DATABASE_URL pointing at it, and start the service (deploy/README.md).
set -euo pipefail

APP_DIR="${APP_DIR:-$(cd "$(dirname "$0")/.." && pwd)}"
ENV_FILE="${ENV_FILE:-/etc/sos-booking/env}"

create=0
if [ "${1:-}" = "--create" ]; then create=1; shift; fi
backup="${1:-}"
if [ -z "$backup" ] || [ ! -r "$backup" ]; then
  echo "Usage: deploy/restore.sh [--create] BACKUP_FILE [DATABASE_URL] (no readable backup file given)" >&2
  exit 2
fi
DATABASE_URL="${2:-${DATABASE_URL:-}}"
if [ -z "$DATABASE_URL" ] && [ -r "$ENV_FILE" ]; then
  DATABASE_URL="$(sed -n 's/^DATABASE_URL=//p' "$ENV_FILE" | tail -n 1)"
fi
if [ -z "$DATABASE_URL" ]; then
  echo "Say which database to restore into (DATABASE_URL)." >&2
  exit 2
fi
eval "$("$APP_DIR/.venv/bin/python" "$APP_DIR/deploy/libpq_env.py" "$DATABASE_URL")"

if [ "$create" = 1 ]; then
  createdb --maintenance-db=postgres "$PGDATABASE"
  echo "Made the database $PGDATABASE."
fi
tables="$(psql --no-psqlrc --tuples-only --no-align --dbname="$PGDATABASE" \
  --command="SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
if [ "$tables" != "0" ]; then
  echo "The database $PGDATABASE already has $tables tables: restore into an empty one (--create makes a new one)." >&2
  exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$PGDATABASE" "$backup"
echo "Restored $backup into $PGDATABASE. Now run: flask doctor (with DATABASE_URL set to it)."

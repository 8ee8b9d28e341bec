#!/usr/bin/env bash
# A dated backup of the PostgreSQL database (pg_dump's custom format), keeping KEEP_DAYS days.
#
#   deploy/backup.sh
#
# Reads DATABASE_URL from the environment, else from ENV_FILE (/etc/sos-booking/env).
# BACKUP_DIR (/var/backups/sos-booking) holds sos-booking-<UTC date and time>.dump files;
# those older than KEEP_DAYS (14) days are deleted after a backup succeeds.
# Restore one with deploy/restore.sh. Run it daily (sos-booking-backup.timer, or cron).
set -euo pipefail

APP_DIR="${APP_DIR:-$(cd "$(dirname "$0")/.." && pwd)}"
ENV_FILE="${ENV_FILE:-/etc/sos-booking/env}"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/sos-booking}"
KEEP_DAYS="${KEEP_DAYS:-14}"

if [ -z "${DATABASE_URL:-}" ] && [ -r "$ENV_FILE" ]; then
  DATABASE_URL="$(sed -n 's/^DATABASE_URL=//p' "$ENV_FILE" | tail -n 1)"
fi
if [ -z "${DATABASE_URL:-}" ]; then
  echo "DATABASE_URL is not set (here or in $ENV_FILE), so there is nothing to back up." >&2
  exit 2
fi
eval "$("$APP_DIR/.venv/bin/python" "$APP_DIR/deploy/libpq_env.py" "$DATABASE_URL")"

umask 077
mkdir -p "$BACKUP_DIR"
file="$BACKUP_DIR/sos-booking-$(date -u +%Y-%m-%dT%H%M%SZ).dump"
# Written under another name first: a backup cut short never looks like a whole one.
pg_dump --format=custom --no-owner --no-privileges --file="$file.partial"
mv "$file.partial" "$file"
echo "Backed up to $file ($(du -h "$file" | cut -f1))."

find "$BACKUP_DIR" -maxdepth 1 -name 'sos-booking-*.dump.partial' -mmin +60 -delete
old="$(find "$BACKUP_DIR" -maxdepth 1 -name 'sos-booking-*.dump' -mtime +"$((KEEP_DAYS - 1))" -print -delete | wc -l)"
echo "Deleted $old backup(s) older than $KEEP_DAYS days."

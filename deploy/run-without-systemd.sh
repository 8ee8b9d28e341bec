#!/usr/bin/env bash
# The systemd units' equivalents for a machine without systemd (a container, a test box).
#
#   deploy/run-without-systemd.sh start     gunicorn and the outbox worker in the background, as systemd would
#   deploy/run-without-systemd.sh reload    replace gunicorn's workers one by one (after an upgrade)
#   deploy/run-without-systemd.sh stop      stop both, letting requests and mail in hand finish
#   deploy/run-without-systemd.sh status    say what runs
#   deploy/run-without-systemd.sh run JOB   one scheduled command: tick, purge, reminders, mailbox
#
# deploy/cron.d/sos-booking runs the scheduled commands from cron instead of the timers.
# Settings: the environment file (ENV_FILE). Run as root: processes run as RUN_AS.
set -euo pipefail

. "$(dirname "$0")/env.sh"
RUN_DIR="${RUN_DIR:-/run/sos-booking}"
LOG_DIR="${LOG_DIR:-/var/log/sos-booking}"

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start() {
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  rm -rf "$RUN_DIR/metrics" && mkdir -p "$RUN_DIR/metrics"  # systemd's RuntimeDirectory=
  chown -R "$RUN_AS" "$RUN_DIR" "$LOG_DIR"
  cd "$APP_DIR"
  if running "$RUN_DIR/gunicorn.pid"; then
    echo "gunicorn is already running"
  else
    # In the background rather than --daemon, which would send the app's own log lines
    # (standard error) nowhere.
    as_service_user env PROMETHEUS_MULTIPROC_DIR="$RUN_DIR/metrics" nohup \
      "$BIN/gunicorn" --config "$APP_DIR/deploy/gunicorn.conf.py" \
      --pid "$RUN_DIR/gunicorn.pid" wsgi:app >>"$LOG_DIR/web.log" 2>&1 &
    for _ in $(seq 1 30); do running "$RUN_DIR/gunicorn.pid" && break; sleep 1; done
    echo "gunicorn started (log: $LOG_DIR/web.log)"
  fi
  if running "$RUN_DIR/outbox.pid"; then
    echo "The outbox worker is already running"
  else
    # The worker writes its own pid (runuser's would not pass SIGTERM on).
    rm -f "$RUN_DIR/outbox.pid"
    as_service_user nohup sh -c 'echo $$ >"$1" && exec "$2" outbox worker' sh \
      "$RUN_DIR/outbox.pid" "$BIN/flask" >>"$LOG_DIR/outbox.log" 2>&1 &
    for _ in $(seq 1 30); do running "$RUN_DIR/outbox.pid" && break; sleep 1; done
    echo "The outbox worker started (log: $LOG_DIR/outbox.log)"
  fi
}

stop_one() {
  local pid_file="$1" name="$2"
  if running "$pid_file"; then
    local pid
    pid="$(cat "$pid_file")"
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    echo "$name stopped"
  fi
  rm -f "$pid_file"
}

status() {
  for pair in "gunicorn.pid:gunicorn" "outbox.pid:The outbox worker"; do
    if running "$RUN_DIR/${pair%%:*}"; then echo "${pair#*:}: running"; else echo "${pair#*:}: stopped"; fi
  done
}

run_job() {
  cd "$APP_DIR"
  case "${1:-}" in
    tick) as_service_user "$BIN/flask" bookings tick ;;
    purge) as_service_user "$BIN/flask" privacy purge ;;
    reminders) as_service_user "$BIN/flask" outbox reminders ;;
    mailbox) as_service_user "$BIN/flask" mailbox poll ;;
    *) echo "Say which job: tick, purge, reminders or mailbox" >&2; exit 2 ;;
  esac
}

load_settings
case "${1:-}" in
  start) start ;;
  stop) stop_one "$RUN_DIR/outbox.pid" "The outbox worker"; stop_one "$RUN_DIR/gunicorn.pid" "gunicorn" ;;
  reload) kill -HUP "$(cat "$RUN_DIR/gunicorn.pid")" && echo "gunicorn is replacing its workers" ;;
  status) status ;;
  run) run_job "${2:-}" ;;
  *) sed -n '2,12p' "$0"; exit 2 ;;
esac

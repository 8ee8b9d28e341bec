# Shared by flask.sh and run-without-systemd.sh (sourced, not run): where things are, the
# settings from the environment file, and running a command as the service's user.
APP_DIR="${APP_DIR:-/srv/sos-booking}"
ENV_FILE="${ENV_FILE:-/etc/sos-booking/env}"
RUN_AS="${RUN_AS:-sos-booking}"
BIN="$APP_DIR/.venv/bin"

load_settings() {
  # The file systemd reads (EnvironmentFile=): NAME=value lines, no quotes; values may hold
  # spaces, so it is read line by line rather than sourced.
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in '' | '#'*) continue ;; esac
    export -- "$line"
  done <"$ENV_FILE"
  export FLASK_APP="${FLASK_APP:-wsgi}"
}

as_service_user() {
  if [ "$(id -un)" = "$RUN_AS" ]; then "$@"; else runuser -u "$RUN_AS" -- "$@"; fi
}

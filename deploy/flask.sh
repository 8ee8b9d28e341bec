#!/usr/bin/env bash
# Run a `flask` command with the service's settings, as the service's user, e.g.
#   /srv/sos-booking/deploy/flask.sh db upgrade
#   /srv/sos-booking/deploy/flask.sh doctor
#   /srv/sos-booking/deploy/flask.sh create-coordinator you@cumbria.gov.uk --administrator
set -euo pipefail
. "$(dirname "$0")/env.sh"
load_settings
cd "$APP_DIR"
as_service_user "$BIN/flask" "$@"

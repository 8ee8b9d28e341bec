#!/usr/bin/env bash
# Build the GOV.UK Frontend styles and script this service serves at /assets.
#
# govuk-frontend-jinja 4.1.0 targets govuk-frontend 6.3.0. A council service must not use
# the GOV.UK brand (the crown, the GDS Transport font), so the Sass is compiled here with
# Arial instead of the default font, following the GOV.UK Frontend guidance for services
# outside GOV.UK. Output: booking/static/govuk/ (ignored by git).
#
# The versions of govuk-frontend, sass and everything sass needs are pinned in package.json
# and package-lock.json; `npm ci` installs exactly those (into node_modules/, ignored by
# git) and refuses if the two files disagree. To upgrade: change package.json, run
# `npm install --ignore-scripts`, and commit both files.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="$here/booking/static/govuk"
cd "$here"
npm ci --silent --ignore-scripts --no-audit --no-fund >/dev/null
VERSION="$(node -p 'require("./node_modules/govuk-frontend/package.json").version')"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/app.scss" <<'SCSS'
@use "govuk-frontend/dist/govuk" with (
  $govuk-font-family: (arial, sans-serif),
  $govuk-include-default-font-face: false,
  $govuk-assets-path: "/assets/"
);
SCSS
rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
npx --no-install sass --load-path=node_modules --style=compressed --no-source-map --quiet-deps \
  "$work/app.scss" "$dest.tmp/govuk-frontend.min.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$dest.tmp/"
cp node_modules/govuk-frontend/LICENSE.txt "$dest.tmp/" 2>/dev/null || true
echo "$VERSION" > "$dest.tmp/VERSION"
rm -rf "$dest" && mv "$dest.tmp" "$dest"
echo "GOV.UK Frontend $VERSION (Arial, no GOV.UK brand) is in booking/static/govuk"

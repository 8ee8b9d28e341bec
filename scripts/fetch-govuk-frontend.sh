#!/usr/bin/env bash
# Fetch the GOV.UK Frontend release that govuk-frontend-jinja 4.1.0 targets, and lay out
# its compiled CSS, JavaScript, fonts and images under booking/static/govuk/ (served at /assets).
set -euo pipefail
VERSION="${GOVUK_FRONTEND_VERSION:-6.3.0}"
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="$here/booking/static/govuk"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "govuk-frontend@$VERSION" >/dev/null
tar xzf "govuk-frontend-$VERSION.tgz"
rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
cp package/dist/govuk/govuk-frontend.min.css package/dist/govuk/govuk-frontend.min.js "$dest.tmp/"
cp -R package/dist/govuk/assets/. "$dest.tmp/"
cp package/LICENSE.txt "$dest.tmp/" 2>/dev/null || true
echo "$VERSION" > "$dest.tmp/VERSION"
rm -rf "$dest" && mv "$dest.tmp" "$dest"
echo "GOV.UK Frontend $VERSION is in booking/static/govuk"

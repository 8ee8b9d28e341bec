#!/usr/bin/env bash
# Fetch axe-core (the accessibility engine the browser tests inject into each page).
#
# Its version is pinned in tests/browser/package.json and package-lock.json; `npm ci`
# installs exactly that (into tests/browser/node_modules/, ignored by git). To upgrade:
# change package.json, run `npm install --ignore-scripts` there, and commit both files.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here/tests/browser"
npm ci --silent --ignore-scripts --no-audit --no-fund >/dev/null
VERSION="$(node -p 'require("./node_modules/axe-core/package.json").version')"
mkdir -p vendor
cp node_modules/axe-core/axe.min.js vendor/axe.min.js
echo "$VERSION" > vendor/VERSION
echo "axe-core $VERSION is in tests/browser/vendor"

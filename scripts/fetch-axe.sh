#!/usr/bin/env bash
# Fetch axe-core (the accessibility engine the browser tests inject into each page).
set -euo pipefail
VERSION="${AXE_CORE_VERSION:-4.14.1}"
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="$here/tests/browser/vendor"
[ -f "$dest/axe.min.js" ] && grep -q "$VERSION" "$dest/VERSION" 2>/dev/null && exit 0
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "axe-core@$VERSION" >/dev/null
tar xzf "axe-core-$VERSION.tgz"
mkdir -p "$dest"
cp package/axe.min.js "$dest/axe.min.js"
echo "$VERSION" > "$dest/VERSION"
echo "axe-core $VERSION is in tests/browser/vendor"

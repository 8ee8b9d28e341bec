#!/usr/bin/env bash
# Install jsQR (reads QR codes from the camera on "Check in by code") from package-lock.json
# with `npm ci`, and copy its browser build to booking/static/vendor/ (ignored by git). The
# app serves it itself: no CDN. Browsers with their own BarcodeDetector do not need it.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
npm ci --silent --no-audit --no-fund --ignore-scripts >/dev/null
mkdir -p booking/static/vendor
cp node_modules/jsqr/dist/jsQR.js booking/static/vendor/jsQR.js
cp node_modules/jsqr/LICENSE booking/static/vendor/jsQR.LICENSE 2>/dev/null || true
echo "jsQR $(node -p 'require("./node_modules/jsqr/package.json").version' 2>/dev/null || echo '') is in booking/static/vendor"

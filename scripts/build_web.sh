#!/usr/bin/env bash
# Builds the web pages' shipped files: the browser libraries from the npm registry (exact versions
# from catalogue/web/frontend/package-lock.json) copied into catalogue/web/static/vendor, and the
# compiled gettext catalogues. Both results are committed, so an install needs neither npm nor a CDN.
# Run after changing package.json or a .po file:  scripts/build_web.sh  (add --extract to refresh
# the message catalogue from the templates and code first).
set -euo pipefail
cd "$(dirname "$0")/.."
WEB=catalogue/web
VENDOR=$WEB/static/vendor

(cd $WEB/frontend && npm ci --no-audit --no-fund --silent)
modules=$WEB/frontend/node_modules
rm -rf "$VENDOR" && mkdir -p "$VENDOR"
cp $modules/hls.js/dist/hls.min.js "$VENDOR/hls.min.js"
cp $modules/hls.js/LICENSE "$VENDOR/hls.js.LICENSE"
cp $modules/tus-js-client/dist/tus.min.js "$VENDOR/tus.min.js"
cp $modules/tus-js-client/LICENSE "$VENDOR/tus-js-client.LICENSE"
# The player alone (no DRM, MSS or reporting modules): the DASH twin of hls.js.
cp $modules/dashjs/dist/modern/umd/dash.mediaplayer.min.js "$VENDOR/dash.mediaplayer.min.js"
cp $modules/dashjs/LICENSE.md "$VENDOR/dashjs.LICENSE"
node -e '
  const lock = require("./'$WEB'/frontend/package-lock.json");
  const out = {};
  for (const name of ["hls.js", "tus-js-client", "dashjs"]) {
    const p = lock.packages["node_modules/" + name];
    out[name] = {version: p.version, integrity: p.integrity, resolved: p.resolved};
  }
  console.log(JSON.stringify(out, null, 2));
' > "$VENDOR/versions.json"

if [ "${1:-}" = "--extract" ]; then
  # Width 100, as the committed catalogues are wrapped: pybabel's default (76) rewraps them all.
  uv run pybabel extract -F $WEB/babel.cfg -o $WEB/translations/messages.pot --no-location \
    --project catalogue --sort-output -w 100 $WEB
  uv run pybabel update -i $WEB/translations/messages.pot -d $WEB/translations \
    --no-fuzzy-matching --ignore-obsolete -w 100
fi
uv run pybabel compile -d $WEB/translations --statistics

#!/usr/bin/env bash
# The first README command: sets up the project on a bare Debian/Ubuntu machine and runs the demo on
# the embedded default (SQLite and files under ./data), then serves the API and pages.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh --no-dev
exec uv run --frozen --no-dev catalogue demo "$@"

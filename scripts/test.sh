#!/usr/bin/env bash
# The second README command: sets up everything (Python env, FFmpeg, PostgreSQL) on a bare
# Debian/Ubuntu machine and runs the whole test suite, on SQLite and on PostgreSQL.
# Extra arguments go to pytest, e.g. scripts/test.sh -k search
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh
trap stop_services EXIT
export CATALOGUE_REQUIRE_POSTGRES=1
uv run --frozen pytest "$@"

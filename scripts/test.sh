#!/usr/bin/env bash
# The second README command: sets up everything (Python env, FFmpeg, PostgreSQL) on a bare
# Debian/Ubuntu machine, runs the static checks (scripts/lint.sh) and the whole test suite, on SQLite
# and on PostgreSQL.
# Extra arguments go to pytest, e.g. scripts/test.sh -k search
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh --group dev >/dev/null
# The static checks first (ruff, formatting, mypy): they fail the run before any server starts.
bash scripts/lint.sh
source scripts/services.sh
trap stop_services EXIT
export CATALOGUE_REQUIRE_POSTGRES=1
uv run --frozen pytest "$@"

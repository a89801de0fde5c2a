#!/usr/bin/env bash
# The static checks: ruff's lint rules, ruff's formatting and mypy (strict for transcoder/ and the
# planner core). test.sh runs them before pytest; run this alone for the same verdict in seconds.
# Each check runs even when an earlier one failed, so one run lists everything to fix.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.local/bin:$PATH"

failed=()
check() {
  local name="$1"
  shift
  echo "== $name" >&2
  "$@" || failed+=("$name")
}

check "ruff check" uv run --frozen ruff check .
check "ruff format --check" uv run --frozen ruff format --check --output-format concise .
check "mypy" uv run --frozen mypy catalogue transcoder

if [ "${#failed[@]}" -gt 0 ]; then
  joined="$(printf '%s, ' "${failed[@]}")"
  echo "lint failed: ${joined%, }" >&2
  echo "(fix with 'uv run --frozen ruff check --fix .', 'uv run --frozen ruff format .', or the mypy errors above)" >&2
  exit 1
fi
echo "lint passed" >&2

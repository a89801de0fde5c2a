#!/usr/bin/env bash
# Installs what the project needs on a bare Debian/Ubuntu machine that has only Python:
# uv (from PyPI), the locked Python environment, and FFmpeg (Debian's package).
# Sourced by demo.sh and test.sh; safe to run again.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export UV_PYTHON_DOWNLOADS=never   # use the machine's Python; no toolchain downloads
export PATH="$HOME/.local/bin:$PATH"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "error: Python 3.11 or newer is needed (found $(python3 --version 2>&1))" >&2
  exit 1
fi

if ! command -v uv >/dev/null 2>&1; then
  if ! python3 -m pip --version >/dev/null 2>&1; then apt_install python3-pip; fi
  python3 -m pip install --quiet --user uv 2>/dev/null \
    || python3 -m pip install --quiet --user --break-system-packages uv
fi

uv sync --quiet --frozen "$@"

# FFmpeg (ffmpeg and ffprobe, one build) is the system's security-updated package, like PostgreSQL
# in services.sh; `apt-get upgrade` updates it. CATALOGUE_FFMPEG_PATH names another build instead.
# (A static build from PyPI was used before: it got no security updates.)
if [ -z "${CATALOGUE_FFMPEG_PATH:-}" ] && { ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null; }; then
  apt_install ffmpeg
fi

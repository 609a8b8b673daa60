# Sourced by ./bsr-map and ./run-tests: makes sure this machine can run bsr-map.
# 1. system libraries the Qt wheels need (Debian/Ubuntu, installed with apt when missing);
# 2. a Python >= 3.11 virtual environment in .venv with the project installed (editable),
#    re-installed whenever pyproject.toml changes.
set -euo pipefail

BSR_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BSR_VENV="${BSR_VENV:-$BSR_ROOT/.venv}"

# Runtime: Qt's xcb and offscreen platforms, fonts. Tests: a real X server for screenshots.
BSR_SYSTEM_PACKAGES=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
  libxcb-render-util0 libxcb-image0 libxcb-xkb1)
# Tests (and the shared-store benchmark) run against a real PostgreSQL + PostGIS server on loopback.
BSR_DATABASE_PACKAGES=(postgresql postgresql-15-postgis-3)
BSR_TEST_PACKAGES=(xvfb xauth poppler-utils gdal-bin "${BSR_DATABASE_PACKAGES[@]}")

bsr_system_packages() {
  command -v dpkg >/dev/null 2>&1 || return 0   # not Debian/Ubuntu: see README for other systems
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "bsr-map: please install these system packages: ${missing[*]}" >&2; return 0
    fi
  fi
  echo "bsr-map: installing system packages: ${missing[*]}" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

bsr_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "bsr-map: Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)" >&2
  return 1
}

bsr_venv() {
  local extras="$1" stamp
  stamp="$(cat "$BSR_ROOT/pyproject.toml" | sha256sum | cut -c1-16)-$extras"
  if [ ! -x "$BSR_VENV/bin/python" ]; then
    echo "bsr-map: creating the virtual environment in $BSR_VENV" >&2
    "$(bsr_python)" -m venv "$BSR_VENV"
  fi
  if [ "$(cat "$BSR_VENV/.bsr-stamp" 2>/dev/null)" != "$stamp" ]; then
    echo "bsr-map: installing bsr-map and its dependencies (first run only)" >&2
    "$BSR_VENV/bin/python" -m pip install -q --upgrade pip >&2
    "$BSR_VENV/bin/python" -m pip install -q -e "$BSR_ROOT[$extras]" >&2
    echo "$stamp" > "$BSR_VENV/.bsr-stamp"
  fi
}

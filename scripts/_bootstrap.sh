# Shared by scripts/serve and scripts/test: a virtual environment in .venv with gridlink installed.
# Sourced, not run. Uses only python3 and, when something is missing, Debian's apt-get.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${GRIDLINK_VENV:-$ROOT/.venv}"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  # Installs the Debian packages that are not installed yet; does nothing when all are present.
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing Debian packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    # policy-rc.d keeps services such as sshd from starting: the tests start their own on loopback.
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

ensure_compiler() {
  # mypyc compiles the EDI engine on install: it needs a C compiler and the headers of this Python.
  if ! command -v gcc >/dev/null || ! python3 -c 'import os, sys, sysconfig
sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))'; then
    apt_install gcc python3-dev
  fi
}

ensure_venv() {
  # $1: pip extras, e.g. "" or "[test]"
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    apt_install python3-venv
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
  fi
  if [ -z "${GRIDLINK_PURE_PYTHON:-}" ]; then
    ensure_compiler
  fi
  local stamp="$VENV/.gridlink-installed$1"
  # Installing compiles the EDI engine in place (setup.py): an edit to it means building it again.
  if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ] || [ "$ROOT/setup.py" -nt "$stamp" ] \
    || [ -n "$(find "$ROOT/gridlink/edi" -name '*.py' -newer "$stamp" -print -quit)" ]; then
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e "$ROOT$1"
    touch "$stamp"
  fi
}

# Sourced by scripts/demo and scripts/test: makes .venv in the repo root and installs into it.
# Usage: ensure_venv [EXTRAS]   (e.g. ensure_venv test)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

find_python() {
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"
      return
    fi
  done
  echo "Broadsheet needs Python 3.11 or newer; none was found on PATH." >&2
  exit 1
}

ensure_venv() {
  local extras="${1:-}"
  if [ ! -x "$VENV/bin/python" ]; then
    echo "Creating $VENV"
    "$(find_python)" -m venv "$VENV"
  fi
  # Reinstall only when the dependency files change, so repeated runs start at once.
  local stamp="$VENV/.broadsheet-installed-${extras:-base}"
  local wanted
  wanted="$(cat "$ROOT/pyproject.toml" "$ROOT/requirements/constraints.txt" | sha256sum | cut -c1-16)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    echo "Installing Broadsheet and its dependencies into .venv (pinned by requirements/constraints.txt)"
    local target="$ROOT"
    [ -n "$extras" ] && target="$ROOT[$extras]"
    # pip's log is shown only when it fails: some machines' pip configuration is noisy.
    if ! { "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip &&
      "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        -c "$ROOT/requirements/constraints.txt" -e "$target"; } >"$VENV/pip.log" 2>&1; then
      cat "$VENV/pip.log" >&2
      echo "Installing into .venv failed (log above, also in .venv/pip.log)." >&2
      exit 1
    fi
    echo "$wanted" >"$stamp"
  fi
}

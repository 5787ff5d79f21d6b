# Sourced by scripts/start and scripts/test: give .venv exactly a lock file's packages plus stagedoor itself
# (editable), and skip the install when .venv already holds them for this lock and this pyproject.toml.

# What .venv holds, recorded after a successful install (a changed lock or pyproject.toml changes it).
STAMP=.venv/.stagedoor-installed

# Print the stamp an install from lock file $1 leaves: its name and a sha256 of it and pyproject.toml.
lock_stamp() {
  .venv/bin/python - "$1" pyproject.toml <<'PY'
import hashlib
import sys
from pathlib import Path

digest = hashlib.sha256()
for name in sys.argv[1:]:
    digest.update(name.encode() + b"\0" + Path(name).read_bytes() + b"\0")
print(sys.argv[1], digest.hexdigest())
PY
}

# Install lock file $1 and stagedoor into .venv unless .venv already holds $1 or one of the locks after it
# (the test lock includes the runtime one).
install_locked() {
  local lock=$1 candidate log
  if ! { [[ -x .venv/bin/python ]] && .venv/bin/python -c '' 2>/dev/null; }; then
    "${PYTHON:-python3}" -m venv --clear .venv
  fi
  if [[ -f $STAMP ]]; then
    for candidate in "$@"; do
      if [[ "$(<"$STAMP")" == "$(lock_stamp "$candidate")" ]]; then
        echo "stagedoor: .venv is up to date with $candidate and pyproject.toml; nothing to install."
        return 0
      fi
    done
  fi
  echo "Installing stagedoor into .venv from $lock …"
  rm -f "$STAMP"
  log=$(mktemp)
  # --no-build-isolation: the editable build uses the lock's setuptools instead of fetching an unpinned one.
  if ! { .venv/bin/python -m pip install --quiet --require-hashes -r "$lock" &&
    .venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .; } >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "stagedoor: installing from $lock failed (pip's output is above)." >&2
    exit 1
  fi
  rm -f "$log"
  lock_stamp "$lock" >"$STAMP"
}

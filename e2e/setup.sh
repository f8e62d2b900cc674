#!/usr/bin/env bash
# Once per machine: what the end-to-end tests of `ankipress sync` need besides the project's
# own environment: Xvfb and Qt's libraries (Debian packages), a Python 3.12+ environment with
# the real Anki desktop (aqt), and the AnkiConnect add-on's source.
#   ANKIPRESS_E2E_VENV         where the desktop's environment goes (~/.cache/ankipress-e2e/venv)
#   ANKIPRESS_E2E_ANKICONNECT  AnkiConnect's plugin/ folder (~/.cache/ankipress-e2e/anki-connect/plugin);
#                              cloned from its home (SourceHut) at the commit tested, if missing
#   ANKIPRESS_E2E_PYTHON       a Python 3.12 or later (AnkiConnect needs it); found if unset
set -euo pipefail
CACHE="${HOME}/.cache/ankipress-e2e"
VENV="${ANKIPRESS_E2E_VENV:-$CACHE/venv}"
ADDON="${ANKIPRESS_E2E_ANKICONNECT:-$CACHE/anki-connect/plugin}"
ANKICONNECT_COMMIT=de6e6e1b8aaf4ae195eb1d1ff6db5409b99b2a3e  # upstream, 2025-12-03
ANKI_VERSION=26.9.3

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
asound=libasound2  # (libasound2t64 on Ubuntu 24.04 and Debian 13)
if apt-cache show libasound2t64 >/dev/null 2>&1; then asound=libasound2t64; fi
need=()
for p in xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0 libgl1 \
         libegl1 libnss3 "$asound"; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if ((${#need[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [ ! -x "$VENV/bin/anki" ]; then
  PY="${ANKIPRESS_E2E_PYTHON:-}"
  if [ -z "$PY" ]; then
    for candidate in python3.13 python3.12 "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python; do
      if command -v "$candidate" >/dev/null 2>&1 &&
         "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
        PY="$candidate"; break
      fi
    done
  fi
  [ -n "$PY" ] || { echo "e2e: no Python 3.12 or later (AnkiConnect needs it): set ANKIPRESS_E2E_PYTHON" >&2; exit 1; }
  "$PY" -m venv "$VENV" || { echo "e2e: $PY cannot make a virtual environment: install its venv package (python3.X-venv)" >&2; exit 1; }
  "$VENV/bin/pip" install -q "aqt[qt]==$ANKI_VERSION" "anki==$ANKI_VERSION"
fi

if [ ! -f "$ADDON/__init__.py" ]; then
  checkout="$(dirname "$ADDON")"
  git clone -q https://git.sr.ht/~foosoft/anki-connect "$checkout"
  git -C "$checkout" checkout -q "$ANKICONNECT_COMMIT"
fi
"$VENV/bin/python" -c 'import anki.buildinfo as b; print("e2e: Anki desktop", b.version)'

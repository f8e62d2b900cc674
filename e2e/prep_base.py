"""Prepare a fresh Anki base folder so that the desktop app starts with no dialog.

Usage: python prep_base.py BASE_FOLDER ADDON_SRC_DIR [--port 8765] [--profile "User 1"] [--minimal]

What it writes (no display needed; only aqt.profiles and PyQt6 are imported):
  BASE/prefs21.db   -> _global meta with defaultLang set (this alone suppresses the
                       first-run language dialog) plus, unless --minimal, firstRun=False,
                       no update / add-on update checks, and the profile row.
  BASE/gldriver6    -> "software" (otherwise Linux may probe OpenGL and, if it thinks the
                       driver is broken, show a modal error and exit)
  BASE/addons21/2055492159/  -> the AnkiConnect plugin/ files + config.json binding 127.0.0.1:PORT
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("addon_src", help="AnkiConnect's plugin/ folder")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--profile", default="User 1")
    ap.add_argument("--lang", default="en_US")
    ap.add_argument(
        "--minimal",
        action="store_true",
        help="only write _global meta with defaultLang (tests the minimum)",
    )
    args = ap.parse_args()

    base = Path(args.base).resolve()
    base.mkdir(parents=True, exist_ok=True)

    # --- add-on ---------------------------------------------------------------
    addon_dir = base / "addons21" / "2055492159"
    if addon_dir.exists():
        shutil.rmtree(addon_dir)
    shutil.copytree(
        args.addon_src, addon_dir, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    cfg_path = addon_dir / "config.json"
    cfg = json.loads(cfg_path.read_text()) if cfg_path.exists() else {}
    cfg.update(
        {
            "apiKey": None,
            "apiLogPath": None,
            "webBindAddress": "127.0.0.1",
            "webBindPort": args.port,
        }
    )
    cfg_path.write_text(json.dumps(cfg, indent=4) + "\n")

    # --- video driver ---------------------------------------------------------
    (base / "gldriver6").write_text("software")

    # --- prefs21.db -------------------------------------------------------------
    from anki.utils import int_version
    from aqt.profiles import ProfileManager

    pm = ProfileManager(base)
    pm.setupMeta()  # creates prefs21.db with a default _global row
    pm.meta["defaultLang"] = args.lang
    if not args.minimal:
        pm.meta["firstRun"] = False
        pm.meta["check_for_updates"] = False
        pm.meta["check_for_addon_updates"] = False
        pm.meta["last_run_version"] = int_version()
        pm.create(args.profile)
        pm.db.execute(
            "update profiles set data = ? where name = ? collate nocase",
            pm._pickle(_profile_conf(pm, args.profile)),
            args.profile,
        )
    pm.db.execute("update profiles set data = ? where name = '_global'", pm._pickle(pm.meta))
    pm.db.commit()
    pm.db.close()
    print(f"prepared {base} (profile {args.profile!r}, AnkiConnect on 127.0.0.1:{args.port})")
    return 0


def _profile_conf(pm, name: str) -> dict:
    data = pm.db.scalar("select cast(data as blob) from profiles where name = ?", name)
    prof = pm._unpickle(data)
    prof["autoSync"] = False  # never try AnkiWeb on open/close
    prof["syncMedia"] = False
    prof["syncKey"] = None
    return prof


if __name__ == "__main__":
    sys.exit(main())

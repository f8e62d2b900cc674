"""The real Anki desktop (``aqt``) with the real AnkiConnect add-on, headless under Xvfb
with software rendering, for the end-to-end tests of ``ankipress sync`` (``e2e/run``).

    with AnkiDesktop(run_dir) as anki:   # fresh base folder, Xvfb, Anki; AnkiConnect ready
        anki.invoke("deckNames")         # -> ["Default"]
    # on exit: SIGTERM (Anki closes its collection cleanly), Xvfb stopped, collection checked

Where things are (``e2e/setup.sh`` makes them): ``ANKIPRESS_E2E_VENV`` (default
``~/.cache/ankipress-e2e/venv``, Python 3.12 or later with ``aqt[qt]``) and
``ANKIPRESS_E2E_ANKICONNECT``, the add-on's ``plugin/`` folder (default
``~/.cache/ankipress-e2e/anki-connect/plugin``). A start takes about 1.5 s.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = Path.home() / ".cache" / "ankipress-e2e"
VENV = Path(os.environ.get("ANKIPRESS_E2E_VENV", CACHE / "venv"))
ADDON_SRC = Path(os.environ.get("ANKIPRESS_E2E_ANKICONNECT", CACHE / "anki-connect" / "plugin"))
PROFILE = "User 1"


class AnkiStartError(RuntimeError):
    pass


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie child of ours still "exists": check /proc
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


class AnkiDesktop:
    def __init__(self, run_dir: Path, port: int = 8765, start_timeout: float = 120) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.start_timeout = start_timeout
        self.run_dir = Path(run_dir).resolve()
        self.base = self.run_dir / "base"
        self.xvfb_pid: int | None = None
        self.anki_pid: int | None = None
        self.display: str | None = None
        self.timings: dict[str, float] = {}
        self._procs: dict[str, subprocess.Popen] = {}

    # ------------------------------------------------------------------ HTTP
    def invoke(self, action: str, timeout: float = 30, **params):
        body = json.dumps({"action": action, "version": 6, "params": params}).encode()
        req = urllib.request.Request(self.url, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            reply = json.load(r)
        if set(reply) != {"result", "error"}:
            raise RuntimeError(f"unexpected reply {reply!r}")
        if reply["error"] is not None:
            raise RuntimeError(f"{action}: {reply['error']}")
        return reply["result"]

    def raw(self, payload: dict, timeout: float = 30) -> dict:
        req = urllib.request.Request(
            self.url, json.dumps(payload).encode(), {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.load(r)

    # ------------------------------------------------------------------ start
    def start(self) -> AnkiDesktop:
        t0 = time.monotonic()
        if not _port_free("127.0.0.1", self.port):
            if self.run_dir.is_dir() and not any(self.run_dir.iterdir()):
                self.run_dir.rmdir()
            # AnkiConnect would pop a *modal* "Failed to listen on port" box and the run would hang
            raise AnkiStartError(f"127.0.0.1:{self.port} is already in use (another Anki?)")
        self.run_dir.mkdir(parents=True, exist_ok=True)
        if self.base.exists():
            shutil.rmtree(self.base)

        # 1. fresh base folder: prefs21.db + profile + add-on + gldriver6
        subprocess.run(
            [
                str(VENV / "bin" / "python"),
                str(HERE / "prep_base.py"),
                str(self.base),
                str(ADDON_SRC),
                "--port",
                str(self.port),
                "--profile",
                PROFILE,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.timings["prep_s"] = round(time.monotonic() - t0, 2)

        # 2. Xvfb on a free display (-displayfd: the server writes the number when ready)
        r, w = os.pipe()
        xlog = open(self.run_dir / "xvfb.log", "wb")  # noqa: SIM115 (the child keeps it)
        xvfb = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(w),
                "-screen",
                "0",
                "1280x1024x24",
                "-nolisten",
                "tcp",
                "-noreset",
            ],
            pass_fds=(w,),
            stdout=xlog,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        os.close(w)
        self.xvfb_pid = xvfb.pid
        self._procs["xvfb"] = xvfb
        num = b""
        deadline = time.monotonic() + 20
        while not num.endswith(b"\n") and time.monotonic() < deadline:
            chunk = os.read(r, 16)
            if not chunk:
                break
            num += chunk
        os.close(r)
        if not num.strip():
            self.stop()
            raise AnkiStartError("Xvfb did not report a display; see xvfb.log")
        self.display = f":{num.decode().strip()}"
        self.timings["xvfb_s"] = round(time.monotonic() - t0, 2)

        # 3. Anki
        env = dict(os.environ)
        env.update(
            {
                "DISPLAY": self.display,
                "QT_QPA_PLATFORM": "xcb",
                "LIBGL_ALWAYS_SOFTWARE": "1",
                "QT_QUICK_BACKEND": "software",
                # root + no GPU: Chromium in QtWebEngine needs --no-sandbox as root
                "QTWEBENGINE_CHROMIUM_FLAGS": "--disable-gpu --no-sandbox",
                # each run its own single-instance key: otherwise a still-running Anki of the
                # same user gets "raise" and the new one exits ("Already running; reusing...")
                "ANKI_SINGLE_INSTANCE_KEY": f"anki-e2e-{os.getpid()}-{self.port}-{time.time_ns()}",
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.pop("WAYLAND_DISPLAY", None)
        alog = open(self.run_dir / "anki.log", "wb")  # noqa: SIM115 (the child keeps it)
        anki = subprocess.Popen(
            [str(VENV / "bin" / "anki"), "-b", str(self.base), "-p", PROFILE],
            env=env,
            stdout=alog,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=self.run_dir,
        )
        self.anki_pid = anki.pid
        self._procs["anki"] = anki

        # 4. wait: server up (version == 6), then the collection open (deckNames works)
        deadline = time.monotonic() + self.start_timeout
        stage = "version"
        last_err = None
        while time.monotonic() < deadline:
            if not _pid_alive(self.anki_pid):
                self.stop()
                raise AnkiStartError(f"Anki exited during startup; see {self.run_dir}/anki.log")
            try:
                if stage == "version":
                    reply = self.raw({"action": "version", "version": 6}, timeout=3)
                    if reply == {"result": 6, "error": None}:
                        self.timings["version_s"] = round(time.monotonic() - t0, 2)
                        stage = "collection"
                        continue
                else:
                    self.invoke("deckNames", timeout=5)
                    self.timings["ready_s"] = round(time.monotonic() - t0, 2)
                    return self
            except Exception as e:
                last_err = e
            time.sleep(0.2)
        shot = self.screenshot("startup-timeout.png")
        self.stop()
        raise AnkiStartError(
            f"AnkiConnect not ready after {self.start_timeout}s at stage "
            f"{stage} ({last_err!r}); screenshot {shot}"
        )

    # ------------------------------------------------------------------ stop
    def stop(self, timeout: float = 60) -> dict:
        """SIGTERM Anki (aqt's own handler closes the main window -> collection closed,
        backup written, WAL checkpointed), SIGKILL only after `timeout`; then Xvfb."""
        result = {"anki": "not running", "xvfb": "not running"}
        t0 = time.monotonic()
        if _pid_alive(self.anki_pid):
            os.kill(self.anki_pid, signal.SIGTERM)
            result["anki"] = self._wait_gone(self.anki_pid, "anki", timeout)
        result["anki_stop_s"] = round(time.monotonic() - t0, 2)
        if _pid_alive(self.xvfb_pid):
            os.kill(self.xvfb_pid, signal.SIGTERM)
            result["xvfb"] = self._wait_gone(self.xvfb_pid, "xvfb", 10)
        result["collection"] = self.check_collection()
        return result

    def _wait_gone(self, pid: int, name: str, timeout: float) -> str:
        proc = self._procs.get(name)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                return f"exited rc={proc.returncode}"
            if proc is None and not _pid_alive(pid):
                return "exited"
            time.sleep(0.1)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)  # own session => own process group
        if proc is not None:
            proc.wait(5)
        return "KILLED after timeout"

    def check_collection(self) -> dict:
        col = self.base / PROFILE / "collection.anki2"
        info: dict = {"path": str(col), "exists": col.exists()}
        if not col.exists():
            return info
        wal = col.with_name(col.name + "-wal")
        info["wal_left"] = wal.exists() and wal.stat().st_size > 0
        # check a copy: even a read-only sqlite connection creates -wal/-shm next to a
        # WAL-mode database, and we want to leave the profile folder exactly as Anki left it
        tmp = Path(tempfile.mkdtemp(prefix="colcheck-"))
        shutil.copy2(col, tmp / col.name)
        if wal.exists():
            shutil.copy2(wal, tmp / wal.name)
        con = sqlite3.connect(tmp / col.name)
        # Anki's schema indexes use its own "unicase" collation; without it sqlite refuses
        con.create_collation(
            "unicase", lambda a, b: (a.casefold() > b.casefold()) - (a.casefold() < b.casefold())
        )
        try:
            info["integrity"] = con.execute("pragma integrity_check").fetchone()[0]
            info["journal_mode"] = con.execute("pragma journal_mode").fetchone()[0]
            info["notes"] = con.execute("select count() from notes").fetchone()[0]
            info["cards"] = con.execute("select count() from cards").fetchone()[0]
        except sqlite3.Error as e:
            info["integrity"] = f"error: {e}"
        finally:
            con.close()
            shutil.rmtree(tmp, ignore_errors=True)
        return info

    # ------------------------------------------------------------------ misc
    def screenshot(self, name: str = "screen.png") -> str | None:
        if not self.display or not shutil.which("import"):
            return None
        out = self.run_dir / name
        subprocess.run(
            ["import", "-window", "root", str(out)],
            env={**os.environ, "DISPLAY": self.display},
            check=False,
            timeout=30,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return str(out)

    def __enter__(self) -> AnkiDesktop:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

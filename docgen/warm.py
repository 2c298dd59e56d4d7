"""A warm LibreOffice: one long-lived soffice per process, driven through unoserver.

A cold ``soffice --convert-to pdf`` starts LibreOffice for every call (about 1.25 s a letter
on the project's machine). Here the process keeps a LibreOffice running and sends it one
document at a time over a loopback socket:

- the server side is unoserver (PyPI), which needs LibreOffice's Python UNO bridge. Debian
  ships that bridge as python3-uno for the SYSTEM python3 only; the application's virtual
  environment cannot import ``uno``. So the server runs under the system python3
  (``LEGALCASE_UNO_PYTHON``, default /usr/bin/python3) with unoserver's package dir appended
  to its path, and starts soffice.bin itself with ``--accept`` on a free port;
- the client side (this module, in the application's python) talks XML-RPC to it, which
  needs nothing from UNO.

When LibreOffice dies (killed, crashed, a conversion past its timeout), unoserver exits with
it; the next conversion sees that, starts a new one and converts. ``WarmUnavailable`` says
the warm path cannot be used at all (no python3-uno, no unoserver): callers then fall back
to the cold path (``docgen.pdf``). Pure library: knows nothing of Flask or the database.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

START_SECONDS = 60  # unoserver sleeps ~7 s before it answers; a loaded machine needs more
CONVERSION_SECONDS = 300  # unoserver kills a LibreOffice stuck longer on one document


class WarmUnavailable(Exception):
    """The warm path cannot be used here (the message says why); use the cold one."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def uno_python() -> str:
    return os.environ.get("LEGALCASE_UNO_PYTHON", "/usr/bin/python3")


def check_server_side(soffice: str) -> None:
    """Raise WarmUnavailable unless the system python can import uno and unoserver is installed."""
    try:
        import unoserver
    except ImportError as exc:  # pragma: no cover - a dependency of the project
        raise WarmUnavailable("unoserver 未安装（pip install unoserver）") from exc
    python = uno_python()
    if not shutil.which(python):
        raise WarmUnavailable(f"找不到 {python}（LibreOffice 的 Python UNO 需要系统 Python）")
    probe = subprocess.run(
        [python, "-c", "import uno"], capture_output=True, text=True, timeout=30, check=False
    )
    if probe.returncode != 0:
        raise WarmUnavailable(
            f"{python} 无法导入 uno：请安装 Debian 软件包 python3-uno（{probe.stderr[-200:]}）"
        )
    del unoserver, soffice


class WarmOffice:
    """One unoserver + LibreOffice pair, started on first use and again whenever it died."""

    def __init__(self, soffice: str) -> None:
        self.soffice = soffice
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.workdir: Path | None = None
        self.lock = threading.Lock()
        self.starts = 0

    # -- the server -----------------------------------------------------------------

    @property
    def office_pid(self) -> int | None:
        """The running LibreOffice's pid (its launcher, soffice/oosplash), or None."""
        if self.workdir is None:
            return None
        try:
            return int((self.workdir / "soffice.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def office_pids(self) -> list[int]:
        """The LibreOffice processes (oosplash, soffice.bin) of this server: members of its
        process group named so (LibreOffice also runs short helpers such as gpgconf)."""
        if self.proc is None:
            return []
        out = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == self.proc.pid:
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            if int(fields[2]) == self.proc.pid and name in ("oosplash", "soffice.bin"):
                out.append(int(entry.name))
        return sorted(out)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> None:
        import unoserver

        self.stop()
        check_server_side(self.soffice)
        self.workdir = Path(tempfile.mkdtemp(prefix="legalcase-uno-"))
        self.port, uno_port = _free_port(), _free_port()
        site = str(Path(unoserver.__file__).resolve().parent.parent)
        code = (
            "import sys; sys.path.append(sys.argv.pop(1)); "
            "from unoserver.server import main; sys.exit(main())"
        )
        cmd = [uno_python(), "-c", code, site]
        cmd += ["--interface", "127.0.0.1", "--port", str(self.port)]
        cmd += ["--uno-interface", "127.0.0.1", "--uno-port", str(uno_port)]
        cmd += ["--executable", self.soffice]
        cmd += ["--user-installation", str(self.workdir / "profile")]
        cmd += ["--libreoffice-pid-file", str(self.workdir / "soffice.pid")]
        cmd += ["--conversion-timeout", str(CONVERSION_SECONDS), "--quiet"]
        log = open(self.workdir / "unoserver.log", "wb")  # noqa: SIM115 - the child keeps it
        self.proc = subprocess.Popen(
            cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.starts += 1
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                self._proxy(timeout=5).info()
                return
            except OSError:
                time.sleep(0.3)
        tail = (self.workdir / "unoserver.log").read_text(errors="replace")[-500:]
        self.stop()
        raise WarmUnavailable(f"LibreOffice（unoserver）未能启动：{tail}")

    def stop(self) -> None:
        """Stop unoserver and its LibreOffice: they run in a process group of their own,
        which is killed whole (a LibreOffice left behind by a dead unoserver too)."""
        if self.proc is not None:
            if self.proc.poll() is None:
                try:
                    os.killpg(self.proc.pid, signal.SIGTERM)
                    self.proc.wait(15)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    pass
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL is not refused
                pass
            self.proc = None
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def _proxy(self, timeout: float):
        from xmlrpc.client import ServerProxy, Transport

        class _Timed(Transport):
            def make_connection(self, host):
                conn = super().make_connection(host)
                conn.timeout = timeout
                return conn

        return ServerProxy(f"http://127.0.0.1:{self.port}", transport=_Timed(), allow_none=True)

    # -- converting -----------------------------------------------------------------

    def _convert_once(self, source: Path, target: Path) -> None:
        proxy = self._proxy(timeout=CONVERSION_SECONDS + 30)
        # unoserver API 3: convert(inpath, indata, outpath, convert_to, filtername,
        # filter_options, update_index, infiltername, password)
        proxy.convert(str(source.resolve()), None, str(target.resolve()), "pdf", None, [], True)
        if not target.exists() or target.stat().st_size == 0:
            raise OSError(f"no PDF written for {source.name}")

    def convert(self, source: Path, target: Path) -> None:
        """``source`` (DOCX) to ``target`` (PDF); a dead LibreOffice is restarted and the
        document converted again once. Raises WarmUnavailable when it cannot start."""
        from xmlrpc.client import Fault, ProtocolError

        with self.lock:
            if not self.alive():
                self.start()
            try:
                self._convert_once(source, target)
            except (OSError, Fault, ProtocolError):
                # LibreOffice died under us (or the server with it): start afresh, once
                self.start()
                self._convert_once(source, target)


_office: WarmOffice | None = None
_office_pid = 0
_guard = threading.Lock()


def office(soffice: str) -> WarmOffice:
    """This process's warm LibreOffice (a forked worker gets its own)."""
    global _office, _office_pid
    with _guard:
        if _office is None or _office_pid != os.getpid():
            _office, _office_pid = WarmOffice(soffice), os.getpid()
            atexit.register(_office.stop)
        return _office


def shutdown() -> None:
    """Stop this process's warm LibreOffice (tests, worker shutdown)."""
    if _office is not None and _office_pid == os.getpid():
        _office.stop()

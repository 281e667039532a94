"""`fkort` commands for the tests, each in a child forked from one process that has already
imported every subcommand (tests/conftest.py's `run_fkort`).

A fresh `python -m fkort crawl` spends most of a short crawl's CPU time importing Scrapy, the
normalisers and the rest; the suite runs hundreds of them. A child forked from a warm process
skips that and then runs exactly what `python -m fkort ARGS` runs (`fkort/__main__.py`, as
`__main__`), in a process of its own, with the arguments, environment and working folder the
test gave, its standard input empty and its output in files: the test sees the same exit code,
stdout and stderr. What is imported here must read nothing from the environment at import time
(the settings are read when a command runs; `crawlers.settings.*`, which read FKORT_CHROMIUM,
are never imported here). Python's `random` is re-seeded in each child (by `random` itself).

The protocol, one JSON line a request on the server's stdin: {argv, env, cwd, stdout, stderr};
the server answers the child's pid, then its exit code (as `subprocess` gives it), one line
each. One command at a time: a second command asked for while one runs (a test's own threads)
gets a plain child process instead.
"""

from __future__ import annotations

import gc
import io
import json
import locale
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
from importlib import import_module
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


class ForkServer:
    """The client side: starts the warm process on first use, and runs commands through it."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()
        self._replies = b""
        self._tmp = tempfile.TemporaryDirectory(prefix="fkort-forkserver-")

    def _server(self) -> subprocess.Popen[str]:
        if self._proc is None or self._proc.poll() is not None:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "tests.forkserver"], cwd=REPO, text=True,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            self._replies = b""
        return self._proc

    def _line(self, fd: int, timeout: float | None) -> str | None:
        """The server's next line, or None when none came within `timeout` seconds."""
        while b"\n" not in self._replies:
            if timeout is not None and not select.select([fd], [], [], max(timeout, 0))[0]:
                return None
            chunk = os.read(fd, 4096)
            if not chunk:
                raise RuntimeError("the fkort fork server died")
            self._replies += chunk
        line, _, self._replies = self._replies.partition(b"\n")
        return line.decode()

    def run(self, argv: list[str], env: dict[str, str], cwd: Path, timeout: float | None
            ) -> subprocess.CompletedProcess[str]:
        """As `subprocess.run([python, -m, fkort, *argv], capture_output=True, text=True,
        env=env, cwd=cwd, timeout=timeout)`."""
        if not self._lock.acquire(blocking=False):
            return subprocess.run([sys.executable, "-m", "fkort", *argv], capture_output=True,
                                  text=True, env=env, timeout=timeout, cwd=cwd)
        try:
            return self._run(argv, env, cwd, timeout)
        finally:
            self._lock.release()

    def _run(self, argv: list[str], env: dict[str, str], cwd: Path, timeout: float | None
             ) -> subprocess.CompletedProcess[str]:
        server = self._server()
        assert server.stdin is not None and server.stdout is not None
        fd_out, out = tempfile.mkstemp(dir=self._tmp.name)
        fd_err, err = tempfile.mkstemp(dir=self._tmp.name)
        os.close(fd_out)
        os.close(fd_err)
        try:
            server.stdin.write(json.dumps({"argv": argv, "env": env, "cwd": str(cwd),
                                           "stdout": out, "stderr": err}) + "\n")
            server.stdin.flush()
            replies = server.stdout.fileno()
            pid = int(self._line(replies, None) or 0)
            code = self._line(replies, timeout)
            if code is None:  # as subprocess.run: kill the child, then say it timed out
                # Its whole process group: a `fkort serve` child has worker processes that
                # would otherwise live on, orphaned, after the test.
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    os.kill(pid, signal.SIGKILL)
                self._line(replies, None)
                raise subprocess.TimeoutExpired([sys.executable, "-m", "fkort", *argv],
                                                timeout or 0, _read(out), _read(err))
            return subprocess.CompletedProcess([sys.executable, "-m", "fkort", *argv],
                                               int(code), _read(out), _read(err))
        finally:
            os.unlink(out)
            os.unlink(err)

    def close(self) -> None:
        if self._proc is not None and self._proc.stdin is not None:
            self._proc.stdin.close()
            self._proc.wait(timeout=30)
        self._tmp.cleanup()


def _read(path: str) -> str:
    # As subprocess's text mode: the locale's encoding, universal newlines.
    with open(path, encoding=locale.getpreferredencoding(False)) as f:
        return f.read()


#: What a crawl imports only once it runs (Scrapy's components, ours named in the settings).
#: Never the reactor: the crawl installs the one its settings ask for.
CRAWL_TIME = (
    "crawlers.extensions", "crawlers.httpcache", "crawlers.logformatter", "crawlers.middlewares",
    "crawlers.pipelines", "crawlers.politeness", "protego", "queuelib", "tldextract",
    "scrapy.downloadermiddlewares.cookies", "scrapy.downloadermiddlewares.defaultheaders",
    "scrapy.downloadermiddlewares.downloadtimeout", "scrapy.downloadermiddlewares.httpauth",
    "scrapy.downloadermiddlewares.httpcache", "scrapy.downloadermiddlewares.httpcompression",
    "scrapy.downloadermiddlewares.httpproxy", "scrapy.downloadermiddlewares.offsite",
    "scrapy.downloadermiddlewares.redirect", "scrapy.downloadermiddlewares.retry",
    "scrapy.downloadermiddlewares.robotstxt", "scrapy.downloadermiddlewares.stats",
    "scrapy.downloadermiddlewares.useragent", "scrapy.dupefilters", "scrapy.extensions.closespider",
    "scrapy.extensions.corestats", "scrapy.extensions.feedexport", "scrapy.extensions.httpcache",
    "scrapy.extensions.logstats", "scrapy.extensions.memdebug", "scrapy.extensions.memusage",
    "scrapy.extensions.spiderstate", "scrapy.extensions.telnet", "scrapy.extensions.throttle",
    "scrapy.core.downloader.handlers.datauri", "scrapy.core.downloader.handlers.file",
    "scrapy.core.downloader.handlers.ftp", "scrapy.core.downloader.handlers.s3",
    "scrapy.pqueues", "scrapy.robotstxt", "scrapy.spidermiddlewares.depth",
    "scrapy.spidermiddlewares.referer", "scrapy.spidermiddlewares.urllength",
    "scrapy.squeues", "scrapy.statscollectors", "scrapy.logformatter",
)


def serve() -> dict[str, Any] | None:
    """The server's loop: returns a request in the forked child, None in the server at EOF."""
    from fkort import cli

    for name in (*[f"fkort.commands.{c}" for c in cli.COMMANDS], *CRAWL_TIME):
        import_module(name)
    # Read at import time from the environment: each child must import them itself.
    assert not [m for m in sys.modules if m.startswith("crawlers.settings")]
    # Objects of the warm process stay out of the children's garbage collections: they are
    # never freed there, and leaving them be keeps their memory shared (no copy on write).
    gc.freeze()
    requests = io.TextIOWrapper(os.fdopen(os.dup(0), "rb", buffering=0), encoding="utf-8")
    replies = sys.stdout
    while line := requests.readline():
        request: dict[str, Any] = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            os.setpgid(0, 0)  # a group of its own, killed whole on a timeout
            requests.close()
            return request
        try:
            os.setpgid(pid, pid)  # also here: the group exists before the pid is answered
        except (PermissionError, ProcessLookupError):  # the child did it first, or is gone
            pass
        print(pid, file=replies, flush=True)
        _, status = os.waitpid(pid, 0)
        print(os.waitstatus_to_exitcode(status), file=replies, flush=True)
    return None


def become(request: dict[str, Any]) -> None:
    """In the child: take the test's folder, environment and files, then run `python -m
    fkort ARGS`'s own code."""
    import runpy

    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
        f = os.open(path, os.O_WRONLY | os.O_TRUNC)
        os.dup2(f, fd)
        os.close(f)
    sys.stdin = io.TextIOWrapper(open(0, "rb", closefd=False))  # noqa: SIM115
    sys.argv = ["-m", *request["argv"]]
    runpy.run_module("fkort", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    request = serve()
    if request is not None:
        become(request)

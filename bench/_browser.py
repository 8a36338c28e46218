"""Just enough of a real browser for the benchmarks: headless Chromium over the DevTools
protocol (on a pipe, no extra packages), and a local HTTP server for a built site.

>>> with serve(site) as url, Browser() as b:
...     requests = b.open(url)                  # every request the page made while loading
...     b.evaluate("document.title")

``find_chromium()`` returns None when no Chromium is installed; callers then fall back.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterator


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 (a free port) while the block runs; yields the base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class Browser:
    """Headless Chromium driven over ``--remote-debugging-pipe`` (fd 3: commands, fd 4: events)."""

    def __init__(self, chromium: str | None = None) -> None:
        self.chromium = chromium or find_chromium()
        if self.chromium is None:
            raise RuntimeError("no Chromium found")

    def __enter__(self) -> Browser:
        self.profile = tempfile.mkdtemp(prefix="bench-chromium-")
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        # Chromium reads commands on fd 3 and writes on fd 4
        def child_fds() -> None:
            os.dup2(to_chrome_r, 3)
            os.dup2(from_chrome_w, 4)

        self.proc = subprocess.Popen(
            [self.chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--metrics-recording-only",
             f"--user-data-dir={self.profile}", "--remote-debugging-pipe", "about:blank"],
            preexec_fn=child_fds, close_fds=False,  # (close_fds would close 3 and 4 after preexec_fn)
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf = b""
        self._id = 0
        self.events: list[dict] = []
        targets = self.call("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.call("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]
        self.call("Network.enable", session=True)
        self.call("Network.setCacheDisabled", cacheDisabled=True, session=True)
        self.call("Page.enable", session=True)
        self.call("Runtime.enable", session=True)
        return self

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(Exception):
            self.call("Browser.close")
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_chrome)
        os.close(self._from_chrome)
        shutil.rmtree(self.profile, ignore_errors=True)

    # --- the protocol --------------------------------------------------------------------------

    def _read(self, timeout: float) -> dict | None:
        import select

        while b"\0" not in self._buf:
            ready, _, _ = select.select([self._from_chrome], [], [], timeout)
            if not ready:
                return None
            chunk = os.read(self._from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium exited")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, session: bool = False, **params) -> dict:
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        os.write(self._to_chrome, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            reply = self._read(deadline - time.monotonic())
            if reply is None:
                break
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)
        raise RuntimeError(f"{method}: no reply")

    def pump(self, seconds: float) -> None:
        """Collect events for ``seconds``."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            event = self._read(left)
            if event is not None:
                self.events.append(event)

    # --- what the benchmarks need ----------------------------------------------------------------

    def requests(self) -> list[str]:
        """URLs of every request made so far (in order, each once)."""
        return list(self.request_types())

    def request_types(self) -> dict[str, str]:
        """URL -> resource type (Document, Stylesheet, Script, Image, XHR, Other...) of every request so far."""
        seen: dict[str, str] = {}
        for e in self.events:
            if e.get("method") == "Network.requestWillBeSent":
                seen.setdefault(e["params"]["request"]["url"], e["params"].get("type", "Other"))
        return seen

    def open(self, url: str, settle: float = 3.0) -> list[str]:
        """Load ``url``, wait until it and what its scripts fetch have settled; the requests made."""
        self.events.clear()
        self.call("Page.navigate", url=url, session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            self.pump(0.2)
        self.pump(settle)
        return self.requests()

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True,
                           session=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

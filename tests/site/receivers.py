"""Real message receivers on 127.0.0.1 for the notification tests: an SMTP server (aiosmtpd)
that records every message it accepts, and an HTTP server that records every JSON webhook.

>>> with smtp_server() as smtp, webhook_server() as hooks:
...     url = f"mailto://127.0.0.1:{smtp.port}?mode=insecure&from=status@example.org&to=list@example.org"
...     ...
...     smtp.messages[0]["Subject"], hooks.received("/public")[0]["title"]

Either can be told to refuse (``smtp.refuse = True``; ``hooks.status["/path"] = 500``): the
refused message is not recorded as received, only counted as attempted.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class SMTPRecorder:
    port: int = 0
    messages: list[email.message.EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse: bool = False
    attempts: int = 0

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook
        self.attempts += 1
        if self.refuse:
            return "554 5.7.1 refused by the test server"
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"


@contextlib.contextmanager
def smtp_server() -> Iterator[SMTPRecorder]:
    from aiosmtpd.controller import Controller

    recorder = SMTPRecorder(port=_free_port())
    controller = Controller(recorder, hostname="127.0.0.1", port=recorder.port)
    controller.start()
    try:
        yield recorder
    finally:
        controller.stop()


@dataclass
class WebhookRecorder:
    port: int = 0
    requests: list[tuple[str, dict]] = field(default_factory=list)
    """(path, JSON body) of every accepted request."""
    status: dict[str, int] = field(default_factory=dict)
    """path -> the status to answer (default 200)."""
    attempts: list[str] = field(default_factory=list)
    refuse_title: str | None = None
    """Answer 500 to any request whose JSON ``title`` contains this."""

    def received(self, path: str) -> list[dict]:
        return [body for p, body in self.requests if p == path]


@contextlib.contextmanager
def webhook_server() -> Iterator[WebhookRecorder]:
    recorder = WebhookRecorder()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            recorder.attempts.append(self.path)
            code = recorder.status.get(self.path, 200)
            if recorder.refuse_title and recorder.refuse_title in json.loads(body).get("title", ""):
                code = 500
            if code == 200:
                recorder.requests.append((self.path, json.loads(body)))
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    recorder.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()

"""Real local receivers for alert deliveries: a webhook server that checks the HMAC signature,
and an SMTP server (aiosmtpd). Both listen on 127.0.0.1 and record what arrived, with the time.

``WebhookReceiver.stop()`` / ``start()`` keep the same port, so a test can take a receiver down
during one run and bring it back for the next.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from crawler.alerts.notifiers.webhook import SIGNATURE_HEADER, verify_signature


@dataclass
class Received:
    body: dict[str, Any]
    headers: dict[str, str]
    verified: bool
    at: float
    path: str


@dataclass
class WebhookReceiver:
    secret: bytes = b""
    status: int = 200
    """The status the receiver answers with (500 simulates a broken receiver)."""
    received: list[Received] = field(default_factory=list)
    port: int = 0
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                verified = verify_signature(receiver.secret, raw,
                                            self.headers.get(SIGNATURE_HEADER))
                receiver.received.append(Received(json.loads(raw), dict(self.headers), verified,
                                                  time.time(), self.path))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def alerts(self) -> list[dict[str, Any]]:
        """Every alert received, across single and digest messages (tests are not run here)."""
        return [alert for r in self.received for alert in r.body.get("alerts", [])]


class _Collect:
    def __init__(self, sink: list[Message]) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.sink.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


class SmtpReceiver:
    """aiosmtpd on a free loopback port, collecting each message."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self._controller = Controller(_Collect(self.messages), hostname="127.0.0.1",
                                      port=self.port)

    def start(self) -> SmtpReceiver:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Message]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages

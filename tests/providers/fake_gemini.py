"""A local stand-in for the Gemini ``:generateContent`` endpoint, on 127.0.0.1, answering from a script."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


@dataclass(frozen=True)
class Reply:
    """One scripted answer: HTTP status, raw body, and how long to wait before sending it."""

    status: int = 200
    body: bytes = b""
    delay_s: float = 0.0
    content_type: str = "application/json; charset=UTF-8"


def text_reply(text: str, *, model: str = "gemini-2.5-flash") -> Reply:
    """HTTP 200 shaped like the real API, with ``text`` as the first candidate's first part."""
    payload = {
        "candidates": [
            {"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": "STOP", "index": 0}
        ],
        "usageMetadata": {"promptTokenCount": 42, "candidatesTokenCount": 17, "totalTokenCount": 59},
        "modelVersion": model,
        "responseId": "fake-response-id",
    }
    return Reply(200, json.dumps(payload, ensure_ascii=False).encode())


def items_reply(items: list[dict[str, Any]], **kw: Any) -> Reply:
    return text_reply(json.dumps({"items": items}, ensure_ascii=False), **kw)


def error_reply(status: int, message: str = "fake error") -> Reply:
    body = {"error": {"code": status, "message": message, "status": _STATUS_NAMES.get(status, "UNKNOWN")}}
    return Reply(status, json.dumps(body).encode())


def hang_reply(delay_s: float) -> Reply:
    """Answers (well) after the client should have given up."""
    return Reply(200, text_reply('{"items": []}').body, delay_s=delay_s)


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeGemini:
    """Serves ``script`` in order, one reply per request; an unscripted request gets a 500."""

    server: ThreadingHTTPServer
    script: list[Reply] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def then(self, *replies: Reply) -> FakeGemini:
        with self.lock:
            self.script.extend(replies)
        return self

    def next_reply(self, rec: Recorded) -> Reply:
        with self.lock:
            self.requests.append(rec)
            return self.script.pop(0) if self.script else error_reply(500, "unscripted request")

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


def start_fake_gemini() -> FakeGemini:
    fake: FakeGemini

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server naming)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                body: Any = json.loads(raw) if raw else None
            except ValueError:
                body = raw
            rec = Recorded("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            reply = fake.next_reply(rec)
            if reply.delay_s and fake.stop.wait(reply.delay_s):
                return
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client timed out and went away, as the test intended

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake = FakeGemini(server)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-gemini", daemon=True
    ).start()
    return fake

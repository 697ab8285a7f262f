"""A fake OpenAI-compatible chat server on 127.0.0.1, run inside the test process.

    def handler(request: dict) -> str | dict | Reply:
        return '{"criteria": []}'          # the assistant message content

    with FakeLLM(handler) as server:
        llm = LLMConfig(model="openai/judge", api_base=server.base_url, timeout_s=2)
        ...
        server.requests                    # every JSON body received

The handler may return a string (message content), a dict (a whole response body), a Reply
(status code and body), sleep (to make the client time out), or raise (a 500 reply).
`dead_base_url()` gives an address where nothing listens.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int
    body: Any


def chat_response(content: str, model: str = "judge") -> dict:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


class FakeLLM:
    def __init__(self, handler: Callable[[dict], Any]) -> None:
        self.handler = handler
        self.requests: list[dict] = []
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                self._send(200, {"object": "list", "data": [{"id": "judge", "object": "model"}]})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    body = {"_raw": raw.decode("utf-8", "replace")}
                outer.requests.append(body)
                try:
                    result = outer.handler(body)
                except Exception as exc:  # noqa: BLE001 - any handler failure is a 500
                    self._send(500, {"error": {"message": str(exc), "type": "server_error"}})
                    return
                if isinstance(result, Reply):
                    self._send(result.status, result.body)
                elif isinstance(result, dict):
                    self._send(200, result)
                else:
                    self._send(200, chat_response(str(result), body.get("model", "judge")))

            def _send(self, status: int, payload: Any) -> None:
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a time-out test)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> FakeLLM:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def dead_base_url() -> str:
    """An address on 127.0.0.1 where nothing listens (the port was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"

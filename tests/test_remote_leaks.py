"""``kg push`` and remote queries: no secrets, no terminal escapes, and a real deadline.

Against a real loopback ``http.server`` that echoes the request's credentials, answers
with terminal escape sequences, or dribbles its answer one byte at a time.
"""

from __future__ import annotations

import base64
import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.sparql.remote import RemoteError, push_graph, query_endpoint

NT = b"<http://a/s> <http://a/p> <http://a/o> .\n"
ESCAPES = "\x1b[2J\x1b]0;owned\x07\x1b[31m\u202e"


class _Hostile(http.server.BaseHTTPRequestHandler):
    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        auth = self.headers.get("Authorization", "")
        if self.path.startswith("/dribble"):
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "40")
            self.end_headers()
            for _ in range(40):
                try:
                    self.wfile.write(b"x")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.25)
            return
        decoded = base64.b64decode(auth.removeprefix("Basic ")).decode() if auth else ""
        body = f"boom {ESCAPES} you sent {auth} = {decoded} " + "y" * 5000
        data = body.encode()
        self.send_response(500)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_PUT = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def hostile() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _assert_clean(message: str, *secrets: str) -> None:
    assert "\x1b" not in message and "\x07" not in message and "\u202e" not in message
    assert "\\x1b[2J" in message  # shown, escaped
    for secret in secrets:
        assert secret not in message
    assert len(message) < 800


def test_a_500_body_is_sanitised_cut_and_credentials_masked(
    hostile: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KG_ENDPOINT_USER", "alice")
    monkeypatch.setenv("KG_ENDPOINT_PASSWORD", "s3cret-pw")
    token = base64.b64encode(b"alice:s3cret-pw").decode()
    with pytest.raises(RemoteError) as caught:
        push_graph(f"http://{hostile}/store", NT)
    message = str(caught.value)
    assert "answered 500" in message and "…" in message
    _assert_clean(message, "s3cret-pw", token)


def test_a_password_in_the_url_is_used_never_shown(hostile: str) -> None:
    with pytest.raises(RemoteError) as caught:
        push_graph(f"http://bob:hunter22@{hostile}/store", NT)
    message = str(caught.value)
    assert f"http://***@{hostile}/store" in message
    assert "answered 500" in message  # the credentials were sent (and echoed, masked)
    _assert_clean(message, "hunter22", base64.b64encode(b"bob:hunter22").decode())
    with pytest.raises(RemoteError) as unreachable:
        query_endpoint("http://bob:hunter22@127.0.0.1:9/sparql", "ASK {}", timeout=2)
    assert "hunter22" not in str(unreachable.value)


def test_timeout_is_a_deadline_for_a_dribbling_server(hostile: str) -> None:
    started = time.monotonic()
    with pytest.raises(RemoteError, match="did not answer within 1.5 s"):
        push_graph(f"http://{hostile}/dribble", NT, timeout=1.5)
    assert time.monotonic() - started < 4  # the server would take 10 s


def test_kg_push_prints_a_clean_error(hostile: str, tmp_path: Path) -> None:
    graph = tmp_path / "g.nt"
    graph.write_bytes(NT)
    result = CliRunner().invoke(
        app,
        ["push", "--endpoint", f"http://carol:pa55word@{hostile}/store", "--source", str(graph)],
    )
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    _assert_clean(result.output, "pa55word")

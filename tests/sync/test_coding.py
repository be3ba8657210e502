"""Content codings: what a client asks for is what it gets, and a bad or huge compressed answer is refused."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sync import coding, wire
from sync.client import MAX_PAGE_BYTES, MalformedAnswer, ProtocolError, SyncClient

try:
    from compression import zstd  # type: ignore[import-not-found]
except ImportError:
    from backports import zstd


@pytest.mark.parametrize(("header", "expected"), [
    ("zstd, gzip", "zstd"), ("gzip", "gzip"), ("GZIP, ZSTD", "zstd"), ("zstd;q=0, gzip;q=0.5", "gzip"),
    ("*", "zstd"), ("*, zstd;q=0", "gzip"), ("identity", None), ("", None), ("gzip;q=0", None),
    ("gzip;q=nonsense", None), (b"zstd", "zstd"),
])
def test_the_coding_chosen_for_an_accept_encoding(header: str | bytes, expected: str | None) -> None:
    assert coding.accepted(header) == expected


@pytest.mark.parametrize("name", [coding.ZSTD, coding.GZIP])
def test_what_is_compressed_piece_by_piece_comes_back_whole(name: str) -> None:
    pieces = [f'{{"n":{n},"text":"Enrolment, village {n % 17}"}}'.encode() for n in range(2000)]
    compressor = coding.compressor(name)
    packed = b"".join([compressor.compress(piece) for piece in pieces] + [compressor.flush()])
    assert len(packed) < sum(map(len, pieces)) / 5
    assert coding.decompress(name, packed, 10**7) == b"".join(pieces)
    with pytest.raises(coding.TooLarge):
        coding.decompress(name, packed, 1000)
    with pytest.raises(ValueError, match="cut short"):
        coding.decompress(name, packed[: len(packed) // 2], 10**7)
    with pytest.raises(ValueError, match="not valid"):
        coding.decompress(name, b"<html>portal</html>", 10**7)


class _Hostile(BaseHTTPRequestHandler):
    """A Companion server gone wrong: a page that decompresses without end, or is not what it says."""

    body = b""
    content_coding = "zstd"

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Encoding", self.content_coding)
        self.send_header("Content-Length", str(len(self.body)))
        self.send_header(wire.PROTOCOL_HEADER, str(wire.PROTOCOL_VERSION))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args) -> None:  # noqa: ANN002
        pass


@pytest.fixture
def hostile() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("content_coding", "make_body", "error", "reason"), [
    # A few kilobytes that would become more than the page limit in memory.
    ("zstd", lambda: zstd.compress(b'{"records":["' + b"0" * (MAX_PAGE_BYTES + 10) + b'"]}'), ProtocolError, "decompresses past"),
    ("gzip", lambda: gzip.compress(b'{"records":["' + b"0" * (MAX_PAGE_BYTES + 10) + b'"]}'), ProtocolError, "decompresses past"),
    ("zstd", lambda: b"not zstd at all", MalformedAnswer, "not readable"),
    ("br", lambda: b"\x0b\x02\x80{}\x03", MalformedAnswer, "not readable"),
])
def test_a_page_that_will_not_decompress_is_refused_with_a_reason(hostile: ThreadingHTTPServer, content_coding: str,
                                                                  make_body, error: type, reason: str) -> None:
    body = make_body()
    assert len(body) < MAX_PAGE_BYTES // 100
    handler = type("Handler", (_Hostile,), {"body": body, "content_coding": content_coding})
    hostile.RequestHandlerClass = handler
    client = SyncClient(f"http://127.0.0.1:{hostile.server_address[1]}", token="t")
    with pytest.raises(error, match=reason):
        client.pull_page_dicts("team")
    client.close()

"""HTTP plumbing shared by every endpoint: problem responses and the protocol middleware.

The middleware wraps the whole application so that every response, errors
included, carries ``Companion-Protocol: 1``; it enforces the request body limits
(before reading, from Content-Length, and while reading), decompresses gzip
request bodies within the same limit, and compresses JSON responses for clients
that accept it (zstd or gzip, ``sync.coding``).
"""

from __future__ import annotations

import asyncio
import json
import zlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync import coding, wire
from sync.server.limits import body_limit, refuse_before_reading

PROTOCOL_HEADER = (b"companion-protocol", str(wire.PROTOCOL_VERSION).encode())

TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    410: "Cursor no longer served",
    411: "Length required",
    413: "Request body too large",
    415: "Unsupported media type",
    416: "Range not satisfiable",
    422: "Invalid request",
    429: "Too many failed logins",
    500: "Server error",
}
SLUGS = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    410: "cursor-gone",
    411: "length-required",
    413: "payload-too-large",
    415: "unsupported-media-type",
    416: "range-not-satisfiable",
    422: "validation",
    429: "too-many-requests",
    500: "internal",
}


class ProblemError(Exception):
    """Raised anywhere in a request to answer with an RFC 9457 problem."""

    def __init__(
        self,
        status: int,
        detail: str,
        slug: str | None = None,
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.slug = slug or SLUGS.get(status, "error")
        self.title = title or TITLES.get(status, "Error")
        self.headers = dict(headers or {})
        self.extra = extra


def problem_body(status: int, detail: str, slug: str | None = None, title: str | None = None, **extra: Any) -> bytes:
    body = {
        "type": wire.PROBLEM_TYPE_PREFIX + (slug or SLUGS.get(status, "error")),
        "title": title or TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        **extra,
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def problem_response(error: ProblemError, head_only: bool = False) -> Response:
    body = b"" if head_only else problem_body(error.status, error.detail, error.slug, error.title, **error.extra)
    response = Response(body, status_code=error.status, media_type=wire.PROBLEM_CONTENT_TYPE, headers=error.headers)
    response.headers[wire.PROTOCOL_HEADER] = str(wire.PROTOCOL_VERSION)
    if head_only:
        response.headers["content-length"] = "0"
    return response


class BodyTooLarge(Exception):
    pass


class BadEncoding(Exception):
    pass


class ProtocolMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int, max_blob_bytes: int, compress_min_bytes: int = 512) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_blob_bytes = max_blob_bytes
        self.compress_min_bytes = compress_min_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {name: value for name, value in scope["headers"]}
        is_blob = "/blobs/" in scope["path"]
        limit = body_limit(headers, is_blob, self.max_body_bytes, self.max_blob_bytes)
        head_only = scope["method"] == "HEAD"

        async def refuse(status: int, detail: str, **extra: Any) -> None:
            await problem_response(ProblemError(status, detail, **extra), head_only)(scope, receive, send_with_header)

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _with_protocol(message.get("headers", []))
            await send(message)

        length_text = headers.get(b"content-length")
        if length_text is not None:
            if not length_text.isdigit():
                await refuse(400, "Content-Length is not a number")
                return
            # Thousands of digits would overflow int(): anything past 18 digits is too large anyway.
            too_large = len(length_text) > 18 or int(length_text) > limit
            if too_large and refuse_before_reading(scope["path"], headers):
                await refuse(413, f"the request body has more than {limit} bytes", max_bytes=limit)
                return
        encoding = headers.get(b"content-encoding", b"identity").strip().lower()
        if encoding not in (b"identity", b"", b"gzip") or (encoding == b"gzip" and is_blob):
            await refuse(415, "request bodies may be sent as is or with Content-Encoding: gzip (blobs only as is)")
            return
        if encoding == b"gzip":
            scope = dict(scope)
            scope["headers"] = [(name, value) for name, value in scope["headers"] if name not in (b"content-encoding", b"content-length")]
            receive = _gunzip_receive(receive, limit)
        else:
            receive = _limited_receive(receive, limit)

        answer_coding = coding.accepted(headers.get(b"accept-encoding", b""))
        started: Message | None = None
        response_started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal started, response_started
            if message["type"] == "http.response.start":
                response_started = True
                message["headers"] = _with_protocol(message.get("headers", []))
                content_type = dict(message["headers"]).get(b"content-type", b"")
                has_encoding = any(name == b"content-encoding" for name, _ in message["headers"])
                if answer_coding and not has_encoding and b"json" in content_type:
                    started = message  # hold it: the body decides whether to compress
                    return
                await send(message)
                return
            if message["type"] == "http.response.body" and started is not None:
                start, started = started, None
                body = message.get("body", b"")
                if answer_coding and not message.get("more_body", False) and len(body) >= self.compress_min_bytes:
                    compressor = coding.compressor(answer_coding)
                    body = compressor.compress(body) + compressor.flush()
                    start["headers"] = [
                        (name, value) for name, value in start["headers"] if name != b"content-length"
                    ] + [(b"content-encoding", answer_coding.encode()), (b"content-length", str(len(body)).encode())]
                    message = {**message, "body": body}
                await send(start)
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except BodyTooLarge:
            if not response_started:
                await refuse(413, f"the request body is larger than {limit} bytes", max_bytes=limit)
        except BadEncoding:
            if not response_started:
                await refuse(400, "the request body is not valid gzip")


class HotPaths:
    """Answers the request every sync starts with, and that a "nothing new" sync is all of
    (``GET /api/v1/workspaces`` with a good token), without FastAPI's routing and dependency
    machinery: they took half its time. Anything else, and any doubt (no token, a refused one),
    goes on to the app, which answers it with its precise problem.

    ``at_once()`` says whether the answer may be read on the event loop itself (SQLite with a
    pooled connection free: a tenth of a millisecond, less than the hop to a worker thread and
    back on a busy server); otherwise it is read on a worker thread, as FastAPI would.
    """

    def __init__(self, app: ASGIApp, workspaces_path: str, workspaces_answer: Callable[[str], bytes | None],
                 at_once: Callable[[], bool]) -> None:
        self.app = app
        self.workspaces_path = workspaces_path
        self.workspaces_answer = workspaces_answer
        self.at_once = at_once

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == self.workspaces_path:
            header = next((value for name, value in scope["headers"] if name == b"authorization"), None)
            if header is not None:
                text = header.decode("latin-1")
                if self.at_once():
                    body = self.workspaces_answer(text)
                else:
                    body = await asyncio.get_running_loop().run_in_executor(None, self.workspaces_answer, text)
                if body is not None:
                    await send({"type": "http.response.start", "status": 200, "headers": [
                        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
                    await send({"type": "http.response.body", "body": body})
                    return
        await self.app(scope, receive, send)


def _with_protocol(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    if any(name == PROTOCOL_HEADER[0] for name, _ in headers):
        return list(headers)
    return [*headers, PROTOCOL_HEADER]


def _limited_receive(receive: Receive, limit: int) -> Receive:
    total = 0

    async def wrapped() -> Message:
        nonlocal total
        message = await receive()
        if message["type"] == "http.request":
            total += len(message.get("body", b""))
            if total > limit:
                raise BodyTooLarge()
        return message

    return wrapped


def _gunzip_receive(receive: Receive, limit: int) -> Receive:
    decompressor = zlib.decompressobj(31)
    total = 0

    async def wrapped() -> Message:
        nonlocal total
        message = await receive()
        if message["type"] != "http.request":
            return message
        try:
            # max_length bounds the output of each step: a zip bomb stops at the limit.
            data = decompressor.decompress(message.get("body", b""), limit + 1 - total)
            if decompressor.unconsumed_tail:
                raise BodyTooLarge()
            if not message.get("more_body", False):
                data += decompressor.flush()
                if not decompressor.eof:
                    raise BadEncoding()
        except zlib.error:
            raise BadEncoding() from None
        total += len(data)
        if total > limit:
            raise BodyTooLarge()
        return {**message, "body": data}

    return wrapped


# Pull pages are compressed on the worker thread that reads them; with gzip at a level that
# costs a third of level 6's time for about 12% more bytes (docs/sync-protocol.md §3.5).
PAGE_GZIP_LEVEL = 3


def answer_coding(headers: Mapping[str, str]) -> str | None:
    """How to compress an answer to a request with these headers: "zstd", "gzip" or None."""
    return coding.accepted(headers.get("accept-encoding", ""))


def encode_body(parts: Iterable[bytes], answer_coding: str | None, min_bytes: int) -> tuple[bytes, str | None]:
    """Join pieces of a body, compressing them as they come once the body reaches ``min_bytes``.

    Returns (body, the coding used, or None when sent as is). Compressed, only the
    compressed bytes are kept: a page is never held uncompressed in memory.
    """
    pending: list[bytes] = []
    pending_size = 0
    compressor = None
    out: list[bytes] = []
    for part in parts:
        if compressor is None:
            pending.append(part)
            pending_size += len(part)
            if answer_coding and pending_size >= min_bytes:
                compressor = coding.compressor(answer_coding, gzip_level=PAGE_GZIP_LEVEL)
                out.append(compressor.compress(b"".join(pending)))
                pending = []
        else:
            out.append(compressor.compress(part))
    if compressor is None:
        return b"".join(pending), None
    out.append(compressor.flush())
    return b"".join(out), answer_coding

"""A small client of sync protocol version 1 (requests-based, no Qt).

It speaks the wire format and nothing more: sign in, pull pages with the cursor,
push changes, check the digest, and move blobs with resumable transfers. The
desktop app's sync engine (local database, pending edits) builds on it; the
server's tests and benchmark use it as is.
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
import urllib3
from requests.structures import CaseInsensitiveDict

from sync import coding, wire

GZIP_REQUEST_MIN_BYTES = 1024
# The most a pull page may inflate to here (a server from before the page byte cap sends up
# to 1000 records of 256 KiB); a compression bomb from a hostile server stops there.
MAX_PAGE_BYTES = 300 * 1024 * 1024
# How long a pull leaves the interpreter to its page-fetching thread before parsing (see _fetch_soon).
REQUEST_SEND_GRACE_S = 0.001
DEFAULT_CHUNK_BYTES = 1024 * 1024
# Downloads are written in small pieces: bytes read before a cut are kept in the .part file
# (a 64 KiB read that a 2G link cuts half-way would lose all of it, every time).
DOWNLOAD_CHUNK_BYTES = 8 * 1024


class ProtocolError(RuntimeError):
    """An answer the protocol does not allow: most often not from a Companion server at all (a
    captive portal, a proxy's error page, ...); see the subclasses for the other cases."""


class MalformedAnswer(ProtocolError):
    """A Companion server answered, but not in the protocol's shape (a server bug, not the network)."""


class VersionMismatch(ProtocolError):
    """A Companion server answered, but speaks another protocol version."""

    def __init__(self, message: str, server_version: int) -> None:
        super().__init__(message)
        self.server_version = server_version


class ProblemError(RuntimeError):
    """The server answered with an RFC 9457 problem."""

    def __init__(self, status: int, problem: Mapping[str, Any], headers: Mapping[str, str]) -> None:
        self.status = status
        self.problem = dict(problem)
        self.headers = dict(headers)
        super().__init__(f"{status} {self.problem.get('title', '')}: {self.problem.get('detail', '')}")

    @property
    def type(self) -> str:
        return str(self.problem.get("type", ""))

    @property
    def retry_after(self) -> int | None:
        value = self.headers.get("Retry-After") or self.headers.get("retry-after")
        return int(value) if value and value.isdigit() else None

    @property
    def upload_offset(self) -> int | None:
        value = self.headers.get("Upload-Offset") or self.headers.get("upload-offset")
        return int(value) if value and value.isdigit() else None


class BlobHashMismatch(RuntimeError):
    pass


def _raise_if_cut(response: requests.Response) -> None:
    """Raise ConnectionError when the answer's head or body was cut short.

    A connection dropped in the middle of the headers leaves a response whose later headers
    (``Companion-Protocol`` among them) are simply missing: that is a cut to retry, not a
    captive portal. http.client notes the unfinished header block as a defect; a body cut
    short fails to read.
    """
    original = getattr(getattr(response, "raw", None), "_original_response", None)
    defects = getattr(getattr(original, "msg", None), "defects", None)
    if defects:
        response.close()
        raise requests.ConnectionError(f"the answer's headers were cut short ({defects[0].__class__.__name__})")
    try:
        _ = response.content  # small for a portal's page; reading it shows whether the body was cut
    except (requests.exceptions.ChunkedEncodingError, requests.ConnectionError) as error:
        raise requests.ConnectionError(f"the answer was cut short: {error}") from error


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


_gc_lock = threading.Lock()
_gc_pauses = 0


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Parsing a page makes tens of thousands of dicts at once, none of them cyclic: without a
    pause the garbage collector walks the whole heap several times meanwhile (a third of the
    parse time in a laptop-sized process). Nested and concurrent pauses are counted."""
    global _gc_pauses
    with _gc_lock:
        if _gc_pauses == 0 and not gc.isenabled():
            _gc_pauses = -1_000_000  # someone else turned it off: leave it alone
        _gc_pauses += 1
        if _gc_pauses == 1:
            gc.disable()
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0:
                gc.enable()
            elif _gc_pauses == -1_000_000:
                _gc_pauses = 0


def _page_dicts(body: bytes, workspace: str) -> wire.ChangesPageDict:
    """A pulled page as plain dicts. Parsed by the standard library (a third of the time pydantic
    takes, the largest cost of a first sync); its shape is checked here, and each record's fields
    by the replica that stores it (``check_record``), so nothing malformed is stored."""
    try:
        with _collector_paused():
            page = wire.json_loads(body)
    except (ValueError, RecursionError) as error:
        raise MalformedAnswer(f"a page of {workspace} is not valid JSON: {str(error)[:200]}") from None
    if not (isinstance(page, dict) and isinstance(page.get("records"), list)
            and type(page.get("next_since")) is int and type(page.get("has_more")) is bool):
        raise MalformedAnswer(f"a page of {workspace} is not a page of records (records, next_since, has_more)")
    for record in page["records"]:
        if not (isinstance(record, dict) and type(record.get("id")) is str and type(record.get("type")) is str
                and isinstance(record.get("fields"), dict)):
            raise MalformedAnswer(f"a page of {workspace} holds something that is not a record (id, type, fields)")
    return page


class _PageBody:
    """A pulled page's bytes; the parser fills in its cursor."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.next_since = 0
        self.has_more = False

    def parsed(self, next_since: int, has_more: bool) -> None:
        self.next_since, self.has_more = next_since, has_more


class SyncClient:
    def __init__(self, base_url: str, token: str | None = None, timeout: float = 60.0,
                 session: requests.Session | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.session = session or requests.Session()
        # Lean headers: the "nothing new" sync must fit in 600 bytes on the wire.
        self.session.headers = CaseInsensitiveDict({"User-Agent": "companion", "Accept-Encoding": coding.ACCEPT_ENCODING})
        # The environment (proxies, CA bundle) is read once here, not on every request: requests
        # would otherwise scan os.environ twice and stat ~/.netrc per call, a third of the time of
        # a "nothing new" sync on loopback. The one connection is kept alive and reused.
        if self.session.trust_env:
            self.session.proxies.update(requests.utils.get_environ_proxies(self.base_url))
            bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
            if bundle and self.session.verify is True:
                self.session.verify = bundle
            self.session.trust_env = False

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> "SyncClient":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- plumbing ---------------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return f"{self.base_url}{wire.API_PREFIX}{path}"

    def request(self, method: str, path: str, *, body: Any = None, data: bytes | None = None,
                headers: Mapping[str, str] | None = None, params: Mapping[str, Any] | None = None,
                stream: bool = False, expect: Sequence[int] = (200,)) -> requests.Response:
        sent = dict(headers or {})
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        if body is not None:
            data = json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")
            sent["Content-Type"] = "application/json"
            if len(data) >= GZIP_REQUEST_MIN_BYTES:
                data = gzip.compress(data, compresslevel=6)
                sent["Content-Encoding"] = "gzip"
        response = self._send(method, self.url(path), data, sent, params, stream)
        announced = response.headers.get(wire.PROTOCOL_HEADER)
        if announced != str(wire.PROTOCOL_VERSION):
            _raise_if_cut(response)  # a connection cut inside the headers is a cut, not a portal
            response.close()
            if announced is not None and announced.strip().isdigit():
                raise VersionMismatch(
                    f"{method} {path}: the server speaks protocol {announced.strip()}, this app {wire.PROTOCOL_VERSION}",
                    int(announced.strip()),
                )
            raise ProtocolError(
                f"{method} {path}: the answer ({response.status_code}) lacks '{wire.PROTOCOL_HEADER}: "
                f"{wire.PROTOCOL_VERSION}': not a Companion server (captive portal or proxy?)"
            )
        if response.status_code not in expect:
            try:
                problem = response.json() if method != "HEAD" else {}
            except ValueError:
                problem = {"detail": response.text[:200]}
            finally:
                response.close()
            raise ProblemError(response.status_code, problem if isinstance(problem, dict) else {}, response.headers)
        return response

    def _send(self, method: str, url: str, data: bytes | None, headers: dict[str, str],
              params: Mapping[str, Any] | None, stream: bool) -> requests.Response:
        """One request, straight to the connection's adapter. Session.request would merge settings,
        cookies and hooks this client never uses: a sixth of a "nothing new" sync. A redirect (a
        proxy sending http:// on to https://) goes through the session, which follows it, and so
        does everything when the session given is one of a kind (its own send)."""
        def through_the_session() -> requests.Response:
            return self.session.request(method, url, data=data, headers=headers, params=params, timeout=self.timeout,
                                        stream=stream)

        if type(self.session).send is not requests.Session.send:
            return through_the_session()
        prepared = requests.PreparedRequest()
        prepared.prepare(method=method, url=url, headers={**self.session.headers, **headers}, data=data, params=params)
        adapter = self.session.get_adapter(prepared.url)
        # A CA bundle path means a stat per request in requests; it only matters for https.
        verify = self.session.verify if url.startswith("https:") else True
        response = adapter.send(prepared, stream=stream, timeout=self.timeout, verify=verify,
                                proxies=self.session.proxies, cert=self.session.cert)
        if response.is_redirect:
            response.close()
            return through_the_session()
        if not stream:
            response.content  # noqa: B018 - read it all now, as Session.send does, and free the connection
        return response

    # -- the API ----------------------------------------------------------------------------------

    def status(self) -> wire.Status:
        return wire.Status.model_validate_json(self.request("GET", "/status").content)

    def sign_in(self, username: str, password: str, device_name: str = "") -> wire.TokenResponse:
        body = {"username": username, "password": password, "device_name": device_name}
        response = wire.TokenResponse.model_validate_json(self.request("POST", "/auth/token", body=body, expect=(201,)).content)
        self.token = response.token
        return response

    def sign_out(self) -> None:
        self.request("DELETE", "/auth/token", expect=(204,))
        self.token = None

    def workspaces(self) -> list[wire.WorkspaceInfo]:
        return [wire.WorkspaceInfo.model_validate(item) for item in self.request("GET", "/workspaces").json()]

    def pull_page(self, workspace: str, since: int = 0, limit: int = 1000) -> wire.ChangesPage:
        body = self._fetch_page(workspace, since, limit)[0]
        with _collector_paused():
            return wire.ChangesPage.model_validate_json(body)

    def _fetch_page(self, workspace: str, since: int, limit: int) -> tuple[bytes, int | None, bool | None]:
        """A page's body, and its cursor from the headers when the server sends them."""
        response = self.request("GET", f"/workspaces/{workspace}/changes", params={"since": since, "limit": limit},
                                stream=True)
        with response:
            # Read the compressed body at once and inflate it in one call: requests would do it
            # 10 KB at a time, a third of the client's time on a first sync.
            try:
                raw = response.raw.read(decode_content=False)
            except (urllib3.exceptions.HTTPError, OSError) as error:
                # Read past requests: a cut here must look like any other broken connection.
                raise requests.exceptions.ChunkedEncodingError(f"the page was cut: {error}") from error
            content_coding = response.headers.get("Content-Encoding", "").strip().lower()
            if content_coding in ("", "identity"):
                body = raw
            else:
                try:
                    body = coding.decompress(content_coding, raw, MAX_PAGE_BYTES)
                except coding.TooLarge:
                    raise ProtocolError(f"a page of {workspace} decompresses past {MAX_PAGE_BYTES} bytes: refused") from None
                except ValueError as error:
                    raise MalformedAnswer(f"a page of {workspace} is not readable ({content_coding}): {error}") from None
        next_since = response.headers.get(wire.NEXT_SINCE_HEADER, "")
        has_more = response.headers.get(wire.HAS_MORE_HEADER)
        return (body, int(next_since) if next_since.isdigit() and len(next_since) < 19 else None,
                None if has_more is None else has_more == "1")

    def pull(self, workspace: str, since: int = 0, limit: int = 1000) -> Iterator[wire.ChangesPage]:
        """Every page after ``since``; store each page and its ``next_since`` together before asking for more.

        The next page is fetched on a helper thread while the caller parses and
        stores this one (the server names the next cursor in a header), so the
        network, the server and the laptop work at the same time. Pages still
        come in order, and a cut costs at most the page in flight.
        """
        for content in self._prefetched_pages(workspace, since, limit):
            with _collector_paused():
                page = wire.ChangesPage.model_validate_json(content.body)
            content.parsed(page.next_since, page.has_more)
            yield page

    def pull_dicts(self, workspace: str, since: int = 0, limit: int = 1000) -> Iterator[wire.ChangesPageDict]:
        """As ``pull``, with each page as plain dicts (``wire.ChangesPageDict``): the fast way to store records."""
        for content in self._prefetched_pages(workspace, since, limit):
            page = _page_dicts(content.body, workspace)
            content.parsed(page["next_since"], page["has_more"])
            yield page

    def pull_page_dicts(self, workspace: str, since: int = 0, limit: int = 1000) -> wire.ChangesPageDict:
        return _page_dicts(self._fetch_page(workspace, since, limit)[0], workspace)

    def _prefetched_pages(self, workspace: str, since: int, limit: int) -> Iterator[_PageBody]:
        fetcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="companion-pull")
        try:
            ahead: Future[tuple[bytes, int | None, bool | None]] | None = self._fetch_soon(fetcher, workspace, since, limit)
            while ahead is not None:
                body, header_since, header_more = ahead.result()
                ahead = None
                if header_more and header_since is not None:
                    ahead = self._fetch_soon(fetcher, workspace, header_since, limit)
                content = _PageBody(body)
                yield content  # the caller parses it and tells us the page's own cursor
                if content.has_more and (ahead is None or header_since != content.next_since):
                    # No usable header (an older server, or a proxy that dropped it): ask after parsing.
                    if ahead is not None:
                        ahead.cancel()
                    ahead = self._fetch_soon(fetcher, workspace, content.next_since, limit)
                elif not content.has_more:
                    if ahead is not None:
                        ahead.cancel()
                    return
        finally:
            fetcher.shutdown(wait=False, cancel_futures=True)

    def _fetch_soon(self, fetcher: ThreadPoolExecutor, workspace: str, since: int, limit: int
                    ) -> Future[tuple[bytes, int | None, bool | None]]:
        """Ask for a page on the helper thread, and return once that thread is under way: parsing
        the current page holds the interpreter for milliseconds, and a request not yet sent by
        then would leave the server idle all that time (the first sync took half as long again)."""
        under_way = threading.Event()

        def fetch() -> tuple[bytes, int | None, bool | None]:
            under_way.set()
            return self._fetch_page(workspace, since, limit)

        ahead = fetcher.submit(fetch)
        under_way.wait(timeout=1.0)  # (normally at once; the timeout only guards a stopped helper)
        # Then a moment with the interpreter free: the helper needs it several times before its
        # request is out (the connection check, the send), and orjson holds it for the whole parse.
        # Without this moment the next page was asked for only after this one was parsed.
        time.sleep(REQUEST_SEND_GRACE_S)
        return ahead

    def push(self, workspace: str, changes: Sequence[Mapping[str, Any] | wire.ChangeIn]) -> wire.PushResponse:
        items = [change.model_dump(exclude_none=True) if isinstance(change, wire.ChangeIn) else change for change in changes]
        response = self.request("POST", f"/workspaces/{workspace}/changes", body={"changes": items})
        return wire.PushResponse.model_validate_json(response.content)

    def digest(self, workspace: str) -> wire.DigestOut:
        return wire.DigestOut.model_validate_json(self.request("GET", f"/workspaces/{workspace}/digest").content)

    # -- blobs ------------------------------------------------------------------------------------

    def blob_state(self, workspace: str, sha256: str) -> tuple[int | None, int | None]:
        """(size if complete, upload offset if partly uploaded)."""
        try:
            response = self.request("HEAD", f"/workspaces/{workspace}/blobs/{sha256}")
        except ProblemError as error:
            if error.status == 404:
                return None, error.upload_offset
            raise
        return int(response.headers["Content-Length"]), None

    def upload_blob(self, workspace: str, path: Path, sha256: str | None = None,
                    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
                    on_progress: Callable[[int, int], None] | None = None) -> wire.BlobStatus:
        """Upload in chunks, resuming from the server's Upload-Offset after a cut.

        ``on_progress(bytes the server holds, size)`` is called before each chunk; it may raise to stop.
        """
        sha256 = sha256 or sha256_file(path)
        size = path.stat().st_size
        complete, offset = self.blob_state(workspace, sha256)
        if complete is not None:
            return wire.BlobStatus(sha256=sha256, complete=True, size=complete)
        offset = offset or 0
        if size == 0:
            response = self.request("PUT", f"/workspaces/{workspace}/blobs/{sha256}", data=b"", expect=(200, 201))
            return wire.BlobStatus.model_validate_json(response.content)
        with path.open("rb") as handle:
            while True:
                if on_progress is not None:
                    on_progress(offset, size)
                handle.seek(offset)
                chunk = handle.read(chunk_bytes)
                last = offset + len(chunk) - 1
                try:
                    response = self.request(
                        "PUT", f"/workspaces/{workspace}/blobs/{sha256}", data=chunk,
                        headers={"Content-Range": f"bytes {offset}-{last}/{size}", "Content-Type": "application/octet-stream"},
                        expect=(200, 201, 202),
                    )
                except ProblemError as error:
                    if error.status == 409 and error.upload_offset is not None:
                        offset = error.upload_offset  # the server has more (or less) than we thought
                        continue
                    raise
                result = wire.BlobStatus.model_validate_json(response.content)
                if result.complete:
                    return result
                offset = result.upload_offset if result.upload_offset is not None else last + 1

    def download_blob(self, workspace: str, sha256: str, destination: Path,
                      on_progress: Callable[[int], None] | None = None) -> Path:
        """Download into ``destination.part``, resuming with Range; verify, then rename atomically.

        ``on_progress(bytes in the .part file)`` is called after each chunk written; it may raise to stop
        (the bytes already written stay in the .part file for the next attempt).
        """
        partial = destination.with_name(destination.name + ".part")
        offset = partial.stat().st_size if partial.exists() else 0
        headers = {"Range": f"bytes={offset}-"} if offset else {}
        try:
            response = self.request("GET", f"/workspaces/{workspace}/blobs/{sha256}", headers=headers,
                                    stream=True, expect=(200, 206))
        except ProblemError as error:
            if error.status != 416:
                raise
            response = None  # the .part already holds every byte: verify it below
        if response is not None:
            with response, partial.open("ab" if response.status_code == 206 else "wb") as handle:
                written = offset if response.status_code == 206 else 0
                for chunk in response.iter_content(DOWNLOAD_CHUNK_BYTES):
                    handle.write(chunk)
                    written += len(chunk)
                    if on_progress is not None:
                        on_progress(written)
                handle.flush()
                os.fsync(handle.fileno())
        actual = sha256_file(partial)
        if actual != sha256:
            partial.unlink()
            raise BlobHashMismatch(f"downloaded bytes hash to {actual}, not {sha256}; discarded")
        os.replace(partial, destination)
        return destination

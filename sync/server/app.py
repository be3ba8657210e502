"""The FastAPI application: every endpoint of sync protocol version 1 (docs/sync-protocol.md).

Build it with ``create_app(settings)``; ``companion-server serve`` runs it under
uvicorn. Endpoints stay thin: they authenticate, check the role, and hand the
work to ``store`` (database) or ``blobs`` (files), off the event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Header, Path, Query, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.responses import Response, StreamingResponse

import companion
from sync import wire
from sync.server import auth, models, operations, store, uploads
from sync.server.blobs import CHUNK, BlobStore, file_sha256, parse_content_range, parse_range
from sync.server.db import Database, now_ms
from sync.server.http import (
    BadEncoding,
    BodyTooLarge,
    HotPaths,
    ProblemError,
    ProtocolMiddleware,
    answer_coding,
    encode_body,
    problem_response,
)
from sync.server.limits import parse_json_off_loop
from sync.server.settings import ServerSettings
from sync.server.throttle import PASSWORD_CHECKS_AT_ONCE, SignInThrottle
from sync.server.upload_lock import exclusive_upload

log = logging.getLogger("companion.server")

SHA256_PARAM = Path(pattern=wire.SHA256_PATTERN, description="the blob's SHA-256, 64 lowercase hex digits")
WORKSPACE_PARAM = Path(max_length=64, description="workspace id: `library`, `personal-<user id>` or a team slug")
JSON_TYPE = "application/json"


class Caller:
    """Who is asking: a user with a token, or nobody (anonymous)."""

    def __init__(self, user: models.User | None = None, token: models.Token | None = None) -> None:
        self.user = user
        self.token = token


def _json(model: BaseModel, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(model.model_dump_json(exclude_none=True).encode(), status_code=status, media_type=JSON_TYPE, headers=headers)


async def read_json(request: Request) -> Any:
    """The request body as JSON, or a 4xx problem (never a 5xx) saying what is wrong. Parsed off the event loop."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and content_type != JSON_TYPE and not content_type.endswith("+json"):
        raise ProblemError(415, f"send the body as {JSON_TYPE}, not {content_type}")
    try:
        body = await request.body()
    except BodyTooLarge:
        raise ProblemError(413, "the request body is too large") from None
    except BadEncoding:
        raise ProblemError(400, "the request body is not valid gzip") from None
    except ClientDisconnect:
        raise ProblemError(400, "the request was cut before its body arrived") from None
    try:
        return await parse_json_off_loop(body)
    except (ValueError, RecursionError) as error:
        raise ProblemError(400, f"the body is not valid JSON: {error}"[:300], slug="invalid-json") from None


def _validation_problem(error: ValidationError | RequestValidationError) -> ProblemError:
    errors = [
        {"loc": [str(part) for part in item.get("loc", ())], "msg": str(item.get("msg", "")), "type": str(item.get("type", ""))}
        for item in error.errors()
    ][:20]
    first = errors[0] if errors else {"loc": [], "msg": "invalid"}
    detail = f"{'.'.join(first['loc']) or 'request'}: {first['msg']}"
    return ProblemError(422, detail, slug="validation", errors=errors)


def create_app(settings: ServerSettings, db: Database | None = None, migrate: bool = True) -> FastAPI:
    db = db or Database(settings.database_url)
    if migrate:
        db.migrate()
    server_id = db.server_id()
    blobs = BlobStore(settings.blobs_dir)
    partial_uploads = uploads.PartialUploads(db, blobs, settings.upload_limits)
    throttle = SignInThrottle(db, settings.login_limits)
    password_checks: asyncio.Semaphore | None = None  # made on the server's event loop, at the first sign-in
    limits = settings.limits
    bearer = HTTPBearer(auto_error=False, description="a token from POST /api/v1/auth/token")
    token_touched: dict[int, float] = {}
    last_used_writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="token-last-used")

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async def sweep_abandoned_uploads() -> None:
            while True:
                try:
                    await run_in_threadpool(partial_uploads.sweep)
                except Exception:  # noqa: BLE001 - a failed sweep is retried next time, the server carries on
                    log.exception("sweeping abandoned uploads failed")
                await asyncio.sleep(settings.upload_limits.sweep_every_s)

        sweeper = asyncio.create_task(sweep_abandoned_uploads())
        try:
            yield
        finally:
            sweeper.cancel()

    app = FastAPI(
        lifespan=lifespan,
        title="openIMIS Companion sync server",
        version=companion.__version__,
        description="Sync protocol version 1: see docs/sync-protocol.md.",
        openapi_url=f"{wire.API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.db = db
    app.state.settings = settings
    app.state.blobs = blobs
    app.state.partial_uploads = partial_uploads
    app.state.throttle = throttle

    # -- errors: every one is application/problem+json -----------------------------------------

    @app.exception_handler(ProblemError)
    async def _problem(request: Request, error: ProblemError) -> Response:
        return problem_response(error, head_only=request.method == "HEAD")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> Response:
        detail = error.detail if isinstance(error.detail, str) else str(error.detail)
        if error.status_code == 404:
            detail = f"no such resource: {request.url.path}"
        problem = ProblemError(error.status_code, detail, headers=error.headers)
        return problem_response(problem, head_only=request.method == "HEAD")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> Response:
        return problem_response(_validation_problem(error), head_only=request.method == "HEAD")

    @app.exception_handler(store.NotFound)
    async def _not_found(request: Request, error: store.NotFound) -> Response:
        problem = ProblemError(404, "no such workspace, or you may not see it", slug="workspace-not-found")
        return problem_response(problem, head_only=request.method == "HEAD")

    @app.exception_handler(store.Forbidden)
    async def _forbidden(request: Request, error: store.Forbidden) -> Response:
        return problem_response(ProblemError(403, str(error)), head_only=request.method == "HEAD")

    @app.exception_handler(Exception)
    async def _crash(request: Request, error: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem_response(ProblemError(500, "the server failed; the error is in its log"))

    # -- who is calling ---------------------------------------------------------------------------

    def identify(session: Any, header: str) -> Caller:
        """The caller named by an Authorization header, or a 401 problem."""
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ProblemError(401, "use 'Authorization: Bearer <token>'", headers={"WWW-Authenticate": "Bearer"})
        found = auth.user_for_token(session, token.strip())
        if found is None:
            raise ProblemError(
                401, "the token is unknown, revoked, or its user is disabled; sign in again",
                slug="invalid-token", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        return Caller(*found)

    def touch(who: Caller) -> None:
        assert who.token is not None
        touch_token(who.token.id)

    def touch_token(token_id: int) -> None:
        moment = time.monotonic()
        if moment - token_touched.get(token_id, -1e9) > 60:  # one write a minute, not one per request
            token_touched[token_id] = moment
            # Bookkeeping, written behind the answer: a request never waits for the write lock for it.
            last_used_writer.submit(write_last_used, token_id)

    def write_last_used(token_id: int) -> None:
        try:
            with db.write() as session:
                row = session.get(models.Token, token_id)
                if row is not None:
                    row.last_used_ms = now_ms()
        except Exception:  # noqa: BLE001 - only the token list's "last used" column is late
            log.exception("recording when token %s was last used failed", token_id)

    def caller(request: Request, _: Any = Security(bearer)) -> Caller:
        header = request.headers.get("authorization")
        if not header:
            return Caller()
        with db.read() as session:
            who = identify(session, header)
        touch(who)
        return who

    async def signed_in(who: Caller = Depends(caller)) -> Caller:  # async: no I/O, no worker-thread hop
        if who.user is None:
            raise ProblemError(401, "sign in first: POST /api/v1/auth/token", headers={"WWW-Authenticate": "Bearer"})
        return who

    def visible(workspace_id: str, who: Caller, need: str = "reader", session: Any = None) -> models.Workspace:
        if who.user is None and not (workspace_id == "library" and settings.public_library):
            # Anonymous callers learn nothing about which workspaces exist.
            raise ProblemError(401, "sign in to use this workspace", headers={"WWW-Authenticate": "Bearer"})
        if session is None:
            with db.read() as session:
                return visible(workspace_id, who, need, session)
        workspace, _ = store.workspace_for(session, workspace_id, who.user, settings.public_library, need)
        return workspace

    def writable(workspace_id: str, who: Caller, session: Any = None) -> models.Workspace:
        workspace = visible(workspace_id, who, session=session)
        if who.user is None:
            raise ProblemError(401, "sign in to write", headers={"WWW-Authenticate": "Bearer"})
        return visible(workspace_id, who, store.write_role_needed(workspace), session)

    problem_responses: dict[int | str, dict[str, Any]] = {
        "default": {"description": "a problem (RFC 9457)", "content": {wire.PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    }

    # -- endpoints ------------------------------------------------------------------------------

    prefix = wire.API_PREFIX

    @app.get(f"{prefix}/status", response_model=wire.Status, responses=problem_responses, tags=["server"])
    def status() -> Response:
        return _json(
            wire.Status(
                server_id=server_id,
                server_time_ms=now_ms(),
                public_library=settings.public_library,
                limits=wire.Limits(
                    max_changes_per_push=limits.max_changes_per_push,
                    max_body_bytes=limits.max_body_bytes,
                    max_record_bytes=limits.max_record_bytes,
                    max_blob_bytes=limits.max_blob_bytes,
                    max_pull_limit=limits.max_pull_limit,
                    max_clock_ahead_ms=limits.max_clock_ahead_ms,
                    max_page_bytes=limits.max_page_bytes,
                ),
            )
        )

    @app.post(
        f"{prefix}/auth/token",
        response_model=wire.TokenResponse,
        status_code=201,
        responses=problem_responses,
        openapi_extra={"requestBody": {"required": True, "content": {JSON_TYPE: {"schema": {"$ref": "#/components/schemas/TokenRequest"}}}}},
        tags=["auth"],
    )
    async def sign_in(request: Request) -> Response:
        payload = await read_json(request)
        try:
            credentials = wire.TokenRequest.model_validate(payload)
        except ValidationError as error:
            raise _validation_problem(error) from None
        address = request.client.host if request.client else "unknown"
        wait = await run_in_threadpool(throttle.retry_after, credentials.username, address)
        if wait is not None:
            raise ProblemError(429, f"too many failed sign-ins from here; try again in {wait} s", headers={"Retry-After": str(wait)})

        def verify_and_issue() -> wire.TokenResponse | None:
            # Argon2 is slow on purpose: check the password before taking the write lock.
            with db.read() as session:
                user = auth.authenticate(session, credentials.username, credentials.password)
                user_id = user.id if user is not None else None
            if user_id is None:
                return None
            with db.write() as session:
                user = session.get(models.User, user_id)
                if user is None or user.disabled:
                    return None
                token_row, token = auth.issue_token(session, user, credentials.device_name)
                return wire.TokenResponse(
                    token=token,
                    token_id=token_row.id,
                    user=wire.UserInfo(id=user.id, username=user.username),
                    workspaces=store.visible_workspaces(session, user),
                )

        nonlocal password_checks
        if password_checks is None:
            password_checks = asyncio.Semaphore(PASSWORD_CHECKS_AT_ONCE)
        async with password_checks:  # Argon2 takes 64 MiB a check: a crowd of sign-ins queues here
            result = await run_in_threadpool(verify_and_issue)
        if result is None:
            await run_in_threadpool(throttle.failed, credentials.username, address)
            raise ProblemError(401, "wrong user name or password (or the account is disabled)", slug="bad-credentials",
                               headers={"WWW-Authenticate": "Bearer"})
        await run_in_threadpool(throttle.succeeded, credentials.username, address)
        return _json(result, status=201)

    @app.delete(f"{prefix}/auth/token", status_code=204, responses=problem_responses, tags=["auth"])
    def sign_out(who: Caller = Depends(signed_in)) -> Response:
        assert who.token is not None
        with db.write() as session:
            auth.revoke_token(session, who.token.id)
        return Response(status_code=204)

    def workspaces_answer(header: str) -> bytes | None:
        """The caller's workspaces as JSON, or None when the token is not good (the app then says why).

        The whole "nothing new" sync: token and workspaces in one plain connection, not an ORM
        session. Served by ``HotPaths`` ahead of FastAPI, and by the endpoint below for the rest.
        """
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        with db.engine.connect() as connection:
            owner = auth.token_owner(connection, token.strip())
            rows = store.workspaces_seen_by(connection, owner.user_id, owner.is_admin) if owner else None
        if owner is None or rows is None:
            return None
        touch_token(owner.token_id)
        return ("[" + ",".join(row.model_dump_json() for row in rows) + "]").encode()

    @app.get(f"{prefix}/workspaces", response_model=list[wire.WorkspaceInfo], responses=problem_responses, tags=["workspaces"])
    async def list_workspaces(request: Request, _: Any = Security(bearer)) -> Response:
        # A good token is answered by HotPaths before it reaches here: this is every other case.
        header = request.headers.get("authorization")
        if not header:
            raise ProblemError(401, "sign in first: POST /api/v1/auth/token", headers={"WWW-Authenticate": "Bearer"})

        def answer() -> bytes:
            # HotPaths looked the token up already and found it refused: say precisely why.
            with db.read() as session:
                identify(session, header)
            body = workspaces_answer(header)  # identify() raised unless the token is good after all
            if body is None:
                raise AssertionError("unreachable: the token was accepted above")
            return body

        return Response(await run_in_threadpool(answer), media_type=JSON_TYPE)

    @app.get(f"{prefix}/workspaces/{{w}}/changes", response_model=wire.ChangesPage, responses=problem_responses, tags=["sync"])
    async def pull(
        request: Request,
        w: str = WORKSPACE_PARAM,
        since: int = Query(0, ge=0, le=2**62, description="cursor: the next_since of the previous page; 0 = everything"),
        limit: int = Query(1000, ge=1, le=1000, description="records per page (a page may end earlier: see max_page_bytes)"),
        _: Any = Security(bearer),
    ) -> Response:
        header = request.headers.get("authorization")
        wanted_coding = answer_coding(request.headers)

        def answer() -> tuple[bytes, str | None, store.Page]:
            # Who asks, whether they may read, and the page: one session on one worker thread.
            with db.read() as session:
                who = identify(session, header) if header else Caller()
                if who.user is None and not (w == "library" and settings.public_library):
                    raise ProblemError(401, "sign in to use this workspace", headers={"WWW-Authenticate": "Bearer"})
                workspace, _ = store.workspace_for(session, w, who.user, settings.public_library)
                try:
                    page = store.pull_page(session, workspace, since, min(limit, limits.max_pull_limit), limits.max_page_bytes)
                except store.CursorGone as gone:
                    raise ProblemError(
                        410, f"{gone}: this server cannot serve that cursor (restored from a backup, or another server); "
                        "pull this workspace again from 0", head=gone.head,
                    ) from None
                # Read, encoded and compressed a few records at a time, on this worker thread.
                body, used_coding = encode_body(page.parts, wanted_coding, settings.compress_min_bytes)
            if who.token is not None:
                touch(who)
            return body, used_coding, page

        body, used_coding, page = await run_in_threadpool(answer)
        # The cursor in headers too, so a client can ask for the next page before it has parsed this one.
        headers = {wire.NEXT_SINCE_HEADER: str(page.next_since), wire.HAS_MORE_HEADER: "1" if page.has_more else "0"}
        if used_coding:
            headers["content-encoding"] = used_coding
        return Response(body, media_type=JSON_TYPE, headers=headers)

    @app.post(
        f"{prefix}/workspaces/{{w}}/changes",
        response_model=wire.PushResponse,
        responses=problem_responses,
        openapi_extra={"requestBody": {"required": True, "content": {JSON_TYPE: {"schema": {"$ref": "#/components/schemas/PushRequest"}}}}},
        tags=["sync"],
    )
    async def push(request: Request, w: str = WORKSPACE_PARAM, _: Any = Security(bearer)) -> Response:
        header = request.headers.get("authorization")

        def may_write() -> Caller:
            # Who, and whether they may write here, in one session on one worker-thread hop: before the body is read.
            with db.read() as session:
                who = identify(session, header) if header else Caller()
                if who.token is not None:
                    touch(who)
                writable(w, who, session)
            return who

        who = await run_in_threadpool(may_write)
        payload = await read_json(request)
        try:
            changes = store.check_push_envelope(payload, limits)
        except store.BadRequest as error:
            raise ProblemError(422, str(error), slug="validation") from None
        outcome = await run_in_threadpool(
            store.push, db, w, who.user, changes, limits, settings.public_library, True
        )
        return _json(wire.PushResponse(results=outcome.results, conflicts=outcome.conflicts, head=outcome.head))

    @app.get(f"{prefix}/workspaces/{{w}}/digest", response_model=wire.DigestOut, responses=problem_responses, tags=["sync"])
    def digest(w: str = WORKSPACE_PARAM, who: Caller = Depends(caller)) -> Response:
        workspace = visible(w, who)
        return _json(store.digest_of(workspace))

    # -- blobs ----------------------------------------------------------------------------------

    def complete_blob(workspace_id: str, sha256: str) -> int | None:
        with db.read() as session:
            row = session.get(models.Blob, (workspace_id, sha256))
        if row is None or not blobs.has_bytes(sha256):
            return None
        return row.size

    def record_blob(workspace_id: str, sha256: str, size: int) -> None:
        with db.write() as session:
            if session.get(models.Blob, (workspace_id, sha256)) is None:
                session.add(models.Blob(workspace_id=workspace_id, sha256=sha256, size=size, created_ms=now_ms()))

    blob_path = f"{prefix}/workspaces/{{w}}/blobs/{{sha256}}"

    @app.head(blob_path, responses={200: {"description": "the blob is complete; Content-Length is its size"}, **problem_responses}, tags=["blobs"])
    def head_blob(w: str = WORKSPACE_PARAM, sha256: str = SHA256_PARAM, who: Caller = Depends(caller)) -> Response:
        visible(w, who)
        size = complete_blob(w, sha256)
        if size is not None:
            return Response(status_code=200, headers={"content-length": str(size), "accept-ranges": "bytes"}, media_type="application/octet-stream")
        offset = blobs.upload_offset(w, sha256)
        headers = {"Upload-Offset": str(offset)} if offset is not None else {}
        raise ProblemError(404, "no such blob in this workspace", slug="blob-not-found", headers=headers)

    @app.get(
        blob_path,
        responses={
            200: {"description": "the whole blob", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
            206: {"description": "the requested range", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
            **problem_responses,
        },
        response_class=Response,
        tags=["blobs"],
    )
    def get_blob(
        w: str = WORKSPACE_PARAM,
        sha256: str = SHA256_PARAM,
        range_header: str | None = Header(None, alias="Range", description="bytes=n- to resume a download"),
        who: Caller = Depends(caller),
    ) -> Response:
        visible(w, who)
        size = complete_blob(w, sha256)
        if size is None:
            raise ProblemError(404, "no such blob in this workspace", slug="blob-not-found")
        wanted = parse_range(range_header, size)
        if wanted == "unsatisfiable":
            raise ProblemError(416, f"the blob has {size} bytes", headers={"Content-Range": f"bytes */{size}"})
        first, last = wanted if isinstance(wanted, tuple) else (0, size - 1)
        path = blobs.path(sha256)

        def chunks() -> Iterator[bytes]:
            with path.open("rb") as handle:
                handle.seek(first)
                remaining = last - first + 1
                while remaining > 0:
                    chunk = handle.read(min(CHUNK, remaining))
                    if not chunk:
                        return
                    remaining -= len(chunk)
                    yield chunk

        headers = {"content-length": str(max(0, last - first + 1)), "accept-ranges": "bytes"}
        if isinstance(wanted, tuple):
            headers["content-range"] = f"bytes {first}-{last}/{size}"
        return StreamingResponse(chunks(), status_code=206 if isinstance(wanted, tuple) else 200,
                                 headers=headers, media_type="application/octet-stream")

    @app.put(
        blob_path,
        response_model=wire.BlobStatus,
        responses={
            201: {"description": "complete and verified", "content": {JSON_TYPE: {"schema": {"$ref": "#/components/schemas/BlobStatus"}}}},
            202: {"description": "chunk stored; continue from Upload-Offset", "content": {JSON_TYPE: {"schema": {"$ref": "#/components/schemas/BlobStatus"}}}},
            **problem_responses,
        },
        openapi_extra={"requestBody": {"required": True, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}},
        tags=["blobs"],
    )
    async def put_blob(
        request: Request,
        w: str = WORKSPACE_PARAM,
        sha256: str = SHA256_PARAM,
        content_range: str | None = Header(None, alias="Content-Range", description="bytes a-b/total for one chunk"),
        who: Caller = Depends(caller),
    ) -> Response:
        await run_in_threadpool(writable, w, who)
        size = await run_in_threadpool(complete_blob, w, sha256)
        if size is not None:
            return _json(wire.BlobStatus(sha256=sha256, complete=True, size=size))
        # A lock on disk, not in memory: other worker processes and machines share the blobs folder.
        with exclusive_upload(blobs.partial_path(w, sha256)) as alone:
            if not alone:
                raise ProblemError(409, "another upload of this blob is in progress", slug="upload-in-progress")
            if content_range is None:
                return await _whole_upload(request, w, sha256)
            return await _chunk_upload(request, w, sha256, content_range, who)

    async def _whole_upload(request: Request, w: str, sha256: str) -> Response:
        temp = blobs.temp_path()
        hasher = hashlib.sha256()
        size = 0
        try:
            with temp.open("wb") as handle:
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > limits.max_blob_bytes:
                        raise ProblemError(413, f"a blob may have at most {limits.max_blob_bytes} bytes")
                    hasher.update(chunk)
                    handle.write(chunk)
            if hasher.hexdigest() != sha256:
                raise ProblemError(422, f"the bytes' SHA-256 is {hasher.hexdigest()}, not {sha256}; nothing was kept",
                                   slug="blob-hash-mismatch", title="Blob hash mismatch")
            await run_in_threadpool(blobs.adopt, temp, sha256)
        except (ClientDisconnect, BodyTooLarge) as error:
            temp.unlink(missing_ok=True)
            if isinstance(error, BodyTooLarge):
                raise ProblemError(413, f"a blob may have at most {limits.max_blob_bytes} bytes") from None
            raise ProblemError(400, "the upload was cut; resend it, or upload in chunks with Content-Range") from None
        finally:
            temp.unlink(missing_ok=True)
        await run_in_threadpool(record_blob, w, sha256, size)
        return _json(wire.BlobStatus(sha256=sha256, complete=True, size=size), status=201)

    async def _chunk_upload(request: Request, w: str, sha256: str, content_range: str, who: Caller) -> Response:
        parsed = parse_content_range(content_range)
        if parsed is None:
            raise ProblemError(400, "Content-Range must be 'bytes first-last/total' with first <= last < total",
                               slug="invalid-content-range")
        first, last, total = parsed
        if total > limits.max_blob_bytes:
            raise ProblemError(413, f"a blob may have at most {limits.max_blob_bytes} bytes")
        partial = blobs.partial_path(w, sha256)
        offset = blobs.upload_offset(w, sha256) or 0
        if first != offset:
            raise ProblemError(409, f"this upload continues at byte {offset}, not {first}", slug="upload-offset-mismatch",
                               headers={"Upload-Offset": str(offset)}, upload_offset=offset)
        try:
            await run_in_threadpool(partial_uploads.claim, w, sha256, who.user.id if who.user else None, total)
        except uploads.QuotaExceeded as error:
            raise ProblemError(413, str(error), slug="upload-quota-exceeded", title="Too many unfinished uploads",
                               max_bytes=error.quota) from None
        expected = last - first + 1
        received = 0
        partial.parent.mkdir(parents=True, exist_ok=True)
        cut = False
        with partial.open("ab") as handle:
            try:
                async for chunk in request.stream():
                    if received + len(chunk) > expected:
                        handle.truncate(first + received)
                        raise ProblemError(400, "the body is longer than its Content-Range", slug="invalid-content-range",
                                           headers={"Upload-Offset": str(first + received)})
                    handle.write(chunk)
                    received += len(chunk)
            except (ClientDisconnect, BodyTooLarge):
                cut = True  # keep what arrived: the client resumes from Upload-Offset
            handle.flush()
        new_offset = first + received
        if cut or received < expected:
            raise ProblemError(400, f"the chunk was cut at byte {new_offset}; continue from there",
                               slug="upload-cut", headers={"Upload-Offset": str(new_offset)}, upload_offset=new_offset)
        if last + 1 < total:
            return _json(wire.BlobStatus(sha256=sha256, complete=False, upload_offset=new_offset), status=202,
                         headers={"Upload-Offset": str(new_offset)})
        actual = await run_in_threadpool(file_sha256, partial)
        await run_in_threadpool(partial_uploads.release, w, sha256)
        if actual != sha256:
            blobs.discard_partial(w, sha256)
            raise ProblemError(422, f"the bytes' SHA-256 is {actual}, not {sha256}; the upload was discarded",
                               slug="blob-hash-mismatch", title="Blob hash mismatch")
        await run_in_threadpool(blobs.adopt, partial, sha256)
        await run_in_threadpool(record_blob, w, sha256, total)
        return _json(wire.BlobStatus(sha256=sha256, complete=True, size=total), status=201)

    # -- the OpenAPI document: problems everywhere, hand-parsed bodies described ------------------

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        _, definitions = models_json_schema(
            [(model, "validation") for model in (wire.TokenRequest, wire.PushRequest, wire.Problem, wire.BlobStatus)],
            ref_template="#/components/schemas/{model}",
        )
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        schemas.update(definitions.get("$defs", {}))
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        for path, path_item in document.get("paths", {}).items():
            for method, operation in path_item.items():
                responses = operation.setdefault("responses", {})
                responses.pop("422", None)
                responses["default"] = problem_responses["default"]
                if path.startswith(f"{prefix}/workspaces/{{w}}/") and method in ("get", "head"):
                    # Reading the public library needs no token: say so ({} = anonymous allowed).
                    operation["security"] = [{"HTTPBearer": []}, {}]
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
    operations.install(app, db)  # GET /api/v1/health, for operators and load balancers
    app.add_middleware(
        HotPaths,
        workspaces_path=f"{prefix}/workspaces",
        workspaces_answer=workspaces_answer,
        # A SQLite read never waits for a writer (WAL); a free pooled connection means connect() won't wait either.
        at_once=lambda: db.is_sqlite and db.engine.pool.checkedin() > 0,  # type: ignore[attr-defined]
    )
    app.add_middleware(  # added last, so it wraps HotPaths too: every answer gets its header and coding
        ProtocolMiddleware,
        max_body_bytes=limits.max_body_bytes,
        max_blob_bytes=limits.max_blob_bytes,
        compress_min_bytes=settings.compress_min_bytes,
    )
    return app

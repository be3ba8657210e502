"""Wire types of sync protocol version 1 (docs/sync-protocol.md), used by the server and by clients.

One definition of every request and response body, so the server's OpenAPI
document, its validation and the client's parsing cannot drift apart. Unknown
keys are ignored (a newer peer may send more); record fields are free-form JSON.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from typing_extensions import TypedDict

from companion.replication.hlc import HLC_PATTERN
from companion.replication.merge import FIELD_NAME_PATTERN, TYPE_PATTERN

PROTOCOL_VERSION = 1
PROTOCOL_HEADER = "Companion-Protocol"
# Pull answers repeat their body's next_since and has_more in these headers (docs/sync-protocol.md §3.5).
NEXT_SINCE_HEADER = "Companion-Next-Since"
HAS_MORE_HEADER = "Companion-Has-More"
API_PREFIX = "/api/v1"
PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:openimis-companion:problem:"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
WORKSPACE_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
# UUIDs travel in their canonical form only (lowercase, hyphenated), so ids compare as strings.
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
FieldName = Annotated[str, StringConstraints(pattern=FIELD_NAME_PATTERN)]

Role = Literal["reader", "member", "editor", "admin"]
WorkspaceKind = Literal["library", "personal", "team"]
ROLE_ORDER: dict[str, int] = {"reader": 1, "member": 2, "editor": 3, "admin": 4}


def json_loads(data: bytes) -> Any:
    """JSON as Python values, exactly as ``json.loads`` reads it but NaN and Infinity refused, in
    half its time: parsing a first sync's pages is most of the client's time. orjson parses;
    what it reads differently goes to the standard library: a run of 19 digits or more (orjson
    turns integers past 64 bits into floats), and whatever it refuses that JSON allows (lone
    surrogates, nesting past 1,024, a byte-order mark). Raises ValueError or RecursionError."""
    # Digits made zeros, then one substring search: a regular expression takes longer than the parse.
    if _NINETEEN_DIGITS not in data.translate(_DIGITS_TO_ZERO):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return json.loads(data, parse_constant=_refuse_constant)


_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_NINETEEN_DIGITS = b"0" * 19


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


class WireModel(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Limits(WireModel):
    max_changes_per_push: int
    max_body_bytes: int
    max_record_bytes: int
    max_blob_bytes: int
    max_pull_limit: int
    max_clock_ahead_ms: int
    # Added after version 1 shipped: servers that do not send it cap pages by count only.
    max_page_bytes: int | None = None


class Status(WireModel):
    protocol: int = PROTOCOL_VERSION
    server_id: str
    server_time_ms: int
    public_library: bool
    limits: Limits


# Printable text only: control characters (NUL above all) have no business in names.
PRINTABLE_PATTERN = r"^[^\x00-\x1f\x7f]*$"


class TokenRequest(WireModel):
    username: str = Field(min_length=1, max_length=64, pattern=PRINTABLE_PATTERN)
    password: str = Field(min_length=1, max_length=1024)
    device_name: str = Field(default="", max_length=200, pattern=PRINTABLE_PATTERN)


class UserInfo(WireModel):
    id: int
    username: str


class WorkspaceInfo(WireModel):
    id: str
    name: str
    kind: WorkspaceKind
    role: Role
    head: int


class TokenResponse(WireModel):
    token: str
    token_id: int
    user: UserInfo
    workspaces: list[WorkspaceInfo]


class FieldValue(WireModel):
    v: Any
    t: str


class FieldWriteIn(WireModel):
    v: Any = Field(description="the field's new value: any JSON")
    t: str = Field(pattern=HLC_PATTERN, description="HLC of this write")
    base: str | None = Field(default=None, pattern=HLC_PATTERN, description="HLC of the value the writer saw")


class ChangeIn(WireModel):
    change_id: str = Field(pattern=UUID_PATTERN, description="UUID made by the client; re-sending it is harmless")
    record_id: str = Field(pattern=UUID_PATTERN, description="UUID of the record")
    type: str = Field(pattern=TYPE_PATTERN)
    fields: dict[FieldName, FieldWriteIn] = Field(min_length=1)


class PushRequest(WireModel):
    changes: list[ChangeIn] = Field(max_length=1000)


class ChangeError(WireModel):
    type: str
    title: str
    detail: str


class ChangeResult(WireModel):
    change_id: str
    status: Literal["applied", "duplicate", "rejected"]
    seq: int | None = None
    error: ChangeError | None = None


class PushResponse(WireModel):
    results: list[ChangeResult]
    conflicts: int
    head: int


class RecordOut(WireModel):
    id: str
    type: str
    workspace: str
    fields: dict[str, FieldValue]
    seq: int


class ChangesPage(WireModel):
    records: list[RecordOut]
    next_since: int
    has_more: bool


# The same page as plain dicts (``SyncClient.pull_dicts``), for a sync engine that stores the
# records at once: its shape is checked by the client, each record's fields by the replica.
class FieldDict(TypedDict):
    v: Any
    t: str


class RecordDict(TypedDict):
    id: str
    type: str
    workspace: str
    fields: dict[str, FieldDict]
    seq: int


class ChangesPageDict(TypedDict):
    records: list[RecordDict]
    next_since: int
    has_more: bool


class DigestOut(WireModel):
    digest: str
    records: int
    head: int


class Problem(WireModel):
    """RFC 9457 problem details; extra members (``errors``, ``server_time_ms``, ...) are allowed."""

    model_config = ConfigDict(extra="allow")
    type: str
    title: str
    status: int
    detail: str


class BlobStatus(WireModel):
    sha256: str
    complete: bool
    size: int | None = None
    upload_offset: int | None = None

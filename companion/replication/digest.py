"""The order-independent workspace digest (sync protocol, section 3).

Each record's canonical JSON ``{"fields": {name: {"t": t, "v": v}}, "id": id, "type": type}``
(sorted keys, ``,``/``:`` separators, non-ASCII kept as UTF-8) is hashed with
SHA-256; the workspace digest is the XOR of those hashes, so it does not depend
on the order records were stored or sent, and can be kept up to date one record
at a time (XOR the old hash out, the new one in).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

EMPTY_DIGEST = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical_fields(fields: Mapping[str, Mapping[str, Any]]) -> str:
    """Fields reduced to ``{"t", "v"}`` per field (``base`` is not state), canonically serialised."""
    return canonical_json({name: {"t": value["t"], "v": value["v"]} for name, value in fields.items()})


def canonical_record_json(record_id: str, record_type: str, fields: Mapping[str, Mapping[str, Any]]) -> str:
    return canonical_record_json_from_fields_json(record_id, record_type, canonical_fields(fields))


def canonical_record_json_from_fields_json(record_id: str, record_type: str, fields_json: str) -> str:
    # Same bytes as canonical_json({"fields":..., "id":..., "type":...}); built by
    # concatenation so a server holding canonical fields JSON need not re-parse it.
    return f'{{"fields":{fields_json},"id":{canonical_json(record_id)},"type":{canonical_json(record_type)}}}'


def record_hash(record_id: str, record_type: str, fields: Mapping[str, Mapping[str, Any]]) -> str:
    return hashlib.sha256(canonical_record_json(record_id, record_type, fields).encode("utf-8")).hexdigest()


def record_hash_from_fields_json(record_id: str, record_type: str, fields_json: str) -> str:
    text = canonical_record_json_from_fields_json(record_id, record_type, fields_json)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def xor_hex(left: str, right: str) -> str:
    return f"{int(left, 16) ^ int(right, 16):064x}"


def combine(hashes: Iterable[str]) -> str:
    total = 0
    for value in hashes:
        total ^= int(value, 16)
    return f"{total:064x}"


def workspace_digest(records: Iterable[tuple[str, str, Mapping[str, Mapping[str, Any]]]]) -> str:
    """XOR of every record's hash; ``records`` yields ``(id, type, fields)``."""
    return combine(record_hash(record_id, record_type, fields) for record_id, record_type, fields in records)

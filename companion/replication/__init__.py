"""The pure shared parts of the sync contract (docs/sync-protocol.md).

The HLC, the per-field merge rule and the workspace digest live here once, so
the desktop client, the bundle importer and the central server all run the
very same code. No I/O, no HTTP, no Qt: plain data in, plain data out.
"""

from companion.replication.digest import EMPTY_DIGEST, canonical_record_json, record_hash, workspace_digest, xor_hex
from companion.replication.hlc import HLC_PATTERN, Clock, HLCError, format_hlc, is_valid_hlc, parse_hlc
from companion.replication.merge import (
    CONFLICT_TYPE,
    DELETED_FIELD,
    MAX_CLOCK_AHEAD_MS,
    Change,
    ChangeRejected,
    ChangeOutcome,
    FieldWrite,
    Record,
    Replica,
    apply_field_write,
    check_change,
    check_record,
    conflict_record,
    conflict_record_id,
    merge_change,
    record_as_change,
    same_value,
)

__all__ = [
    "CONFLICT_TYPE",
    "DELETED_FIELD",
    "EMPTY_DIGEST",
    "HLC_PATTERN",
    "MAX_CLOCK_AHEAD_MS",
    "Change",
    "ChangeOutcome",
    "ChangeRejected",
    "Clock",
    "FieldWrite",
    "HLCError",
    "Record",
    "Replica",
    "apply_field_write",
    "canonical_record_json",
    "check_change",
    "check_record",
    "conflict_record",
    "conflict_record_id",
    "format_hlc",
    "is_valid_hlc",
    "merge_change",
    "parse_hlc",
    "record_as_change",
    "same_value",
    "record_hash",
    "workspace_digest",
    "xor_hex",
]

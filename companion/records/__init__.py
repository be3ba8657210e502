"""Synced records: the registry of types, the one writer, the outbox, merging changes from elsewhere.

- ``registry``: which tables hold synced records and how each field travels;
- ``writer``: the only write path (stamps per-field HLCs, fills the outbox, records undoable edits);
- ``replica``: what sync and bundles use (push the outbox, apply pulled or remote changes, digest);
- ``bus``: tells screens which records changed;
- ``guard``: refuses writes to synced tables that bypass the writer (on in the test suite).
"""

from companion.records.bus import ChangeBus, RecordsChanged
from companion.records.replica import Applied, LocalReplica, OutboxEntry
from companion.records.registry import (BUNDLED_WORKSPACE, LIBRARY_WORKSPACE, LOCAL_WORKSPACE, RECORD_TYPES,
                                        derived_id, named_id, record_type)
from companion.records.writer import (ChangedElsewhere, Edit, FieldChange, RecordMissing, Records, Writer,
                                      allow_writes, records_for)

__all__ = [
    "Applied", "LocalReplica", "OutboxEntry",
    "BUNDLED_WORKSPACE", "LIBRARY_WORKSPACE", "LOCAL_WORKSPACE", "RECORD_TYPES", "ChangeBus", "ChangedElsewhere",
    "Edit", "FieldChange", "RecordMissing", "Records", "RecordsChanged", "Writer", "allow_writes", "derived_id",
    "named_id", "record_type", "records_for",
]

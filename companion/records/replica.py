"""This laptop's copy of its workspaces, as the sync engine and bundle files see it.

- the outbox (local edits waiting to be pushed), acknowledged or set aside by the server's answer;
- ``apply_pulled``: records pulled from the server, which has already settled every clash, replace
  the local fields unless a field has a local edit still waiting in the outbox (pushed next);
- ``apply_remote``: changes from elsewhere (bundle files, another laptop) merged with the
  protocol's full rule (companion/replication/merge.py), clashes kept as conflict records;
- the protocol's digest computed from the local tables, to prove both sides agree.

Nothing received is ever queued in the outbox as if it were a local edit. Every batch is one
transaction, with its cursor when it is a pulled page: a sync cut anywhere resumes from there.
docs/sync-protocol.md is the contract.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, bindparam, select, text
from sqlalchemy.orm import Session

from companion.records.registry import (BOOL, BUNDLED_WORKSPACE, DATE, INT, LOCAL_WORKSPACE, OPTIONAL_INT,
                                        OPTIONAL_TEXT, RECORD_TYPES, TEXT, CodecError, RecordType, record_type)
from companion.records.writer import OFFSET_KEY, Edit, allow_writes, records_for
from companion.replication import (CONFLICT_TYPE, Change, ChangeRejected, FieldWrite, Record,
                                   check_change, check_record, merge_change, record_as_change, record_hash)
from companion.replication.digest import EMPTY_DIGEST, canonical_json, combine

_EXACT = (TEXT, OPTIONAL_TEXT, INT, OPTIONAL_INT, BOOL, DATE)
CURSOR_KEY = "sync.cursor."
STATE_KEY = "sync.state."
BATCH = 500  # records read and written per statement batch


@dataclass(frozen=True)
class OutboxEntry:
    seq: int
    workspace: str
    change: Change


@dataclass
class Applied:
    records: int = 0  # records created or changed
    conflicts: int = 0  # conflict records created
    by_type: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (change id, reason)
    ids: set[str] = field(default_factory=set)

    def count(self, type_name: str, record_id: str) -> None:
        self.records += 1
        self.by_type[type_name] = self.by_type.get(type_name, 0) + 1
        self.ids.add(record_id)


class _Rollback(Exception):
    pass


class LocalReplica:
    def __init__(self, engine: Engine, blobs_dir: Path) -> None:
        self.engine = engine
        self.records = records_for(engine)
        self.blobs_dir = blobs_dir
        self.hooks = _DerivedRows()

    # --- the device clock ---------------------------------------------------------------------

    @property
    def device_id(self) -> str:
        return self.records.device_id

    @property
    def clock(self):
        return self.records.clock

    def set_server_offset(self, offset_ms: int) -> None:
        """The server's clock minus ours: field laptops' clocks are often wrong."""
        self.clock.offset_ms = int(offset_ms)
        self._set_setting(OFFSET_KEY, int(offset_ms))

    def observe(self, hlc: str) -> None:
        self.clock.observe(hlc)

    def restamp_ahead(self, server_now_ms: int, max_ahead_ms: int) -> int:
        """Give new stamps to edits made while this laptop's clock ran ahead of the server's.

        Edits made offline before the server offset was known carry stamps the server refuses
        (too far in its future) and that would win every conflict for months. They are stamped
        again from the corrected clock, in the order they were made: the values stay, a later
        edit of the same field keeps pointing at the earlier one (``base``), nothing is set aside.
        Returns how many queued changes were restamped."""
        limit = f"{server_now_ms + max_ahead_ms // 2:013d}-9999-ffffffffffffffff"
        with self.records.sessions.begin() as session, allow_writes():
            ahead = []
            for row in session.execute(text("SELECT seq, record_id, fields, error FROM outbox ORDER BY seq")):
                if row.error is not None and not str(json.loads(row.error).get("type", "")).endswith("clock-ahead"):
                    continue  # refused for another reason: stays set aside
                fields = json.loads(row.fields)
                if any(value["t"] > limit for value in fields.values()):
                    ahead.append((row.seq, row.record_id, fields))
            if not ahead:
                return 0
            clock = self.records.clock_in(session)
            clock.restart_after(session.execute(text("SELECT max(t) FROM record_field WHERE t <= :l"),
                                                {"l": limit}).scalar())
            renamed: dict[str, str] = {}
            for seq, record_id, fields in ahead:
                for name, value in fields.items():
                    old = value["t"]
                    if old <= limit:
                        continue
                    if old not in renamed:
                        renamed[old] = clock.now()
                    new = renamed[old]
                    value["t"] = new
                    base = value.get("base")
                    if base in renamed:
                        value["base"] = renamed[base]
                    elif base is not None and base >= new:
                        value.pop("base")
                    session.execute(text("UPDATE record_field SET t = :new WHERE record_id = :r AND field = :f"
                                         " AND t = :old"), {"new": new, "r": record_id, "f": name, "old": old})
                session.execute(text("UPDATE outbox SET fields = :f, change_id = :c, error = NULL WHERE seq = :s"),
                                {"f": canonical_json(fields), "c": str(uuid.uuid4()), "s": seq})
        return len(ahead)

    # --- push -----------------------------------------------------------------------------------

    def pending(self, workspace: str, limit: int = 1000) -> list[OutboxEntry]:
        with self.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT seq, workspace, change_id, record_id, type, fields FROM outbox"
                " WHERE workspace = :w AND error IS NULL ORDER BY seq LIMIT :n"), {"w": workspace, "n": limit}).all()
        return [OutboxEntry(row.seq, row.workspace, _change(row.change_id, row.record_id, row.type, row.fields))
                for row in rows]

    def pending_count(self, workspace: str | None = None) -> int:
        query = "SELECT count(*) FROM outbox WHERE error IS NULL"
        params: dict[str, Any] = {}
        if workspace is not None:
            query += " AND workspace = :w"
            params["w"] = workspace
        else:
            query += f" AND workspace NOT IN ('{LOCAL_WORKSPACE}')"
        with self.engine.connect() as connection:
            return connection.execute(text(query), params).scalar() or 0

    def acknowledge(self, seqs: Iterable[int]) -> None:
        """The server answered applied or duplicate: these changes are done."""
        seqs = list(seqs)
        if not seqs:
            return
        with self.engine.begin() as connection, allow_writes():
            connection.execute(text("DELETE FROM outbox WHERE seq IN :seqs").bindparams(
                bindparam("seqs", expanding=True)), {"seqs": seqs})

    def set_aside(self, seq: int, error: Mapping[str, Any]) -> None:
        """The server refused this change: kept for the user to see, never sent again."""
        with self.engine.begin() as connection, allow_writes():
            connection.execute(text("UPDATE outbox SET error = :e WHERE seq = :s"),
                               {"e": canonical_json(dict(error)), "s": seq})

    def set_aside_entries(self) -> list[tuple[OutboxEntry, dict]]:
        with self.engine.connect() as connection:
            rows = connection.execute(text("SELECT seq, workspace, change_id, record_id, type, fields, error"
                                           " FROM outbox WHERE error IS NOT NULL ORDER BY seq")).all()
        return [(OutboxEntry(r.seq, r.workspace, _change(r.change_id, r.record_id, r.type, r.fields)),
                 json.loads(r.error)) for r in rows]

    def pending_blobs(self, workspace: str) -> list[str]:
        """Blobs that pending changes reference (evidence files): upload them before the changes."""
        found: list[str] = []
        for entry in self.pending(workspace, limit=1_000_000):
            for write in entry.change.fields.values():
                found.extend(_blob_hashes(entry.change.type, write.v))
        return list(dict.fromkeys(found))

    # --- pull -----------------------------------------------------------------------------------

    def cursor(self, workspace: str) -> int:
        return int(self._setting(CURSOR_KEY + workspace, 0) or 0)

    def reset_cursor(self, workspace: str) -> None:
        self._set_setting(CURSOR_KEY + workspace, 0)

    def apply_pulled(self, workspace: str, records: list[Record], next_since: int) -> Applied:
        """A page pulled from the server and its cursor, in one transaction."""
        applied = Applied()
        with self.records.sessions.begin() as session, allow_writes():
            pending = self._pending_fields(session, workspace)
            for start in range(0, len(records), BATCH):
                self._store_pulled(session, workspace, records[start:start + BATCH], applied, pending)
            self._write_setting(session, CURSOR_KEY + workspace, int(next_since))
        self._announce(applied)
        return applied

    def missing_blobs(self, workspace: str) -> list[dict]:
        """Blob references of the workspace whose bytes this laptop does not have yet."""
        refs: dict[str, dict] = {}
        with self.engine.connect() as connection:
            for sha, name, size, mime in connection.execute(text(
                    "SELECT sha256, name, size, mime FROM attachment WHERE workspace = :w AND NOT deleted"),
                    {"w": workspace}):
                refs.setdefault(sha, {"blob": sha, "name": name, "size": size, "mime": mime})
            for (images,) in connection.execute(text(
                    "SELECT images FROM guide WHERE workspace = :w AND NOT deleted AND images IS NOT NULL"),
                    {"w": workspace}):
                for ref in (json.loads(images) if isinstance(images, str) else images or {}).values():
                    if isinstance(ref, dict) and isinstance(ref.get("blob"), str):
                        refs.setdefault(ref["blob"], ref)
        return [ref for sha, ref in refs.items() if _is_sha256(sha) and not self.blob_path(sha).exists()]

    def blob_path(self, sha256: str) -> Path:
        if not _is_sha256(sha256):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return self.blobs_dir / sha256[:2] / sha256

    # --- changes from elsewhere -----------------------------------------------------------------

    def apply_remote(self, workspace: str, changes: list[Change]) -> Applied:
        """Merge changes from a bundle or another laptop with the protocol's rule, in one transaction."""
        applied = Applied()
        with self.records.sessions.begin() as session, allow_writes():
            self._apply(session, workspace, changes, applied)
        self._announce(applied)
        return applied

    def preview_remote(self, workspace: str, changes: list[Change]) -> Applied:
        """What ``apply_remote`` would do, without changing anything."""
        applied = Applied()
        try:
            with self.records.sessions.begin() as session, allow_writes():
                self._apply(session, workspace, changes, applied)
                raise _Rollback
        except _Rollback:
            pass
        return applied

    # --- state ----------------------------------------------------------------------------------

    def digest(self, workspace: str) -> str:
        return combine(record_hash(r.id, r.type, r.fields) for r in self.records_of(workspace)) \
            if self.record_count(workspace) else EMPTY_DIGEST

    def record_count(self, workspace: str) -> int:
        total = 0
        with self.engine.connect() as connection:
            for spec in RECORD_TYPES.values():
                total += connection.execute(text(f"SELECT count(*) FROM {spec.table_name} WHERE workspace = :w"),
                                            {"w": workspace}).scalar() or 0
            total += connection.execute(text("SELECT count(*) FROM foreign_record WHERE workspace = :w"),
                                        {"w": workspace}).scalar() or 0
        return total

    def records_of(self, workspace: str, root_record_id: str | None = None) -> Iterator[Record]:
        """Every record of the workspace with its fields and clocks (tombstones and conflicts too);
        with ``root_record_id``, one pilot project and everything in it."""
        wanted = self._tree(root_record_id) if root_record_id else None
        with self.records.sessions() as session:
            yield from self._records_in(session, workspace, wanted)

    def _records_in(self, session: Session, workspace: str, wanted: set[str] | None) -> Iterator[Record]:
        for spec in RECORD_TYPES.values():
            table = spec.table
            id_column = table.c[spec.id_column]
            query = select(id_column, *[table.c[f.column] for f in spec.fields]).where(
                table.c.workspace == workspace)
            rows = session.execute(query).all()
            for start in range(0, len(rows), BATCH):
                chunk = rows[start:start + BATCH]
                if wanted is not None:
                    chunk = [row for row in chunk if row[0] in wanted]
                stamps = _stamps(session, [row[0] for row in chunk])
                for row in chunk:
                    record = _record_from_row(spec, row[0], dict(zip([f.name for f in spec.fields], row[1:])),
                                              stamps.get(row[0], {}))
                    if record.fields:
                        yield record
        if wanted is None:
            foreign = session.execute(text("SELECT id, type FROM foreign_record WHERE workspace = :w"),
                                      {"w": workspace}).all()
            stamps = _stamps(session, [row.id for row in foreign])
            for row in foreign:
                fields = {name: {"v": json.loads(extra), "t": t}
                          for name, (t, extra) in stamps.get(row.id, {}).items()}
                yield Record(row.id, row.type, fields)

    def export_changes(self, workspace: str, root_record_id: str | None = None) -> Iterator[Change]:
        """The workspace (or one pilot project) as whole-state changes: what a bundle file carries."""
        for record in self.records_of(workspace, root_record_id):
            yield record_as_change(record)

    def workspaces(self) -> list[str]:
        found: set[str] = set()
        with self.engine.connect() as connection:
            for spec in RECORD_TYPES.values():
                found.update(w for (w,) in connection.execute(text(f"SELECT DISTINCT workspace FROM {spec.table_name}"))
                             if w)
        return sorted(found - {BUNDLED_WORKSPACE})

    def get_sync_state(self, key: str, default=None):
        return self._setting(STATE_KEY + key, default)

    def set_sync_state(self, key: str, value) -> None:
        self._set_setting(STATE_KEY + key, value)

    # --- conflicts --------------------------------------------------------------------------------

    def conflicts(self, include_resolved: bool = False) -> list[dict]:
        query = "SELECT id, workspace, record, field, kept, other, resolved FROM conflict"
        if not include_resolved:
            query += " WHERE NOT resolved"
        with self.engine.connect() as connection:
            rows = connection.execute(text(query)).all()
        result = []
        for row in rows:
            kept = json.loads(row.kept) if isinstance(row.kept, str) else row.kept
            other = json.loads(row.other) if isinstance(row.other, str) else row.other
            result.append({"id": row.id, "workspace": row.workspace, "record": row.record, "field": row.field,
                           "kept": kept, "other": other, "resolved": bool(row.resolved),
                           "type": self._type_of(row.record)})
        return result

    def resolve_conflict(self, conflict_id: str, value: Any) -> Edit:
        """Write the chosen value to the field (an ordinary edit) and mark the conflict resolved."""
        with self.records.transaction() as writer:
            row = writer.row(CONFLICT_TYPE, conflict_id)
            if row is None:
                raise KeyError(conflict_id)
            type_name = self._type_of(row["record"], writer.session)
            spec = record_type(type_name) if type_name else None
            if spec is not None and spec.field(row["field"]) is not None:
                decoded = spec.field(row["field"]).codec.decode(value)
                writer.update(type_name, row["record"], {row["field"]: decoded})
            writer.update(CONFLICT_TYPE, conflict_id, {"resolved": True})
        return Edit(tuple(writer.changes))

    def _type_of(self, record_id: str, session: Session | None = None) -> str | None:
        def find(s) -> str | None:
            for spec in RECORD_TYPES.values():
                if s.execute(text(f"SELECT 1 FROM {spec.table_name} WHERE {spec.id_column} = :id"),
                             {"id": record_id}).first():
                    return spec.name
            return s.execute(text("SELECT type FROM foreign_record WHERE id = :id"), {"id": record_id}).scalar()

        if session is not None:
            return find(session)
        with self.records.sessions() as own:
            return find(own)

    # --- moving local records into a shared workspace ----------------------------------------------

    def adopt(self, record_ids: Iterable[str] | None, workspace: str, from_workspace: str = LOCAL_WORKSPACE) -> int:
        """Move records never pushed anywhere (workspace "local") into a real workspace: their
        queued changes are replaced by one whole-state change each in the new workspace.
        ``record_ids`` None moves every local record of the personal types (bookmarks, reading)."""
        personal = {"bookmark", "reading_state"}
        wanted = set(record_ids) if record_ids is not None else None
        moved: list[str] = []
        with self.records.sessions.begin() as session, allow_writes():
            for spec in RECORD_TYPES.values():
                if wanted is None and spec.name not in personal:
                    continue
                table = spec.table
                ids = [row[0] for row in session.execute(select(table.c[spec.id_column]).where(
                    table.c.workspace == from_workspace))]
                ids = [i for i in ids if wanted is None or i in wanted]
                for start in range(0, len(ids), BATCH):
                    chunk = ids[start:start + BATCH]
                    session.execute(table.update().where(table.c[spec.id_column].in_(chunk)).values(workspace=workspace))
                    session.execute(text("DELETE FROM outbox WHERE record_id IN :ids").bindparams(
                        bindparam("ids", expanding=True)), {"ids": chunk})
                    moved.extend(chunk)
            session.flush()
            # Each moved record's whole state is its first change in the new workspace (same transaction:
            # a power cut never leaves a moved record with nothing queued to push).
            moved_set = set(moved)
            for record in self._records_in(session, workspace, moved_set):
                session.execute(text("INSERT INTO outbox (change_id, workspace, record_id, type, fields)"
                                     " VALUES (:c, :w, :r, :t, :f)"),
                                {"c": str(uuid.uuid4()), "w": workspace, "r": record.id, "t": record.type,
                                 "f": canonical_json(record.fields)})
        if moved:
            self.records.bus.publish(set(RECORD_TYPES), set(moved), local=True)
        return len(moved)

    def share(self, root_id: str, workspace: str) -> int:
        """Move a pilot project or a training session made on this laptop, with everything in it,
        into a team workspace: the team receives it at the next sync. Returns how many records moved."""
        return self.adopt(self._tree(root_id), workspace)

    # --- the merge ---------------------------------------------------------------------------------

    def _apply(self, session: Session, workspace: str, changes: list[Change], applied: Applied) -> None:
        conflicts: list[Record] = []
        for start in range(0, len(changes), BATCH):
            conflicts += self._apply_batch(session, workspace, changes[start:start + BATCH], applied)
        if conflicts:
            # Conflict records travel like records: queued so the others learn of the clash too.
            unique = {c.id: c for c in conflicts}
            before = applied.records
            self._apply_batch(session, workspace, [record_as_change(c, change_id="-") for c in unique.values()],
                              applied, queue=True)
            applied.conflicts += applied.records - before

    def _stored(self, session: Session, ids: Iterable[str], likely_types: set[str]
                ) -> tuple[dict[str, dict[str, tuple[str, str | None]]], dict[str, tuple], dict[str, Record | None]]:
        """The clocks, rows and records (None for new ones) stored here for a batch of ids."""
        ids = list(dict.fromkeys(ids))
        stamps = _stamps(session, ids)
        # Every synced record has clocks: ids with none are new here (most of a first sync), so only
        # the others are looked up in the tables.
        stored_rows = self._rows(session, [i for i in ids if i in stamps], likely_types)
        current: dict[str, Record | None] = {}
        for record_id in ids:
            found = stored_rows.get(record_id)
            if found is None:
                current[record_id] = None
            else:
                type_name, _workspace, values = found
                spec = record_type(type_name)
                current[record_id] = (_record_from_row(spec, record_id, values, stamps.get(record_id, {}))
                                      if spec else _foreign(record_id, type_name, stamps.get(record_id, {})))
        return stamps, stored_rows, current

    def _store_pulled(self, session: Session, workspace: str, records: list[Record], applied: Applied,
                      pending: set[tuple[str, str]]) -> None:
        """Records pulled from the server: its state, every clash already settled there, so each
        field simply takes the server's register, except fields with a local edit still waiting
        to be pushed (the server settles those when they arrive). Nothing is queued or remembered."""
        stamps, stored_rows, current = self._stored(session, (r.id for r in records), {r.type for r in records})
        touched: dict[str, Record] = {}
        latest = ""  # the newest stamp seen: the device clock must sort after it
        for record in records:
            found = stored_rows.get(record.id)
            if found is not None and found[1] != workspace:
                applied.rejected.append((record.id, "record-in-other-workspace"))
                continue
            try:
                newest = check_record(record)
            except ChangeRejected as error:
                applied.rejected.append((record.id, error.code))
                continue
            stored = current[record.id]
            if stored is not None and stored.type != record.type:
                applied.rejected.append((record.id, "type-mismatch"))
                continue
            merged = stored.copy() if stored is not None else Record(record.id, record.type, {})
            changed = stored is None
            for name, value in record.fields.items():
                if (record.id, name) in pending:
                    continue  # a local edit waits in the outbox: it is pushed next, the server settles it
                old = merged.fields.get(name)
                if old is None or old["t"] != value["t"] or canonical_json(old["v"]) != canonical_json(value["v"]):
                    merged.fields[name] = {"v": value["v"], "t": value["t"]}
                    changed = True
            if newest > latest:
                latest = newest
            if changed:
                current[record.id] = merged
                touched[record.id] = merged
        self._store_touched(session, workspace, touched, latest, stored_rows, stamps, applied, queue=False)

    def _apply_batch(self, session: Session, workspace: str, changes: list[Change], applied: Applied,
                     queue: bool = False) -> list[Record]:
        stamps, stored_rows, current = self._stored(session, (c.record_id for c in changes),
                                                    {c.type for c in changes})
        conflicts: list[Record] = []
        touched: dict[str, Record] = {}
        latest = ""  # the newest stamp seen: the device clock must sort after it
        seen = set()
        remembered: list[tuple[str]] = []  # change ids applied now, written in one statement
        if not queue:
            wanted = [change.change_id for change in changes]
            seen = {c for (c,) in session.execute(text("SELECT change_id FROM applied_change WHERE change_id IN :ids")
                                                  .bindparams(bindparam("ids", expanding=True)), {"ids": wanted})}
        for change in changes:
            if change.change_id in seen:
                applied.duplicates += 1
                continue
            found = stored_rows.get(change.record_id)
            if found is not None and found[1] != workspace:
                applied.rejected.append((change.change_id, "record-in-other-workspace"))
                continue
            try:
                newest = check_change(change)
                outcome = merge_change(current[change.record_id], change)
            except ChangeRejected as error:
                applied.rejected.append((change.change_id, error.code))
                continue
            if not queue:
                seen.add(change.change_id)
                remembered.append((change.change_id,))
            if newest > latest:
                latest = newest
            conflicts += outcome.conflicts
            if outcome.changed:
                current[change.record_id] = outcome.record
                touched[change.record_id] = outcome.record
        if remembered:
            session.connection().exec_driver_sql("INSERT OR IGNORE INTO applied_change (change_id) VALUES (?)",
                                                 remembered)
        self._store_touched(session, workspace, touched, latest, stored_rows, stamps, applied, queue)
        return conflicts

    def _store_touched(self, session: Session, workspace: str, touched: dict[str, Record], latest: str,
                       stored_rows: dict[str, tuple], stamps: dict[str, dict[str, tuple[str, str | None]]],
                       applied: Applied, queue: bool) -> None:
        """Write the records a batch changed, move the clock past what it saw, recompute what
        depends on them."""
        if latest:
            self.records.clock_in(session).observe(latest)
        if touched:
            self._write(session, workspace, touched, current_before={i: stored_rows.get(i) for i in touched},
                        stamps=stamps, queue=queue)
            for record in touched.values():
                applied.count(record.type, record.id)
            self.hooks.after(session, workspace, touched.values())

    def _rows(self, session: Session, ids: list[str], likely_types: set[str] = frozenset()
              ) -> dict[str, tuple[str, str, dict[str, Any]]]:
        """Stored records by id: first in the tables of the types the changes name (one query for
        a page of one type), then, for ids not found there, in every other table."""
        found: dict[str, tuple[str, str, dict[str, Any]]] = {}
        if not ids:
            return found
        first = [RECORD_TYPES[name] for name in likely_types if name in RECORD_TYPES]
        for spec in first + [spec for spec in RECORD_TYPES.values() if spec not in first]:
            remaining = [i for i in ids if i not in found]
            if not remaining:
                break
            table = spec.table
            columns = [table.c[f.column] for f in spec.fields]
            rows = session.execute(select(table.c[spec.id_column], table.c.workspace, *columns)
                                   .where(table.c[spec.id_column].in_(remaining))).all()
            for row in rows:
                found[row[0]] = (spec.name, row[1], dict(zip([f.name for f in spec.fields], row[2:])))
        if len(found) < len(ids):
            rest = [i for i in ids if i not in found]
            for row in session.execute(text("SELECT id, type, workspace FROM foreign_record WHERE id IN :ids")
                                       .bindparams(bindparam("ids", expanding=True)), {"ids": rest}):
                found[row.id] = (row.type, row.workspace, {})
        return found

    def _write(self, session: Session, workspace: str, touched: dict[str, Record],
               current_before: dict[str, tuple | None], stamps: dict[str, dict[str, tuple[str, str | None]]],
               queue: bool) -> None:
        inserts: dict[str, list[dict]] = defaultdict(list)
        clock_rows: list[dict] = []
        for record_id, record in touched.items():
            spec = record_type(record.type)
            before = stamps.get(record_id, {})
            if spec is None:
                if current_before.get(record_id) is None:
                    session.execute(text("INSERT INTO foreign_record (id, type, workspace) VALUES (:i, :t, :w)"),
                                    {"i": record_id, "t": record.type, "w": workspace})
                for name, value in record.fields.items():
                    extra = canonical_json(value["v"])
                    if before.get(name) != (value["t"], extra):
                        clock_rows.append((record_id, name, value["t"], extra))
                continue
            columns: dict[str, Any] = {}
            for name, value in record.fields.items():
                spec_field, v = spec.field(name), value["v"]
                exact = spec_field is not None and spec_field.codec in _EXACT and _fits_exactly(spec_field.codec, v)
                extra = None if exact else _extra_of(spec, name, v)
                if before and before.get(name) == (value["t"], extra):
                    continue  # stored exactly so already
                if spec_field is not None and extra is None:
                    # (texts, numbers and booleans that fit are their own column value)
                    exact_as_is = exact and spec_field.codec is not DATE
                    columns[spec_field.column] = v if exact_as_is else spec_field.codec.decode(v)
                clock_rows.append((record_id, name, value["t"], extra))
            if current_before.get(record_id) is None:
                inserts[spec.name].append(_complete_row(spec, record_id, workspace, columns))
            elif columns:
                table = spec.table
                session.execute(table.update().where(table.c[spec.id_column] == record_id).values(**columns))
            if queue:
                session.execute(text("INSERT INTO outbox (change_id, workspace, record_id, type, fields)"
                                     " VALUES (:c, :w, :r, :t, :f)"),
                                {"c": str(uuid.uuid4()), "w": workspace, "r": record_id, "t": record.type,
                                 "f": canonical_json(record.fields)})
        connection = session.connection()
        for type_name, rows in inserts.items():
            _insert_rows(connection, record_type(type_name).table, rows)
        if clock_rows:
            # Straight to the driver: tens of thousands of plain rows, nothing for SQLAlchemy to convert.
            connection.exec_driver_sql(
                "INSERT INTO record_field (record_id, field, t, extra) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (record_id, field) DO UPDATE SET t = excluded.t, extra = excluded.extra",
                clock_rows)

    def _pending_fields(self, session: Session, workspace: str) -> set[tuple[str, str]]:
        pending: set[tuple[str, str]] = set()
        for record_id, fields in session.execute(text(
                "SELECT record_id, fields FROM outbox WHERE workspace = :w AND error IS NULL"), {"w": workspace}):
            pending.update((record_id, name) for name in json.loads(fields))
        return pending

    def _tree(self, root_id: str) -> set[str]:
        """A record and every record in it (a project's checklists, items, evidence, feasibility, case
        and lines; a training session's participants and attendance), and the conflict records about them."""
        wanted = {root_id}
        children = [spec for spec in RECORD_TYPES.values() if spec.parent]
        with self.engine.connect() as connection:
            grew = True
            while grew:
                grew = False
                for spec in children:
                    column = spec.parent[0]
                    for (child,) in connection.execute(text(
                            f"SELECT {spec.id_column} FROM {spec.table_name} WHERE {column} IN :ids").bindparams(
                            bindparam("ids", expanding=True)), {"ids": list(wanted)}):
                        if child not in wanted:
                            wanted.add(child)
                            grew = True
            wanted.update(c for (c,) in connection.execute(text("SELECT id FROM conflict WHERE record IN :ids")
                                                           .bindparams(bindparam("ids", expanding=True)),
                                                           {"ids": list(wanted)}))
        return wanted

    def _announce(self, applied: Applied) -> None:
        if applied.records:
            self.records.bus.publish(set(applied.by_type), set(applied.ids), local=False)

    # --- settings -------------------------------------------------------------------------------

    def _setting(self, key: str, default=None):
        with self.engine.connect() as connection:
            value = connection.execute(text("SELECT value FROM setting WHERE key = :k"), {"k": key}).scalar()
        return default if value is None else json_setting(value)

    def _set_setting(self, key: str, value) -> None:
        with self.records.sessions.begin() as session:
            self._write_setting(session, key, value)

    @staticmethod
    def _write_setting(session: Session, key: str, value) -> None:
        session.execute(text("INSERT INTO setting (key, value) VALUES (:k, :v)"
                             " ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
                        {"k": key, "v": json.dumps(value)})


class _DerivedRows:
    """What must be recomputed on this laptop when records arrive: a guide's rendered text (the
    reader and search use it) and the reader's copy of lessons."""

    def after(self, session: Session, workspace: str, records: Iterable[Record]) -> None:
        guides = [r.id for r in records if r.type == "guide"]
        lesson_modules = {r.fields.get("module_id", {}).get("v") for r in records if r.type == "training_lesson"}
        modules = {r.id for r in records if r.type == "training_module"} | {m for m in lesson_modules if m}
        if guides:
            import html

            from companion.content.limits import ShapeError, check_html
            from companion.content.render import render_markdown
            from companion.storage.models import Guide

            for guide in session.scalars(select(Guide).where(Guide.record_id.in_(guides))):
                guide.origin = "library"
                try:  # a guide from a server is untrusted: the reader's limits apply to it too
                    rendered = render_markdown(guide.body_markdown or "")
                    check_html(rendered.html)
                except (ShapeError, RecursionError, ValueError):
                    text = (guide.body_markdown or "")[:20_000]
                    guide.body_html, guide.body_text, guide.toc, guide.word_count = (
                        f"<pre>{html.escape(text)}</pre>", text, [], len(text.split()))
                    continue
                guide.body_html = rendered.html
                guide.body_text = rendered.text
                guide.toc = [[entry.level, entry.anchor, entry.title] for entry in rendered.toc]
                guide.word_count = rendered.word_count
            session.flush()
        if modules:
            from companion.storage.training_models import TrainingLesson, TrainingModule
            from companion.training.importer import mirror_lesson, remove_lesson_guides

            for module in session.scalars(select(TrainingModule).where(TrainingModule.id.in_(list(modules)))):
                session.refresh(module)
                if module.deleted:
                    remove_lesson_guides(session, module)
                    continue
                for lesson in session.scalars(select(TrainingLesson).where(TrainingLesson.module_id == module.id)):
                    session.refresh(lesson)
                    mirror_lesson(session, module, lesson)
            session.flush()


# --- helpers ---------------------------------------------------------------------------------------


def json_setting(raw: Any) -> Any:
    """A setting's JSON as read with plain SQL: SQLite gives numbers back as numbers (the JSON
    column has numeric affinity), everything else as its JSON text."""
    return json.loads(raw) if isinstance(raw, str) else raw


def _change(change_id: str, record_id: str, type_name: str, fields_json: str) -> Change:
    fields = json.loads(fields_json)
    return Change(change_id, record_id, type_name,
                  {name: FieldWrite(value["v"], value["t"], value.get("base")) for name, value in fields.items()})


def _stamps(session: Session, ids: list[str]) -> dict[str, dict[str, tuple[str, str | None]]]:
    found: dict[str, dict[str, tuple[str, str | None]]] = defaultdict(dict)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        if not chunk:
            continue
        for record_id, name, t, extra in session.execute(text(
                "SELECT record_id, field, t, extra FROM record_field WHERE record_id IN :ids").bindparams(
                bindparam("ids", expanding=True)), {"ids": chunk}):
            found[record_id][name] = (t, extra)
    return found


def _record_from_row(spec: RecordType, record_id: str, values: Mapping[str, Any],
                     stamps: Mapping[str, tuple[str, str | None]]) -> Record:
    fields = {}
    for name, (t, extra) in stamps.items():
        if extra is not None:
            fields[name] = {"v": json.loads(extra), "t": t}
        elif name in values:
            fields[name] = {"v": spec.field(name).codec.encode(values[name]), "t": t}
    return Record(record_id, spec.name, fields)


def _foreign(record_id: str, type_name: str, stamps: Mapping[str, tuple[str, str | None]]) -> Record:
    return Record(record_id, type_name, {name: {"v": json.loads(extra), "t": t}
                                         for name, (t, extra) in stamps.items() if extra is not None})


def _extra_of(spec: RecordType | None, name: str, value: Any) -> str | None:
    """The JSON kept aside for a value that has no column here (unknown field, wrong type), else None."""
    spec_field = spec.field(name) if spec is not None else None
    if spec_field is None:
        return canonical_json(value)
    if spec_field.codec in _EXACT and _fits_exactly(spec_field.codec, value):
        return None  # the common case, without a round trip through JSON
    try:
        decoded = spec_field.codec.decode(value)
        if canonical_json(spec_field.codec.encode(decoded)) != canonical_json(value):
            return canonical_json(value)  # would not come back the same: keep it as it came
    except (CodecError, TypeError, ValueError):
        return canonical_json(value)
    return None


def _fits_exactly(codec, value: Any) -> bool:
    """Texts, whole numbers and booleans come back from their columns exactly as they went in."""
    if value is None:
        return codec in (OPTIONAL_TEXT, OPTIONAL_INT, DATE)
    if codec is DATE:
        return type(value) is str and len(value) == 10 and _iso_date_round_trips(value)
    if codec in (TEXT, OPTIONAL_TEXT):
        return type(value) is str
    if codec is BOOL:
        return type(value) is bool
    return type(value) is int and -(2 ** 63) <= value < 2 ** 63


def _insert_rows(connection, table, rows: list[dict[str, Any]]) -> None:
    """INSERT many whole rows straight through the driver, each value converted by its column's
    own SQLAlchemy type (so dates, JSON and booleans are stored exactly as the ORM stores them):
    a first sync inserts thousands of rows, and SQLAlchemy's per-row bookkeeping was most of the time."""
    names = list(rows[0])
    dialect = connection.dialect
    converted = [(index, convert) for index, name in enumerate(names)
                 if (convert := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None]
    values_of = operator.itemgetter(*names)
    sql = (f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})")
    if not converted:
        connection.exec_driver_sql(sql, [values_of(row) for row in rows])
        return
    parameters = []
    for row in rows:
        values = list(values_of(row))
        for index, convert in converted:
            values[index] = convert(values[index])
        parameters.append(tuple(values))
    connection.exec_driver_sql(sql, parameters)


def _iso_date_round_trips(value: str) -> bool:
    try:
        return dt.date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def _complete_row(spec: RecordType, record_id: str, workspace: str, columns: dict[str, Any]) -> dict[str, Any]:
    """A whole row for a record first seen now: columns it did not bring get a neutral value (a
    change may write only some fields, and a child may come before its parent)."""
    defaults, stamped = _row_defaults(spec)
    row = {spec.id_column: record_id, "workspace": workspace, **defaults}
    if stamped:
        from companion.storage.models import utcnow

        now = utcnow()
        row.update((name, now) for name in stamped)
    row.update(columns)  # (only field columns: never the id or the workspace)
    return row


_ROW_DEFAULTS: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {}


def _row_defaults(spec: RecordType) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Worked out once per table (a first sync completes thousands of rows): each column's
    neutral value, and the time-stamp columns that get the current time."""
    if spec.name not in _ROW_DEFAULTS:
        defaults: dict[str, Any] = {}
        stamped: list[str] = []
        for column in spec.table.c:
            if column.name in (spec.id_column, "workspace") or column.primary_key:
                continue
            if column.default is not None and column.default.is_scalar:
                defaults[column.name] = column.default.arg
            elif column.name in ("created_at", "updated_at", "last_opened_at"):
                stamped.append(column.name)
            elif not column.nullable:
                defaults[column.name] = _neutral(column)
            else:
                defaults[column.name] = None
        _ROW_DEFAULTS[spec.name] = (defaults, tuple(stamped))
    return _ROW_DEFAULTS[spec.name]


def _neutral(column) -> Any:
    python_type = getattr(column.type, "python_type", str)
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return None
    if python_type is bool:
        return False
    if python_type in (int, float):
        return 0
    if python_type is str:
        return ""
    if python_type in (list, dict):
        return python_type()
    return None


def _is_sha256(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def _blob_hashes(type_name: str, value: Any) -> list[str]:
    if type_name == "attachment" and _is_sha256(value):
        return [value]
    if isinstance(value, dict):
        if _is_sha256(value.get("blob")):
            return [value["blob"]]
        return [h for inner in value.values() for h in _blob_hashes(type_name, inner)]
    return []

"""Which tables hold synced records, and how each field travels as a JSON value.

Every type that a team shares or a person carries between laptops is declared here once: its
table, its wire fields and how each maps to columns, its parent (by id only: a child may arrive
first), and how its id is made. The writer, ``apply_remote``, the digest and the write guard all
read this registry, so a new synced table is one entry here plus its migration.

Tables that are local only, never synced:
- ``setting`` (one laptop's choices, sync cursors, the device id), ``outbox``, ``record_field``
  and ``applied_change`` (sync bookkeeping), ``guide_fts`` (the search index, kept by triggers);
- derived caches: a guide's ``body_html``, ``body_text``, ``toc``, ``word_count`` and
  ``content_hash`` are rendered from its Markdown on this laptop, never sent;
- rows of content shipped with the release (workspace ``bundled``): bundled guides, bundled
  training modules and the lesson mirrors in the guide table. Each release brings its own.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy import Table

from companion.replication import CONFLICT_TYPE, DELETED_FIELD

LOCAL_WORKSPACE = "local"  # made on this laptop, not yet in a shared workspace
BUNDLED_WORKSPACE = "bundled"  # shipped with the release: never stamped, never pushed
LIBRARY_WORKSPACE = "library"
RECORDS_NAMESPACE = uuid.UUID("6f1c8f3e-5b0a-5a43-9d56-0c1f6e0a7d21")  # uuid5 namespace of derived ids


class CodecError(ValueError):
    """A JSON value that does not fit the column (wrong type): kept as it came, in record_field.extra."""


@dataclass(frozen=True, eq=False)  # codecs are module constants: compared by identity (fast `in` checks)
class Codec:
    encode: Callable[[Any], Any]  # column value -> JSON value
    decode: Callable[[Any], Any]  # JSON value -> column value (raises CodecError)


def _check(kind: type | tuple[type, ...], optional: bool = False) -> Callable[[Any], Any]:
    def decode(value: Any) -> Any:
        if value is None and optional:
            return None
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            raise CodecError(f"expected {kind}, got a boolean")
        if not isinstance(value, kind):
            raise CodecError(f"expected {kind}, got {type(value).__name__}")
        return value

    return decode


def _same(value: Any) -> Any:
    return value


def _encode_date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _decode_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise CodecError("a date is an ISO string")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CodecError(str(error)) from None


def _encode_datetime(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="microseconds") if value is not None else None


def _decode_datetime(value: Any) -> dt.datetime:
    if not isinstance(value, str):
        raise CodecError("a time is an ISO string")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as error:
        raise CodecError(str(error)) from None
    if parsed.tzinfo is not None:
        raise CodecError("local times are stored without a time zone")
    return parsed


def _decode_number(value: Any) -> float:
    # Stored in a REAL column: a whole number comes back as 3.0, so the value that came
    # (3) is kept as it came as well (record_field.extra) when the two differ on the wire.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CodecError("expected a number")
    return float(value)


def _decode_int(value: Any, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not -(2 ** 63) <= value < 2 ** 63:
        raise CodecError("expected a whole number SQLite can store")
    return value


def _decode_int_list(value: Any) -> list[int]:
    if not isinstance(value, list):
        raise CodecError("expected a list of whole numbers")
    return [_decode_int(v) for v in value]


def _decode_str_list(value: Any) -> list[str]:
    if not isinstance(value, list) or any(not isinstance(v, str) for v in value):
        raise CodecError("expected a list of texts")
    return list(value)


def _decode_optional_int_list(value: Any) -> list[int] | None:
    return None if value is None else _decode_int_list(value)


def _decode_any_json(value: Any) -> Any:
    return value


TEXT = Codec(_same, _check(str))
OPTIONAL_TEXT = Codec(_same, _check(str, optional=True))
INT = Codec(_same, _decode_int)
OPTIONAL_INT = Codec(_same, lambda value: _decode_int(value, optional=True))
BOOL = Codec(lambda value: bool(value), _check(bool))
NUMBER = Codec(_same, _decode_number)
DATE = Codec(_encode_date, _decode_date)
DATETIME = Codec(_encode_datetime, _decode_datetime)
INT_LIST = Codec(lambda value: list(value or []), _decode_int_list)
OPTIONAL_INT_LIST = Codec(lambda value: None if value is None else list(value), _decode_optional_int_list)
STR_LIST = Codec(lambda value: list(value or []), _decode_str_list)
JSON_VALUE = Codec(_same, _decode_any_json)
# A guide's tags travel as a list and are stored space-separated (the search index reads them).
TAGS = Codec(lambda value: [tag for tag in (value or "").split() if tag],
             lambda value: " ".join(_decode_str_list(value)))


@dataclass(frozen=True)
class Field:
    name: str  # on the wire
    column: str  # in the table
    codec: Codec


@dataclass(frozen=True)
class RecordType:
    name: str
    table_name: str
    fields: tuple[Field, ...]
    parent: tuple[str, str] | None = None  # (column holding the parent id, parent type)
    id_rule: str = "random"  # how ids are made: "random" (uuid4) or how they are derived
    id_column: str = "id"
    default_workspace: str = LOCAL_WORKSPACE
    _by_name: dict[str, Field] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({f.name: f for f in self.fields})

    def field(self, name: str) -> Field | None:
        return self._by_name.get(name)

    @property
    def table(self) -> Table:
        from companion.storage.models import all_models

        return all_models().metadata.tables[self.table_name]


def _fields(*specs: tuple[str, Codec] | tuple[str, Codec, str]) -> tuple[Field, ...]:
    built = [Field(spec[0], spec[2] if len(spec) > 2 else spec[0], spec[1]) for spec in specs]
    return (*built, Field(DELETED_FIELD, "deleted", BOOL))


def derived_id(parent_id: str, kind: str, key: str) -> str:
    """The id every laptop gives the same thing: uuid5 of the parent's id and the thing's key."""
    return str(uuid.uuid5(uuid.UUID(parent_id), f"{kind}\n{key}"))


def named_id(kind: str, *parts: str) -> str:
    """The id of something with no parent record (a bookmark of a guide in a workspace)."""
    return str(uuid.uuid5(RECORDS_NAMESPACE, "\n".join((kind, *parts))))


RECORD_TYPES: dict[str, RecordType] = {spec.name: spec for spec in (
    # --- pilot projects: shared by a team --------------------------------------------------------
    RecordType("project", "project", _fields(
        ("name", TEXT), ("country", TEXT), ("scheme", TEXT), ("currency", TEXT), ("usd_rate", OPTIONAL_TEXT),
        ("start_date", DATE), ("archived", BOOL))),
    RecordType("project_member", "project_member", _fields(
        ("project_id", TEXT), ("name", TEXT), ("position", INT)),
        parent=("project_id", "project"), id_rule="uuid5(project, member name)"),
    RecordType("checklist", "checklist", _fields(
        ("project_id", TEXT), ("template_id", TEXT), ("template_version", INT)),
        parent=("project_id", "project"), id_rule="uuid5(project, template id)"),
    RecordType("checklist_item", "checklist_item", _fields(
        ("checklist_id", TEXT), ("section_key", TEXT), ("item_key", TEXT), ("position", INT), ("status", TEXT),
        ("owner", TEXT), ("due_date", DATE), ("notes", TEXT)),
        parent=("checklist_id", "checklist"), id_rule="uuid5(checklist, item key)"),
    RecordType("attachment", "attachment", _fields(
        ("item_id", TEXT), ("sha256", TEXT), ("name", TEXT), ("size", INT), ("mime", TEXT)),
        parent=("item_id", "checklist_item")),
    RecordType("feasibility", "feasibility", _fields(
        ("project_id", TEXT), ("template_id", TEXT), ("template_version", INT), ("recommendation", TEXT)),
        parent=("project_id", "project"), id_rule="uuid5(project, template id)"),
    RecordType("feasibility_weight", "feasibility_weight", _fields(
        ("feasibility_id", TEXT), ("dimension_key", TEXT), ("weight", NUMBER)),
        parent=("feasibility_id", "feasibility"), id_rule="uuid5(feasibility, dimension key)"),
    RecordType("feasibility_score", "feasibility_score", _fields(
        ("feasibility_id", TEXT), ("dimension_key", TEXT), ("criterion_key", TEXT), ("score", OPTIONAL_INT),
        ("evidence", TEXT), ("risk", TEXT)),
        parent=("feasibility_id", "feasibility"), id_rule="uuid5(feasibility, criterion key)"),
    RecordType("business_case", "business_case", _fields(
        ("project_id", TEXT), ("template_id", OPTIONAL_TEXT), ("horizon_years", INT), ("discount_rate", TEXT),
        ("insurees", INT)),
        parent=("project_id", "project"), id_rule="uuid5(project, 'business case')"),
    RecordType("business_line", "business_line", _fields(
        ("business_case_id", TEXT), ("side", TEXT), ("category", TEXT), ("kind", TEXT), ("description", TEXT),
        ("unit_cost", TEXT), ("quantity", TEXT), ("years", INT_LIST), ("position", INT)),
        parent=("business_case_id", "business_case")),
    # --- training: sessions shared by a team; custom modules; bundled modules from the library ---
    RecordType("training_module", "training_module", _fields(
        ("slug", TEXT), ("language", TEXT), ("origin", TEXT), ("based_on", OPTIONAL_TEXT), ("title", TEXT),
        ("summary", TEXT), ("audience", TEXT), ("duration_minutes", INT), ("pass_mark", INT), ("revision", INT),
        ("order", INT, "sort_order"), ("translation_of", OPTIONAL_TEXT), ("source_revision", OPTIONAL_INT)),
        id_rule="random for a trainer's module; named('training_module', slug, language) for published ones"),
    RecordType("training_lesson", "training_lesson", _fields(
        ("module_id", TEXT), ("lesson_key", TEXT), ("position", INT), ("title", TEXT), ("summary", TEXT),
        ("minutes", INT), ("body_markdown", TEXT)),
        parent=("module_id", "training_module"), id_rule="uuid5(module, lesson key)"),
    RecordType("training_question", "training_question", _fields(
        ("module_id", TEXT), ("question_key", TEXT), ("position", INT), ("question", TEXT), ("choices", STR_LIST),
        ("answer", INT), ("explanation", TEXT)),
        parent=("module_id", "training_module"), id_rule="uuid5(module, question key)"),
    RecordType("training_session", "training_session", _fields(
        ("module_slug", TEXT), ("module_title", TEXT), ("language", TEXT), ("start_date", DATE), ("days", INT),
        ("place", TEXT), ("trainer", TEXT), ("quiz_size", INT), ("quiz_fingerprint", TEXT), ("pass_mark", INT),
        ("notes", TEXT))),
    RecordType("training_participant", "training_participant", _fields(
        ("session_id", TEXT), ("position", INT), ("name", TEXT), ("organisation", TEXT), ("role", TEXT),
        ("sex", TEXT), ("contact", TEXT), ("consent", BOOL), ("pre_score", OPTIONAL_INT),
        ("post_score", OPTIONAL_INT), ("pre_answers", OPTIONAL_INT_LIST), ("post_answers", OPTIONAL_INT_LIST),
        ("rating", OPTIONAL_INT), ("comment", TEXT)),
        parent=("session_id", "training_session")),
    RecordType("training_attendance", "training_attendance", _fields(
        ("participant_id", TEXT), ("day", INT), ("present", BOOL)),
        parent=("participant_id", "training_participant"), id_rule="uuid5(participant, day)"),
    # --- personal: one person's, carried between their laptops -----------------------------------
    RecordType("bookmark", "bookmark", _fields(("guide_slug", TEXT), ("created_at", DATETIME)),
               id_rule="named('bookmark', workspace, guide slug)"),
    RecordType("reading_state", "reading_state", _fields(
        ("guide_slug", TEXT), ("language", TEXT), ("position", NUMBER), ("last_opened_at", DATETIME)),
        id_rule="named('reading', workspace, guide slug, language)"),
    # --- the library workspace: published guides (docs/sync-protocol.md section 7) ---------------
    RecordType("guide", "guide", _fields(
        ("slug", TEXT), ("language", TEXT), ("title", TEXT), ("summary", TEXT), ("category", TEXT),
        ("tags", TAGS), ("revision", INT), ("order", INT, "sort_order"), ("translation_of", OPTIONAL_TEXT),
        ("source_revision", OPTIONAL_INT), ("body_markdown", TEXT), ("images", JSON_VALUE)),
        id_rule="named by the server: uuid5(library namespace, 'guide:<slug>:<language>')",
        id_column="record_id", default_workspace=LIBRARY_WORKSPACE),
    # --- conflicts: two writes that clashed, kept until resolved -----------------------------------
    RecordType(CONFLICT_TYPE, "conflict", (
        Field("record", "record", TEXT), Field("field", "field", TEXT), Field("kept", "kept", JSON_VALUE),
        Field("other", "other", JSON_VALUE), Field("resolved", "resolved", BOOL)),
        id_rule="uuid5(record, field and the two HLCs) (sync protocol section 2)"),
)}

SYNCED_TABLES = (frozenset(spec.table_name for spec in RECORD_TYPES.values())
                 | {"foreign_record", "record_field", "outbox", "applied_change"})
BY_TABLE = {spec.table_name: spec for spec in RECORD_TYPES.values()}


def record_type(name: str) -> RecordType | None:
    return RECORD_TYPES.get(name)

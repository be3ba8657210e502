"""Mergeable records: tombstones, derived ids, no foreign keys or natural-key unique constraints,
per-field clocks, the outbox, conflict records, team members and feasibility weights as registers.

Every row of 0004 is kept (tests/companion/test_migrations.py upgrades a real 0004 database and
compares every row). Ids that two laptops must agree on are re-derived from the parent's id and
the thing's key; nothing was ever synced before this revision, so changing them is safe.

Revision ID: 0005_records
Revises: 0004_training
"""

import json
import time
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0005_records"
down_revision = "0004_training"
branch_labels = None
depends_on = None

# The same rules as companion/records/registry.py (kept here so this revision never changes).
RECORDS_NAMESPACE = uuid.UUID("6f1c8f3e-5b0a-5a43-9d56-0c1f6e0a7d21")


def derived_id(parent_id: str, kind: str, key: str) -> str:
    return str(uuid.uuid5(uuid.UUID(parent_id), f"{kind}\n{key}"))


def named_id(kind: str, *parts: str) -> str:
    return str(uuid.uuid5(RECORDS_NAMESPACE, "\n".join((kind, *parts))))


# Leaves first: dropping a parent table while a child still has ON DELETE CASCADE would empty the child.
REBUILT = ["attachment", "checklist_item", "checklist", "feasibility_score", "feasibility", "business_line",
           "business_case", "project", "training_attendance", "training_participant", "training_lesson",
           "training_question", "training_module", "bookmark", "reading_state", "guide"]
DROPPED_COLUMNS = {"project": {"team"}, "feasibility": {"weights"}}
INDEXES = {
    "attachment": [["item_id"]], "checklist_item": [["checklist_id"]], "checklist": [["project_id"]],
    "feasibility_score": [["feasibility_id"]], "feasibility": [["project_id"]],
    "business_line": [["business_case_id"]], "business_case": [["project_id"]],
    "training_attendance": [["participant_id"]], "training_participant": [["session_id"]],
    "training_lesson": [["module_id"]], "training_question": [["module_id"]],
    "training_module": [["slug", "language"]], "bookmark": [["guide_slug"]],
    "reading_state": [["guide_slug", "language"], ["last_opened_at"]],
    "guide": [["slug", "language"], ["category", "sort_order"]],
}
INDEX_NAMES = {("training_module", "slug", "language"): "ix_training_module_slug_language",
               ("bookmark", "guide_slug"): "ix_bookmark_guide", ("reading_state", "guide_slug", "language"):
               "ix_reading_state_guide", ("reading_state", "last_opened_at"): "ix_reading_state_opened",
               ("guide", "slug", "language"): "ix_guide_slug_language",
               ("guide", "category", "sort_order"): "ix_guide_category_order"}

FTS_COLUMNS = "title, summary, tags, body_text, language, category"
FTS_TRIGGERS = [
    f"""CREATE TRIGGER guide_fts_insert AFTER INSERT ON guide BEGIN
        INSERT INTO guide_fts(rowid, {FTS_COLUMNS})
        VALUES (new.id, new.title, new.summary, new.tags, new.body_text, new.language, new.category);
    END""",
    f"""CREATE TRIGGER guide_fts_delete AFTER DELETE ON guide BEGIN
        INSERT INTO guide_fts(guide_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, old.title, old.summary, old.tags, old.body_text, old.language, old.category);
    END""",
    f"""CREATE TRIGGER guide_fts_update AFTER UPDATE ON guide BEGIN
        INSERT INTO guide_fts(guide_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, old.title, old.summary, old.tags, old.body_text, old.language, old.category);
        INSERT INTO guide_fts(rowid, {FTS_COLUMNS})
        VALUES (new.id, new.title, new.summary, new.tags, new.body_text, new.language, new.category);
    END""",
]


def _rebuild(connection, name: str) -> None:
    """Recreate a table without foreign keys and unique constraints (SQLite cannot drop them),
    with a `deleted` tombstone, copying every row."""
    old = sa.Table(name, sa.MetaData(), autoload_with=connection)
    dropped = DROPPED_COLUMNS.get(name, set())
    columns = [sa.Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
               for c in old.columns if c.name not in dropped]
    have = {c.name for c in columns}
    if "deleted" not in have:
        columns.append(sa.Column("deleted", sa.Boolean(), nullable=False, server_default=sa.false()))
    if name == "guide":
        columns += [sa.Column("record_id", sa.String(36), nullable=True),
                    sa.Column("workspace", sa.String(64), nullable=True),
                    sa.Column("images", sa.JSON(), nullable=True)]
    new = sa.Table(f"_new_{name}", sa.MetaData(), *columns)
    new.create(connection)
    copied = ", ".join(f'"{c.name}"' for c in old.columns if c.name not in dropped)
    connection.execute(sa.text(f'INSERT INTO "_new_{name}" ({copied}) SELECT {copied} FROM "{name}"'))
    connection.execute(sa.text(f'DROP TABLE "{name}"'))
    connection.execute(sa.text(f'ALTER TABLE "_new_{name}" RENAME TO "{name}"'))
    for index_columns in INDEXES.get(name, []):
        index = INDEX_NAMES.get((name, *index_columns), f"ix_{name}_{'_'.join(index_columns)}")
        op.create_index(index, name, index_columns)
    if name == "guide":
        op.create_index("ix_guide_record_id", "guide", ["record_id"], unique=True)


def _rekey(connection, table: str, old_id: str, new_id: str, children: list[tuple[str, str]]) -> None:
    if old_id == new_id:
        return
    connection.execute(sa.text(f"UPDATE {table} SET id = :new WHERE id = :old"), {"new": new_id, "old": old_id})
    for child, column in children:
        connection.execute(sa.text(f"UPDATE {child} SET {column} = :new WHERE {column} = :old"),
                           {"new": new_id, "old": old_id})


def _create_new_tables() -> None:
    op.create_table("project_member",
                    sa.Column("id", sa.String(36), primary_key=True),
                    sa.Column("workspace", sa.String(64), nullable=False),
                    sa.Column("project_id", sa.String(36), nullable=False),
                    sa.Column("name", sa.String(200), nullable=False),
                    sa.Column("position", sa.Integer(), nullable=False),
                    sa.Column("deleted", sa.Boolean(), nullable=False))
    op.create_index("ix_project_member_project_id", "project_member", ["project_id"])
    op.create_table("feasibility_weight",
                    sa.Column("id", sa.String(36), primary_key=True),
                    sa.Column("workspace", sa.String(64), nullable=False),
                    sa.Column("feasibility_id", sa.String(36), nullable=False),
                    sa.Column("dimension_key", sa.String(100), nullable=False),
                    sa.Column("weight", sa.Float(), nullable=False),
                    sa.Column("deleted", sa.Boolean(), nullable=False))
    op.create_index("ix_feasibility_weight_feasibility_id", "feasibility_weight", ["feasibility_id"])
    op.create_table("record_field",
                    sa.Column("record_id", sa.String(36), primary_key=True),
                    sa.Column("field", sa.String(64), primary_key=True),
                    sa.Column("t", sa.String(40), nullable=False),
                    sa.Column("extra", sa.Text(), nullable=True))
    op.create_table("outbox",
                    sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
                    sa.Column("change_id", sa.String(36), nullable=False, unique=True),
                    sa.Column("workspace", sa.String(64), nullable=False),
                    sa.Column("record_id", sa.String(36), nullable=False),
                    sa.Column("type", sa.String(64), nullable=False),
                    sa.Column("fields", sa.Text(), nullable=False),
                    sa.Column("error", sa.Text(), nullable=True))
    op.create_index("ix_outbox_workspace", "outbox", ["workspace"])
    op.create_index("ix_outbox_record_id", "outbox", ["record_id"])
    op.create_table("applied_change", sa.Column("change_id", sa.String(36), primary_key=True))
    op.create_table("conflict",
                    sa.Column("id", sa.String(36), primary_key=True),
                    sa.Column("workspace", sa.String(64), nullable=False),
                    sa.Column("record", sa.String(36), nullable=False),
                    sa.Column("field", sa.String(64), nullable=False),
                    sa.Column("kept", sa.JSON(), nullable=False),
                    sa.Column("other", sa.JSON(), nullable=False),
                    sa.Column("resolved", sa.Boolean(), nullable=False))
    op.create_index("ix_conflict_workspace", "conflict", ["workspace"])
    op.create_index("ix_conflict_record", "conflict", ["record"])
    op.create_table("foreign_record",
                    sa.Column("id", sa.String(36), primary_key=True),
                    sa.Column("type", sa.String(64), nullable=False),
                    sa.Column("workspace", sa.String(64), nullable=False))
    op.create_index("ix_foreign_record_workspace", "foreign_record", ["workspace"])


def _rows(connection, sql: str, **params):
    return connection.execute(sa.text(sql), params).all()


def _registers_and_ids(connection) -> None:
    """Team members and weights become registers; shared things get the ids every laptop derives."""
    for project_id, workspace, team in _rows(connection, "SELECT id, workspace, team FROM _old_project_team"):
        for position, name in enumerate(dict.fromkeys(json.loads(team or "[]"))):
            connection.execute(sa.text(
                "INSERT INTO project_member (id, workspace, project_id, name, position, deleted)"
                " VALUES (:id, :ws, :p, :name, :pos, 0)"),
                {"id": derived_id(project_id, "member", name), "ws": workspace, "p": project_id, "name": name,
                 "pos": position})
    for row in _rows(connection, "SELECT id, project_id, template_id FROM checklist"):
        new_id = derived_id(row.project_id, "checklist", row.template_id)
        if _rows(connection, "SELECT 1 FROM checklist WHERE id = :id", id=new_id):
            new_id = row.id  # two copies of one template in a project: keep both as they are
        _rekey(connection, "checklist", row.id, new_id, [("checklist_item", "checklist_id")])
    for row in _rows(connection, "SELECT id, checklist_id, item_key FROM checklist_item"):
        new_id = derived_id(row.checklist_id, "item", row.item_key)
        if not _rows(connection, "SELECT 1 FROM checklist_item WHERE id = :id", id=new_id):
            _rekey(connection, "checklist_item", row.id, new_id, [("attachment", "item_id")])
    for row in _rows(connection, "SELECT id, workspace, project_id, template_id FROM feasibility"):
        new_id = derived_id(row.project_id, "feasibility", row.template_id)
        if _rows(connection, "SELECT 1 FROM feasibility WHERE id = :id", id=new_id):
            new_id = row.id
        _rekey(connection, "feasibility", row.id, new_id, [("feasibility_score", "feasibility_id"),
                                                            ("_old_feasibility_weights", "id")])
    for row in _rows(connection, "SELECT id, workspace, weights FROM _old_feasibility_weights"):
        for dimension, weight in json.loads(row.weights or "{}").items():
            connection.execute(sa.text(
                "INSERT INTO feasibility_weight (id, workspace, feasibility_id, dimension_key, weight, deleted)"
                " VALUES (:id, :ws, :f, :d, :w, 0)"),
                {"id": derived_id(row.id, "weight", dimension), "ws": row.workspace, "f": row.id, "d": dimension,
                 "w": float(weight)})
    for row in _rows(connection, "SELECT id, feasibility_id, criterion_key FROM feasibility_score"):
        new_id = derived_id(row.feasibility_id, "criterion", row.criterion_key)
        if not _rows(connection, "SELECT 1 FROM feasibility_score WHERE id = :id", id=new_id):
            _rekey(connection, "feasibility_score", row.id, new_id, [])
    for row in _rows(connection, "SELECT id, project_id FROM business_case"):
        new_id = derived_id(row.project_id, "business-case", "")
        if not _rows(connection, "SELECT 1 FROM business_case WHERE id = :id", id=new_id):
            _rekey(connection, "business_case", row.id, new_id, [("business_line", "business_case_id")])
    # Training: bundled modules are the release's (never synced); every module's lessons and
    # questions, and attendance days, get derived ids.
    connection.execute(sa.text("UPDATE training_module SET workspace = 'bundled' WHERE origin = 'bundled'"))
    for row in _rows(connection, "SELECT id, slug, language, origin FROM training_module"):
        if row.origin == "bundled":
            new_id = named_id("training_module", row.slug, row.language)
            if not _rows(connection, "SELECT 1 FROM training_module WHERE id = :id", id=new_id):
                _rekey(connection, "training_module", row.id, new_id,
                       [("training_lesson", "module_id"), ("training_question", "module_id")])
    connection.execute(sa.text("UPDATE training_lesson SET workspace = (SELECT m.workspace FROM training_module m"
                               " WHERE m.id = training_lesson.module_id)"))
    connection.execute(sa.text("UPDATE training_question SET workspace = (SELECT m.workspace FROM training_module m"
                               " WHERE m.id = training_question.module_id)"))
    for table, key, kind in (("training_lesson", "lesson_key", "lesson"), ("training_question", "question_key", "question")):
        for row in _rows(connection, f"SELECT id, module_id, {key} AS k FROM {table}"):
            new_id = derived_id(row.module_id, kind, row.k)
            if not _rows(connection, f"SELECT 1 FROM {table} WHERE id = :id", id=new_id):
                _rekey(connection, table, row.id, new_id, [])
    for row in _rows(connection, "SELECT id, participant_id, day FROM training_attendance"):
        new_id = derived_id(row.participant_id, "attendance", str(row.day))
        if not _rows(connection, "SELECT 1 FROM training_attendance WHERE id = :id", id=new_id):
            _rekey(connection, "training_attendance", row.id, new_id, [])
    for row in _rows(connection, "SELECT id, workspace, guide_slug FROM bookmark"):
        _rekey(connection, "bookmark", row.id, named_id("bookmark", row.workspace, row.guide_slug), [])
    for row in _rows(connection, "SELECT id, workspace, guide_slug, language FROM reading_state"):
        _rekey(connection, "reading_state", row.id,
               named_id("reading", row.workspace, row.guide_slug, row.language), [])


# Wire field -> column, per synced table (as in the registry at this revision).
STAMPED = {
    "project": "name country scheme currency usd_rate start_date archived deleted",
    "project_member": "project_id name position deleted",
    "checklist": "project_id template_id template_version deleted",
    "checklist_item": "checklist_id section_key item_key position status owner due_date notes deleted",
    "attachment": "item_id sha256 name size mime deleted",
    "feasibility": "project_id template_id template_version recommendation deleted",
    "feasibility_weight": "feasibility_id dimension_key weight deleted",
    "feasibility_score": "feasibility_id dimension_key criterion_key score evidence risk deleted",
    "business_case": "project_id template_id horizon_years discount_rate insurees deleted",
    "business_line": "business_case_id side category kind description unit_cost quantity years position deleted",
    "training_module": "slug language origin based_on title summary audience duration_minutes pass_mark revision"
                       " sort_order translation_of source_revision deleted",
    "training_lesson": "module_id lesson_key position title summary minutes body_markdown deleted",
    "training_question": "module_id question_key position question choices answer explanation deleted",
    "training_session": "module_slug module_title language start_date days place trainer quiz_size"
                        " quiz_fingerprint pass_mark notes deleted",
    "training_participant": "session_id position name organisation role sex contact consent pre_score post_score"
                            " pre_answers post_answers rating comment deleted",
    "training_attendance": "participant_id day present deleted",
    "bookmark": "guide_slug created_at deleted",
    "reading_state": "guide_slug language position last_opened_at deleted",
}
WIRE_NAMES = {"deleted": "_deleted", "sort_order": "order"}


def _stamp_everything(connection) -> None:
    """Every field of every record that may sync gets a first clock: this laptop, now."""
    device = uuid.uuid4().hex[:16]
    connection.execute(sa.text("INSERT OR REPLACE INTO setting (key, value) VALUES ('sync.device_id', :v)"),
                       {"v": json.dumps(device)})
    stamp = f"{int(time.time() * 1000):013d}-0000-{device}"
    for table, columns in STAMPED.items():
        for column in columns.split():
            connection.execute(sa.text(
                f"INSERT INTO record_field (record_id, field, t) SELECT id, :field, :t FROM {table}"
                " WHERE workspace != 'bundled'"), {"field": WIRE_NAMES.get(column, column), "t": stamp})


def upgrade() -> None:
    from companion.records.writer import allow_writes

    connection = op.get_bind()
    with allow_writes():
        # What the registers are made from, kept aside before the columns go.
        connection.execute(sa.text("CREATE TEMP TABLE _old_project_team AS SELECT id, workspace, team FROM project"))
        connection.execute(sa.text(
            "CREATE TEMP TABLE _old_feasibility_weights AS SELECT id, workspace, weights FROM feasibility"))
        for trigger in ("guide_fts_insert", "guide_fts_delete", "guide_fts_update"):
            connection.execute(sa.text(f"DROP TRIGGER IF EXISTS {trigger}"))
        for table in REBUILT:
            _rebuild(connection, table)
        for trigger in FTS_TRIGGERS:
            connection.execute(sa.text(trigger))
        _create_new_tables()
        _registers_and_ids(connection)
        _stamp_everything(connection)
        connection.execute(sa.text("DROP TABLE _old_project_team"))
        connection.execute(sa.text("DROP TABLE _old_feasibility_weights"))


def downgrade() -> None:
    raise NotImplementedError("the Companion never downgrades a database: its backup is kept instead")

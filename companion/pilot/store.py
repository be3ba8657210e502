"""Pilot projects in the local database: the operations the pilot screens ask for.

Every operation is one transaction through the record writer (companion/records), so each edit
is saved the moment it is made, stamped for sync and undoable (``Records.capture``). Every rule
a screen applies is checked here too, with the same limits, so data from any path is sound.
Deleting hides a record (a tombstone that syncs and can be undone); nothing is ever purged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, func, select

from companion.pilot import business_case as bc
from companion.records import RecordMissing, Writer, derived_id, records_for
from companion.storage.models import (Attachment, BusinessCase, BusinessLine, Checklist, ChecklistItem, Feasibility,
                                      FeasibilityScore, FeasibilityWeight, Project, ProjectMember)

if TYPE_CHECKING:  # the templates (and YAML with them) are read on first use, not at start-up
    from companion.pilot.templates import Templates

STATUSES = ("todo", "in_progress", "done", "na")
PILOT_CHECKLIST = "pilot-implementation"
READINESS = "readiness"
WORKED_BUSINESS_CASE = "openimis-pilot"
PROJECT_FIELDS = {"name", "country", "scheme", "currency", "usd_rate", "start_date", "team"}
MAX_NAME_LENGTH = 200  # project name, scheme, a team member's name
MAX_COUNTRY_LENGTH = 100
MAX_OWNER_LENGTH = 200
MAX_NOTES_LENGTH = 20_000
MAX_DESCRIPTION = 500  # a business-case line's description
MAX_TEXT = 20_000  # evidence, risk, recommendation
WEIGHT_MIN, WEIGHT_MAX, WEIGHT_STEP = 0.0, 5.0, 0.5  # a feasibility dimension's weight
ITEM_FIELDS = {"status", "owner", "due_date", "notes"}
LINE_FIELDS = {"category", "kind", "description", "unit_cost", "quantity", "years"}
CASE_FIELDS = {"horizon_years", "discount_rate", "insurees"}


class PilotError(ValueError):
    """A request the data cannot honour (unknown record, bad value); ``key`` names it for the UI."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(detail or key)
        self.key = key


@dataclass(frozen=True)
class ProjectInfo:
    id: str
    name: str
    country: str
    scheme: str
    currency: str
    usd_rate: str | None
    start_date: dt.date | None
    team: tuple[str, ...]
    archived: bool
    updated_at: dt.datetime
    workspace: str = "local"  # "local": only on this laptop; else the team workspace it is shared in


@dataclass(frozen=True)
class ItemRow:
    id: str
    section_key: str
    item_key: str
    position: int
    status: str
    owner: str
    due_date: dt.date | None
    notes: str
    attachments: int


@dataclass(frozen=True)
class AttachmentInfo:
    id: str
    sha256: str
    name: str
    size: int
    mime: str


@dataclass(frozen=True)
class LineRow:
    id: str
    side: str
    category: str
    kind: str
    description: str
    unit_cost: str
    quantity: str
    years: tuple[int, ...]
    position: int


@dataclass(frozen=True)
class CaseRow:
    id: str
    template_id: str | None
    horizon_years: int
    discount_rate: str
    insurees: int


@dataclass(frozen=True)
class ScoreRow:
    id: str
    dimension_key: str
    criterion_key: str
    score: int | None
    evidence: str
    risk: str


def _project_info(project: Project, team: tuple[str, ...]) -> ProjectInfo:
    return ProjectInfo(project.id, project.name, project.country, project.scheme, project.currency,
                       project.usd_rate, project.start_date, team, project.archived, project.updated_at,
                       project.workspace)


def _converted(amount: str, rate: Decimal | None) -> str:
    """A template's US-dollar amount in the project's currency (exact; trailing zeros dropped)."""
    if rate is None:
        return amount
    value = Decimal(amount) * rate
    return format(value.quantize(Decimal("0.01")).normalize(), "f")


def _line_row(line: BusinessLine) -> LineRow:
    return LineRow(line.id, line.side, line.category, line.kind, line.description, line.unit_cost, line.quantity,
                   tuple(line.years or ()), line.position)


def _text(value, key: str, limit: int, required: bool = False) -> str:
    if not isinstance(value, str):
        raise PilotError("bad_value", key)
    value = value.strip()
    if required and not value:
        raise PilotError(f"{key}_required")
    if len(value) > limit:
        raise PilotError("too_long", key)
    return value


def _amount_text(value, key: str) -> str:
    """A unit cost, quantity or rate as the store keeps it: a plain decimal string, checked as the
    screen checks it."""
    parsed, error = bc.validate_amount(str(value), "en")
    if error:
        raise PilotError(error, key)
    return format(parsed, "f")


class PilotStore:
    def __init__(self, engine: Engine, templates: Templates | None, blobs_dir: Path) -> None:
        self.records = records_for(engine)
        self.sessions = self.records.sessions
        self._templates = templates
        self.blobs_dir = blobs_dir

    @property
    def templates(self) -> Templates:
        """The templates (the bundled ones unless others were given), read when first needed."""
        if self._templates is None:
            from companion.pilot.templates import bundled_templates

            self._templates = bundled_templates()
        return self._templates

    @templates.setter
    def templates(self, templates: Templates) -> None:
        self._templates = templates

    def _update(self, type_name: str, row_id: str, values: dict, missing_key: str) -> dict:
        """Set some fields of one record in its own transaction; returns what they were."""
        with self.records.transaction() as writer:
            try:
                return writer.update(type_name, row_id, values)
            except RecordMissing:
                raise PilotError(missing_key) from None

    # --- projects ---------------------------------------------------------------------------

    @staticmethod
    def _check_project(values: dict) -> dict:
        unknown = set(values) - PROJECT_FIELDS
        if unknown:
            raise PilotError("unknown_field", ", ".join(sorted(unknown)))
        clean = dict(values)
        if "name" in values:
            clean["name"] = _text(values["name"], "name", MAX_NAME_LENGTH, required=True)
        if "country" in values:
            clean["country"] = _text(values["country"], "country", MAX_COUNTRY_LENGTH)
        if "scheme" in values:
            clean["scheme"] = _text(values["scheme"], "scheme", MAX_NAME_LENGTH)
        if "currency" in values:
            code, error = bc.validate_currency(values["currency"])
            if error:
                raise PilotError(error)
            clean["currency"] = code
        if "usd_rate" in values and values["usd_rate"] not in (None, ""):
            rate, error = bc.validate_usd_rate(str(values["usd_rate"]), "en")
            if error:
                raise PilotError(error)
            clean["usd_rate"] = format(rate, "f")
        elif "usd_rate" in values:
            clean["usd_rate"] = None
        if "start_date" in values and values["start_date"] is not None and not isinstance(values["start_date"], dt.date):
            raise PilotError("bad_start_date")
        if "team" in values:
            names = [_text(name, "team", MAX_NAME_LENGTH) for name in values["team"]]
            clean["team"] = list(dict.fromkeys(name for name in names if name))
        return clean

    def create_project(self, name: str, country: str = "", scheme: str = "", currency: str = "USD",
                       start_date: dt.date | None = None, team: list[str] | None = None,
                       language: str = "en", worked_business_case: bool = True, usd_rate: str | None = None) -> str:
        """A new project with the pilot checklist, the feasibility assessment and a business
        case: the worked example (its US-dollar amounts converted with ``usd_rate``, local units
        per dollar), or empty."""
        values = self._check_project({"name": name, "country": country, "scheme": scheme, "currency": currency,
                                      "start_date": start_date, "team": list(team or []), "usd_rate": usd_rate})
        if worked_business_case and values["currency"] != "USD" and not values["usd_rate"]:
            raise PilotError("usd_rate_required")
        team_names = values.pop("team")
        with self.records.transaction() as writer:
            project_id = writer.create("project", {**values, "archived": False})
            self._set_team(writer, project_id, "local", team_names)
            self._add_checklist(writer, project_id, "local", PILOT_CHECKLIST)
            feasibility = self.templates.feasibility[READINESS]
            writer.create("feasibility", {"project_id": project_id, "template_id": feasibility.id,
                                          "template_version": feasibility.version, "recommendation": ""},
                          derived_id(project_id, "feasibility", feasibility.id), "local")
            rate = Decimal(values["usd_rate"]) if values["usd_rate"] and values["currency"] != "USD" else None
            self._add_business_case(writer, project_id, "local",
                                    WORKED_BUSINESS_CASE if worked_business_case else None, language, rate)
            return project_id

    def _team(self, session, project_id: str) -> tuple[str, ...]:
        return tuple(session.scalars(select(ProjectMember.name).where(
            ProjectMember.project_id == project_id, ProjectMember.deleted.is_(False)).order_by(ProjectMember.position, ProjectMember.name)))

    def _set_team(self, writer: Writer, project_id: str, workspace: str, names: list[str]) -> None:
        """Each member is a register of its own: two people adding names on two laptops keep both."""
        current = {row.name: row for row in writer.session.scalars(
            select(ProjectMember).where(ProjectMember.project_id == project_id))}
        for position, name in enumerate(names):
            row = current.get(name)
            if row is None:
                writer.create("project_member", {"project_id": project_id, "name": name, "position": position},
                              derived_id(project_id, "member", name), workspace)
            else:
                writer.update("project_member", row.id, {"position": position, "_deleted": False})
        for name, row in current.items():
            if name not in names and not row.deleted:
                writer.delete("project_member", row.id)

    def projects(self, include_archived: bool = False) -> list[ProjectInfo]:
        query = select(Project).where(Project.deleted.is_(False)).order_by(Project.archived, Project.name, Project.id)
        if not include_archived:
            query = query.where(Project.archived.is_(False))
        with self.sessions() as session:
            projects = list(session.scalars(query))
            teams: dict[str, list[str]] = {}
            for project_id, member in session.execute(
                    select(ProjectMember.project_id, ProjectMember.name).where(ProjectMember.deleted.is_(False))
                    .order_by(ProjectMember.position, ProjectMember.name)):
                teams.setdefault(project_id, []).append(member)
            return [_project_info(p, tuple(teams.get(p.id, ()))) for p in projects]

    def project(self, project_id: str) -> ProjectInfo:
        with self.sessions() as session:
            project = session.get(Project, project_id)
            if project is None or project.deleted:
                raise PilotError("unknown_project")
            return _project_info(project, self._team(session, project_id))

    def update_project(self, project_id: str, **values) -> dict:
        """Change some fields; returns their previous values."""
        values = self._check_project(values)
        with self.records.transaction() as writer:
            project = writer.row("project", project_id)
            if project is None or project["_deleted"]:
                raise PilotError("unknown_project")
            previous = {}
            if "team" in values:
                previous["team"] = list(self._team(writer.session, project_id))
                self._set_team(writer, project_id, project["workspace"], values.pop("team"))
            previous.update(writer.update("project", project_id, values))
            return previous

    def set_archived(self, project_id: str, archived: bool) -> None:
        self._update("project", project_id, {"archived": bool(archived)}, "unknown_project")

    def delete_project(self, project_id: str) -> None:
        """A tombstone: hidden everywhere with everything in it; it syncs and can be undone."""
        self._update("project", project_id, {"_deleted": True}, "unknown_project")

    def restore_project(self, project_id: str) -> None:
        self._update("project", project_id, {"_deleted": False}, "unknown_project")

    def duplicate_project(self, project_id: str, new_name: str) -> str:
        """A full copy (team, checklists with their entries and evidence, scores, weights, business
        case) under a new name, in one transaction."""
        new_name = _text(new_name, "name", MAX_NAME_LENGTH, required=True)
        with self.records.transaction() as writer:
            session = writer.session
            source = session.get(Project, project_id)
            if source is None or source.deleted:
                raise PilotError("unknown_project")
            workspace = source.workspace
            copy_id = writer.create("project", {
                "name": new_name, "country": source.country, "scheme": source.scheme, "currency": source.currency,
                "usd_rate": source.usd_rate, "start_date": source.start_date, "archived": False}, workspace=workspace)
            self._set_team(writer, copy_id, workspace, list(self._team(session, project_id)))
            for checklist in session.scalars(select(Checklist).where(Checklist.project_id == project_id,
                                                                     Checklist.deleted.is_(False))):
                new_checklist = writer.create("checklist", {
                    "project_id": copy_id, "template_id": checklist.template_id,
                    "template_version": checklist.template_version},
                    derived_id(copy_id, "checklist", checklist.template_id), workspace)
                for item in session.scalars(select(ChecklistItem).where(ChecklistItem.checklist_id == checklist.id,
                                                                        ChecklistItem.deleted.is_(False))):
                    new_item = writer.create("checklist_item", {
                        "checklist_id": new_checklist, "section_key": item.section_key, "item_key": item.item_key,
                        "position": item.position, "status": item.status, "owner": item.owner,
                        "due_date": item.due_date, "notes": item.notes},
                        derived_id(new_checklist, "item", item.item_key), workspace)
                    for attachment in session.scalars(select(Attachment).where(Attachment.item_id == item.id,
                                                                               Attachment.deleted.is_(False))):
                        writer.create("attachment", {"item_id": new_item, "sha256": attachment.sha256,
                                                     "name": attachment.name, "size": attachment.size,
                                                     "mime": attachment.mime}, workspace=workspace)
            for feasibility in session.scalars(select(Feasibility).where(Feasibility.project_id == project_id,
                                                                         Feasibility.deleted.is_(False))):
                new_feasibility = writer.create("feasibility", {
                    "project_id": copy_id, "template_id": feasibility.template_id,
                    "template_version": feasibility.template_version, "recommendation": feasibility.recommendation},
                    derived_id(copy_id, "feasibility", feasibility.template_id), workspace)
                for weight in session.scalars(select(FeasibilityWeight).where(
                        FeasibilityWeight.feasibility_id == feasibility.id, FeasibilityWeight.deleted.is_(False))):
                    writer.create("feasibility_weight", {"feasibility_id": new_feasibility,
                                                         "dimension_key": weight.dimension_key, "weight": weight.weight},
                                  derived_id(new_feasibility, "weight", weight.dimension_key), workspace)
                for score in session.scalars(select(FeasibilityScore).where(
                        FeasibilityScore.feasibility_id == feasibility.id, FeasibilityScore.deleted.is_(False))):
                    writer.create("feasibility_score", {
                        "feasibility_id": new_feasibility, "dimension_key": score.dimension_key,
                        "criterion_key": score.criterion_key, "score": score.score, "evidence": score.evidence,
                        "risk": score.risk}, derived_id(new_feasibility, "criterion", score.criterion_key), workspace)
            for case in session.scalars(select(BusinessCase).where(BusinessCase.project_id == project_id,
                                                                   BusinessCase.deleted.is_(False))):
                new_case = writer.create("business_case", {
                    "project_id": copy_id, "template_id": case.template_id, "horizon_years": case.horizon_years,
                    "discount_rate": case.discount_rate, "insurees": case.insurees},
                    derived_id(copy_id, "business-case", ""), workspace)
                for line in session.scalars(select(BusinessLine).where(BusinessLine.business_case_id == case.id,
                                                                       BusinessLine.deleted.is_(False))):
                    writer.create("business_line", {
                        "business_case_id": new_case, "side": line.side, "category": line.category,
                        "kind": line.kind, "description": line.description, "unit_cost": line.unit_cost,
                        "quantity": line.quantity, "years": list(line.years), "position": line.position},
                        workspace=workspace)
            return copy_id

    # --- checklists -------------------------------------------------------------------------

    def _add_checklist(self, writer: Writer, project_id: str, workspace: str, template_id: str) -> str:
        template = self.templates.checklists[template_id]
        checklist_id = writer.create("checklist", {"project_id": project_id, "template_id": template.id,
                                                   "template_version": template.version},
                                     derived_id(project_id, "checklist", template.id), workspace)
        for position, (section, item) in enumerate(template.items()):
            writer.create("checklist_item", {"checklist_id": checklist_id, "section_key": section.id,
                                             "item_key": item.id, "position": position, "status": "todo",
                                             "owner": "", "due_date": None, "notes": ""},
                          derived_id(checklist_id, "item", item.id), workspace)
        return checklist_id

    def add_checklist(self, project_id: str, template_id: str) -> str:
        if template_id not in self.templates.checklists:
            raise PilotError("unknown_template", template_id)
        with self.records.transaction() as writer:
            project = writer.row("project", project_id)
            if project is None or project["_deleted"]:
                raise PilotError("unknown_project")
            return self._add_checklist(writer, project_id, project["workspace"], template_id)

    def checklists(self, project_id: str) -> list[tuple[str, str, int]]:
        """(checklist id, template id, template version) of a project's checklists."""
        with self.sessions() as session:
            rows = session.execute(select(Checklist.id, Checklist.template_id, Checklist.template_version)
                                   .where(Checklist.project_id == project_id, Checklist.deleted.is_(False))).all()
        order = [PILOT_CHECKLIST] + sorted(set(self.templates.checklists) - {PILOT_CHECKLIST})
        return sorted((tuple(r) for r in rows), key=lambda r: order.index(r[1]) if r[1] in order else len(order))

    def items(self, checklist_id: str) -> list[ItemRow]:
        counts = (select(Attachment.item_id, func.count().label("n")).where(Attachment.deleted.is_(False))
                  .group_by(Attachment.item_id).subquery())
        query = (select(ChecklistItem, func.coalesce(counts.c.n, 0))
                 .outerjoin(counts, counts.c.item_id == ChecklistItem.id)
                 .where(ChecklistItem.checklist_id == checklist_id, ChecklistItem.deleted.is_(False))
                 .order_by(ChecklistItem.position, ChecklistItem.item_key))
        with self.sessions() as session:
            return [ItemRow(i.id, i.section_key, i.item_key, i.position, i.status, i.owner, i.due_date, i.notes, n)
                    for i, n in session.execute(query).all()]

    def update_item(self, item_id: str, **values) -> dict:
        unknown = set(values) - ITEM_FIELDS
        if unknown:
            raise PilotError("unknown_field", ", ".join(sorted(unknown)))
        if "status" in values and values["status"] not in STATUSES:
            raise PilotError("bad_status", str(values["status"]))
        if "owner" in values:
            values["owner"] = _text(values["owner"], "owner", MAX_OWNER_LENGTH)
        if "notes" in values:
            if not isinstance(values["notes"], str) or len(values["notes"]) > MAX_NOTES_LENGTH:
                raise PilotError("too_long", "notes")
        if "due_date" in values and values["due_date"] is not None and not isinstance(values["due_date"], dt.date):
            raise PilotError("bad_due_date")
        return self._update("checklist_item", item_id, values, "unknown_item")

    def template_upgrade(self, checklist_id: str) -> list[tuple[str, str]]:
        """(section id, item id) of items a newer template adds that this checklist lacks."""
        with self.sessions() as session:
            checklist = session.get(Checklist, checklist_id)
            have = set(session.scalars(select(ChecklistItem.item_key).where(ChecklistItem.checklist_id == checklist_id,
                                                                            ChecklistItem.deleted.is_(False))))
        if checklist is None or checklist.deleted:
            return []
        template = self.templates.checklists.get(checklist.template_id)
        if template is None or template.version <= checklist.template_version:
            return []
        return [(section.id, item.id) for section, item in template.items() if item.id not in have]

    def apply_template_upgrade(self, checklist_id: str) -> int:
        """Add the new items (as 'to do'), keep every entry, and move to the new version."""
        new_items = self.template_upgrade(checklist_id)
        with self.records.transaction() as writer:
            checklist = writer.session.get(Checklist, checklist_id)
            template = self.templates.checklists[checklist.template_id]
            order = {item.id: position for position, (_s, item) in enumerate(template.items())}
            for section_id, item_id in new_items:
                writer.create("checklist_item", {"checklist_id": checklist_id, "section_key": section_id,
                                                 "item_key": item_id, "position": order[item_id], "status": "todo",
                                                 "owner": "", "due_date": None, "notes": ""},
                              derived_id(checklist_id, "item", item_id), checklist.workspace)
            # Renumber everything in the template's order; items the template no longer has go last.
            for item in writer.session.scalars(select(ChecklistItem).where(ChecklistItem.checklist_id == checklist_id)):
                writer.update("checklist_item", item.id,
                              {"position": order.get(item.item_key, len(order) + item.position)})
            writer.update("checklist", checklist_id, {"template_version": template.version})
        return len(new_items)

    def due_items(self, until: dt.date) -> list[tuple[str, str, str, str, dt.date]]:
        """Open items due on or before ``until`` in active projects:
        (project id, project name, checklist template id, item id, due date), soonest first."""
        query = (select(Project.id, Project.name, Checklist.template_id, ChecklistItem.item_key, ChecklistItem.due_date)
                 .join(Checklist, Checklist.project_id == Project.id)
                 .join(ChecklistItem, ChecklistItem.checklist_id == Checklist.id)
                 .where(Project.deleted.is_(False), Project.archived.is_(False), Checklist.deleted.is_(False),
                        ChecklistItem.deleted.is_(False),
                        ChecklistItem.due_date.is_not(None), ChecklistItem.due_date <= until,
                        ChecklistItem.status.not_in(("done", "na")))
                 .order_by(ChecklistItem.due_date, Project.name))
        with self.sessions() as session:
            return [tuple(row) for row in session.execute(query).all()]

    # --- attachments ------------------------------------------------------------------------

    def blob_path(self, sha256: str) -> Path:
        return self.blobs_dir / sha256[:2] / sha256

    def attach(self, item_id: str, source: Path) -> AttachmentInfo:
        """Copy the file into the content-addressed store (SHA-256 named) and link it."""
        digest = hashlib.sha256()
        with source.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        sha = digest.hexdigest()
        target = self.blob_path(sha)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".part")
            shutil.copyfile(source, partial)
            partial.replace(target)  # atomic: a blob is either whole or absent
        mime = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        size = source.stat().st_size
        with self.records.transaction() as writer:
            item = writer.row("checklist_item", item_id)
            if item is None or item["_deleted"]:
                raise PilotError("unknown_item")
            attachment_id = writer.create("attachment", {"item_id": item_id, "sha256": sha, "name": source.name,
                                                         "size": size, "mime": mime}, workspace=item["workspace"])
            return AttachmentInfo(attachment_id, sha, source.name, size, mime)

    def attachments(self, item_id: str) -> list[AttachmentInfo]:
        with self.sessions() as session:
            return [AttachmentInfo(a.id, a.sha256, a.name, a.size, a.mime) for a in
                    session.scalars(select(Attachment).where(Attachment.item_id == item_id,
                                                             Attachment.deleted.is_(False))
                                    .order_by(Attachment.created_at, Attachment.id))]

    def remove_attachment(self, attachment_id: str) -> None:
        """Detach the evidence (the file stays in the store: an undo or another laptop may need it)."""
        self._update("attachment", attachment_id, {"_deleted": True}, "unknown_attachment")

    # --- feasibility ------------------------------------------------------------------------

    def feasibility(self, project_id: str) -> tuple[str, dict[str, ScoreRow], dict[str, float], str]:
        """(feasibility id, criterion id → score, weight overrides by dimension, recommendation)."""
        with self.sessions() as session:
            record = session.scalar(select(Feasibility).where(Feasibility.project_id == project_id,
                                                              Feasibility.deleted.is_(False)))
            if record is None:
                raise PilotError("unknown_project")
            scores = {s.criterion_key: ScoreRow(s.id, s.dimension_key, s.criterion_key, s.score, s.evidence, s.risk)
                      for s in session.scalars(select(FeasibilityScore).where(
                          FeasibilityScore.feasibility_id == record.id, FeasibilityScore.deleted.is_(False)))}
            weights = {w.dimension_key: w.weight for w in session.scalars(select(FeasibilityWeight).where(
                FeasibilityWeight.feasibility_id == record.id, FeasibilityWeight.deleted.is_(False)))}
            return record.id, scores, weights, record.recommendation

    def set_criterion(self, feasibility_id: str, dimension_key: str, criterion_key: str, **values) -> dict:
        """Set score (1-5 or None), evidence or risk of a criterion; returns previous values."""
        unknown = set(values) - {"score", "evidence", "risk"}
        if unknown:
            raise PilotError("unknown_field", ", ".join(sorted(unknown)))
        if "score" in values and values["score"] is not None and (
                isinstance(values["score"], bool) or values["score"] not in (1, 2, 3, 4, 5)):
            raise PilotError("score_out_of_range")
        for key in ("evidence", "risk"):
            if key in values and (not isinstance(values[key], str) or len(values[key]) > MAX_TEXT):
                raise PilotError("too_long", key)
        score_id = derived_id(feasibility_id, "criterion", criterion_key)
        with self.records.transaction() as writer:
            feasibility = writer.row("feasibility", feasibility_id)
            if feasibility is None:
                raise PilotError("unknown_project")
            current = writer.row("feasibility_score", score_id)
            if current is None or current["_deleted"]:
                before = {key: (None if key == "score" else "") for key in values}
                writer.create("feasibility_score", {"feasibility_id": feasibility_id, "dimension_key": dimension_key,
                                                    "criterion_key": criterion_key, "score": None, "evidence": "",
                                                    "risk": "", **values}, score_id, feasibility["workspace"])
                return before
            return writer.update("feasibility_score", score_id, values)

    def set_feasibility(self, feasibility_id: str, weights: dict | None = None,
                        recommendation: str | None = None) -> dict:
        """Weight overrides (dimension → 0-5) and/or the recommendation. Each dimension's weight is
        a register of its own, so two people weighting different dimensions both keep theirs."""
        if weights is not None and any(isinstance(w, bool) or not isinstance(w, (int, float))
                                       or not WEIGHT_MIN <= w <= WEIGHT_MAX for w in weights.values()):
            raise PilotError("weight_out_of_range")
        if recommendation is not None and (not isinstance(recommendation, str) or len(recommendation) > MAX_TEXT):
            raise PilotError("too_long", "recommendation")
        with self.records.transaction() as writer:
            feasibility = writer.row("feasibility", feasibility_id)
            if feasibility is None:
                raise PilotError("unknown_project")
            previous = {}
            if weights is not None:
                current = {row.dimension_key: row for row in writer.session.scalars(
                    select(FeasibilityWeight).where(FeasibilityWeight.feasibility_id == feasibility_id))}
                previous["weights"] = {key: row.weight for key, row in current.items() if not row.deleted}
                for dimension, weight in weights.items():
                    row = current.get(dimension)
                    if row is None:
                        writer.create("feasibility_weight", {"feasibility_id": feasibility_id,
                                                             "dimension_key": dimension, "weight": float(weight)},
                                      derived_id(feasibility_id, "weight", dimension), feasibility["workspace"])
                    else:
                        writer.update("feasibility_weight", row.id, {"weight": float(weight), "_deleted": False})
                for dimension, row in current.items():
                    if dimension not in weights and not row.deleted:
                        writer.delete("feasibility_weight", row.id)
            if recommendation is not None:
                previous.update(writer.update("feasibility", feasibility_id, {"recommendation": recommendation}))
            return previous

    # --- business case ----------------------------------------------------------------------

    def _add_business_case(self, writer: Writer, project_id: str, workspace: str, template_id: str | None,
                           language: str, rate: Decimal | None = None) -> str:
        template = self.templates.business_cases.get(template_id) if template_id else None
        case_id = writer.create("business_case", {
            "project_id": project_id, "template_id": template.id if template else None,
            "horizon_years": template.horizon_years if template else 5,
            "discount_rate": template.discount_rate if template else "0.08",
            "insurees": template.insurees if template else 1}, derived_id(project_id, "business-case", ""), workspace)
        for position, line in enumerate(template.lines if template else ()):
            writer.create("business_line", {
                "business_case_id": case_id, "side": line.side, "category": line.category, "kind": line.kind,
                "description": line.description.get(language), "unit_cost": _converted(line.unit_cost, rate),
                "quantity": line.quantity, "years": list(line.years), "position": position}, workspace=workspace)
        return case_id

    def business_case(self, project_id: str) -> tuple[CaseRow, list[LineRow]]:
        with self.sessions() as session:
            case = session.scalar(select(BusinessCase).where(BusinessCase.project_id == project_id,
                                                             BusinessCase.deleted.is_(False)))
            if case is None:
                raise PilotError("unknown_project")
            lines = session.scalars(select(BusinessLine).where(BusinessLine.business_case_id == case.id,
                                                               BusinessLine.deleted.is_(False))
                                    .order_by(BusinessLine.side, BusinessLine.position, BusinessLine.id))
            return (CaseRow(case.id, case.template_id, case.horizon_years, case.discount_rate, case.insurees),
                    [_line_row(line) for line in lines])

    @staticmethod
    def _check_case(values: dict) -> dict:
        unknown = set(values) - CASE_FIELDS
        if unknown:
            raise PilotError("unknown_field", ", ".join(sorted(unknown)))
        clean = dict(values)
        if "horizon_years" in values:
            horizon, error = bc.validate_horizon(values["horizon_years"])
            if error:
                raise PilotError(error)
            clean["horizon_years"] = horizon
        if "insurees" in values:
            insurees, error = bc.validate_insurees(values["insurees"])
            if error:
                raise PilotError(error)
            clean["insurees"] = insurees
        if "discount_rate" in values:
            try:
                rate = Decimal(str(values["discount_rate"]))
            except ArithmeticError:
                raise PilotError(bc.ERR_NOT_A_NUMBER) from None
            if not rate.is_finite() or not Decimal(0) <= rate < Decimal(1):
                raise PilotError(bc.ERR_RATE_OUT_OF_RANGE)
            clean["discount_rate"] = format(rate, "f")
        return clean

    def _check_line(self, values: dict, side: str, horizon: int) -> dict:
        unknown = set(values) - LINE_FIELDS
        if unknown:
            raise PilotError("unknown_field", ", ".join(sorted(unknown)))
        clean = dict(values)
        if "category" in values and bc.validate_category(values["category"], side):
            raise PilotError(bc.ERR_UNKNOWN_CATEGORY, str(values["category"]))
        if "kind" in values and bc.validate_kind(values["kind"]):
            raise PilotError(bc.ERR_UNKNOWN_KIND, str(values["kind"]))
        if "description" in values:
            if not isinstance(values["description"], str):
                raise PilotError("bad_value", "description")
            if len(values["description"]) > MAX_DESCRIPTION:
                raise PilotError("description_too_long")
        for key in ("unit_cost", "quantity"):
            if key in values:
                clean[key] = _amount_text(values[key], key)
        if "years" in values:
            years, error = bc.validate_years(list(values["years"]), horizon)
            if error:
                raise PilotError(error)
            clean["years"] = sorted(years)
        return clean

    def update_case(self, case_id: str, **values) -> dict:
        return self._update("business_case", case_id, self._check_case(values), "unknown_case")

    def add_line(self, case_id: str, side: str, category: str, kind: str = "recurring", description: str = "",
                 unit_cost: str = "0", quantity: str = "1", years: list[int] | None = None,
                 line_id: str | None = None) -> str:
        if side not in ("cost", "benefit"):
            raise PilotError("bad_side", side)
        with self.records.transaction() as writer:
            case = writer.row("business_case", case_id)
            if case is None or case["_deleted"]:
                raise PilotError("unknown_case")
            values = self._check_line({"category": category, "kind": kind, "description": description,
                                       "unit_cost": unit_cost, "quantity": quantity,
                                       "years": list(years or [1])}, side, case["horizon_years"])
            return self._add_line(writer, case_id, case["workspace"], side, values, line_id)

    @staticmethod
    def _add_line(writer: Writer, case_id: str, workspace: str, side: str, values: dict,
                  line_id: str | None = None) -> str:
        position = writer.session.scalar(select(func.coalesce(func.max(BusinessLine.position), -1) + 1)
                                         .where(BusinessLine.business_case_id == case_id))
        return writer.create("business_line", {"business_case_id": case_id, "side": side, "position": position,
                                               **values}, line_id, workspace)

    def update_line(self, line_id: str, **values) -> dict:
        with self.records.transaction() as writer:
            line = writer.row("business_line", line_id)
            if line is None or line["_deleted"]:
                raise PilotError("unknown_line")
            case = writer.row("business_case", line["business_case_id"])
            horizon = case["horizon_years"] if case else bc.MAX_HORIZON
            return writer.update("business_line", line_id, self._check_line(values, line["side"], horizon))

    def delete_line(self, line_id: str) -> LineRow:
        """Remove a line (a tombstone); returns it as it was."""
        with self.records.transaction() as writer:
            line = writer.session.get(BusinessLine, line_id)
            if line is None or line.deleted:
                raise PilotError("unknown_line")
            row = _line_row(line)
            writer.delete("business_line", line_id)
            return row

    def replace_lines(self, case_id: str, assumptions: dict, lines: list) -> None:
        """Replace every line (and some assumptions) of a business case in one transaction: the
        worked example, or 'clear all'. ``lines`` have side, category, kind, description,
        unit_cost, quantity, years."""
        assumptions = self._check_case(assumptions)
        with self.records.transaction() as writer:
            case = writer.row("business_case", case_id)
            if case is None or case["_deleted"]:
                raise PilotError("unknown_case")
            horizon = assumptions.get("horizon_years", case["horizon_years"])
            checked = [(line.side, self._check_line({
                "category": line.category, "kind": line.kind, "description": line.description,
                "unit_cost": line.unit_cost, "quantity": line.quantity, "years": list(line.years)},
                line.side, horizon)) for line in lines]
            for current in writer.session.scalars(select(BusinessLine.id).where(
                    BusinessLine.business_case_id == case_id, BusinessLine.deleted.is_(False))):
                writer.delete("business_line", current)
            if assumptions:
                writer.update("business_case", case_id, assumptions)
            for side, values in checked:
                self._add_line(writer, case_id, case["workspace"], side, values)

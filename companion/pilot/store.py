"""Pilot projects in the local database: the operations the pilot screens ask for.

Every operation is one short transaction, so each edit is saved the moment it is made.
Edits return the previous values, so the UI can offer undo without knowing SQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, delete, func, select, update

from companion.pilot.templates import Templates
from companion.storage.database import session_factory
from companion.storage.models import (Attachment, BusinessCase, BusinessLine, Checklist, ChecklistItem, Feasibility,
                                      FeasibilityScore, Project, new_uuid, utcnow)

STATUSES = ("todo", "in_progress", "done", "na")
PILOT_CHECKLIST = "pilot-implementation"
READINESS = "readiness"
WORKED_BUSINESS_CASE = "openimis-pilot"
PROJECT_FIELDS = {"name", "country", "scheme", "currency", "usd_rate", "start_date", "team"}
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


def _project_info(project: Project) -> ProjectInfo:
    return ProjectInfo(project.id, project.name, project.country, project.scheme, project.currency,
                       project.usd_rate, project.start_date, tuple(project.team or ()), project.archived,
                       project.updated_at)


def _converted(amount: str, rate: Decimal | None) -> str:
    """A template's US-dollar amount in the project's currency (exact; trailing zeros dropped)."""
    if rate is None:
        return amount
    value = Decimal(amount) * rate
    return format(value.quantize(Decimal("0.01")).normalize(), "f")


def _line_row(line: BusinessLine) -> LineRow:
    return LineRow(line.id, line.side, line.category, line.kind, line.description, line.unit_cost, line.quantity,
                   tuple(line.years or ()), line.position)


class PilotStore:
    def __init__(self, engine: Engine, templates: Templates | None, blobs_dir: Path) -> None:
        self.sessions = session_factory(engine)
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

    def _update(self, model, row_id: str, values: dict, allowed: set[str], missing_key: str) -> dict:
        """Set some fields of one row in its own transaction; returns what they were (for undo)."""
        unknown = set(values) - allowed
        if unknown:
            raise PilotError("unknown_field", ", ".join(sorted(unknown)))
        with self.sessions.begin() as session:
            row = session.get(model, row_id)
            if row is None:
                raise PilotError(missing_key)
            previous = {key: getattr(row, key) for key in values}
            for key, value in values.items():
                # JSON columns get a fresh list, so the change is seen and nothing is shared.
                setattr(row, key, list(value) if isinstance(value, (list, tuple)) else value)
            return previous

    # --- projects ---------------------------------------------------------------------------

    def create_project(self, name: str, country: str = "", scheme: str = "", currency: str = "USD",
                       start_date: dt.date | None = None, team: list[str] | None = None,
                       language: str = "en", worked_business_case: bool = True, usd_rate: str | None = None) -> str:
        """A new project with the pilot checklist, the feasibility assessment and a business
        case: the worked example (its US-dollar amounts converted with ``usd_rate``, local units
        per dollar), or empty."""
        if not name.strip():
            raise PilotError("name_required")
        if worked_business_case and currency != "USD" and not usd_rate:
            raise PilotError("usd_rate_required")
        with self.sessions.begin() as session:
            project = Project(name=name.strip(), country=country.strip(), scheme=scheme.strip(), currency=currency,
                              usd_rate=usd_rate, start_date=start_date, team=list(team or []), archived=False,
                              deleted=False)
            session.add(project)
            session.flush()
            self._add_checklist(session, project.id, PILOT_CHECKLIST)
            feasibility = self.templates.feasibility[READINESS]
            session.add(Feasibility(project_id=project.id, template_id=feasibility.id,
                                    template_version=feasibility.version, weights={}, recommendation=""))
            self._add_business_case(session, project.id, WORKED_BUSINESS_CASE if worked_business_case else None,
                                    language, Decimal(usd_rate) if usd_rate and currency != "USD" else None)
            return project.id

    def projects(self, include_archived: bool = False) -> list[ProjectInfo]:
        query = select(Project).where(Project.deleted.is_(False)).order_by(Project.archived, Project.name)
        if not include_archived:
            query = query.where(Project.archived.is_(False))
        with self.sessions() as session:
            return [_project_info(p) for p in session.scalars(query)]

    def project(self, project_id: str) -> ProjectInfo:
        with self.sessions() as session:
            project = session.get(Project, project_id)
            if project is None or project.deleted:
                raise PilotError("unknown_project")
            return _project_info(project)

    def update_project(self, project_id: str, **values) -> dict:
        """Change some fields; returns their previous values (for undo)."""
        if "name" in values and not str(values["name"]).strip():
            raise PilotError("name_required")
        return self._update(Project, project_id, values, PROJECT_FIELDS, "unknown_project")

    def set_archived(self, project_id: str, archived: bool) -> None:
        with self.sessions.begin() as session:
            session.execute(update(Project).where(Project.id == project_id).values(archived=archived, updated_at=utcnow()))

    def delete_project(self, project_id: str) -> None:
        """Hidden at once, kept until ``purge_deleted`` (at app close), so it can be undone."""
        with self.sessions.begin() as session:
            session.execute(update(Project).where(Project.id == project_id).values(deleted=True, updated_at=utcnow()))

    def restore_project(self, project_id: str) -> None:
        with self.sessions.begin() as session:
            session.execute(update(Project).where(Project.id == project_id).values(deleted=False, updated_at=utcnow()))

    def purge_deleted(self) -> int:
        with self.sessions.begin() as session:
            ids = list(session.scalars(select(Project.id).where(Project.deleted.is_(True))))
            for project_id in ids:
                session.delete(session.get(Project, project_id))
            return len(ids)

    def duplicate_project(self, project_id: str, new_name: str) -> str:
        """A full copy (checklists with their entries, scores, business case) under a new name."""
        with self.sessions.begin() as session:
            source = session.get(Project, project_id)
            if source is None:
                raise PilotError("unknown_project")
            copy = Project(name=new_name, country=source.country, scheme=source.scheme, currency=source.currency,
                           usd_rate=source.usd_rate, start_date=source.start_date, team=list(source.team or []),
                           archived=False, deleted=False)
            session.add(copy)
            session.flush()
            for checklist in session.scalars(select(Checklist).where(Checklist.project_id == project_id)):
                new_checklist = Checklist(project_id=copy.id, template_id=checklist.template_id,
                                          template_version=checklist.template_version)
                session.add(new_checklist)
                session.flush()
                for item in session.scalars(select(ChecklistItem).where(ChecklistItem.checklist_id == checklist.id)):
                    new_item = ChecklistItem(checklist_id=new_checklist.id, section_key=item.section_key,
                                             item_key=item.item_key, position=item.position, status=item.status,
                                             owner=item.owner, due_date=item.due_date, notes=item.notes)
                    session.add(new_item)
                    session.flush()
                    for attachment in session.scalars(select(Attachment).where(Attachment.item_id == item.id)):
                        session.add(Attachment(item_id=new_item.id, sha256=attachment.sha256, name=attachment.name,
                                               size=attachment.size, mime=attachment.mime))
            for feasibility in session.scalars(select(Feasibility).where(Feasibility.project_id == project_id)):
                new_feasibility = Feasibility(project_id=copy.id, template_id=feasibility.template_id,
                                              template_version=feasibility.template_version,
                                              weights=dict(feasibility.weights), recommendation=feasibility.recommendation)
                session.add(new_feasibility)
                session.flush()
                for score in session.scalars(select(FeasibilityScore).where(FeasibilityScore.feasibility_id == feasibility.id)):
                    session.add(FeasibilityScore(feasibility_id=new_feasibility.id, dimension_key=score.dimension_key,
                                                 criterion_key=score.criterion_key, score=score.score,
                                                 evidence=score.evidence, risk=score.risk))
            for case in session.scalars(select(BusinessCase).where(BusinessCase.project_id == project_id)):
                new_case = BusinessCase(project_id=copy.id, template_id=case.template_id,
                                        horizon_years=case.horizon_years, discount_rate=case.discount_rate,
                                        insurees=case.insurees)
                session.add(new_case)
                session.flush()
                for line in session.scalars(select(BusinessLine).where(BusinessLine.business_case_id == case.id)):
                    session.add(BusinessLine(business_case_id=new_case.id, side=line.side, category=line.category,
                                             kind=line.kind, description=line.description, unit_cost=line.unit_cost,
                                             quantity=line.quantity, years=list(line.years), position=line.position))
            return copy.id

    # --- checklists -------------------------------------------------------------------------

    def _add_checklist(self, session, project_id: str, template_id: str) -> str:
        template = self.templates.checklists[template_id]
        checklist = Checklist(project_id=project_id, template_id=template.id, template_version=template.version)
        session.add(checklist)
        session.flush()
        for position, (section, item) in enumerate(template.items()):
            session.add(ChecklistItem(checklist_id=checklist.id, section_key=section.id, item_key=item.id,
                                      position=position, status="todo", owner="", notes=""))
        return checklist.id

    def add_checklist(self, project_id: str, template_id: str) -> str:
        if template_id not in self.templates.checklists:
            raise PilotError("unknown_template", template_id)
        with self.sessions.begin() as session:
            return self._add_checklist(session, project_id, template_id)

    def checklists(self, project_id: str) -> list[tuple[str, str, int]]:
        """(checklist id, template id, template version) of a project's checklists."""
        with self.sessions() as session:
            rows = session.execute(select(Checklist.id, Checklist.template_id, Checklist.template_version)
                                   .where(Checklist.project_id == project_id)).all()
        order = [PILOT_CHECKLIST] + sorted(set(self.templates.checklists) - {PILOT_CHECKLIST})
        return sorted((tuple(r) for r in rows), key=lambda r: order.index(r[1]) if r[1] in order else len(order))

    def items(self, checklist_id: str) -> list[ItemRow]:
        counts = (select(Attachment.item_id, func.count().label("n")).group_by(Attachment.item_id).subquery())
        query = (select(ChecklistItem, func.coalesce(counts.c.n, 0))
                 .outerjoin(counts, counts.c.item_id == ChecklistItem.id)
                 .where(ChecklistItem.checklist_id == checklist_id).order_by(ChecklistItem.position))
        with self.sessions() as session:
            return [ItemRow(i.id, i.section_key, i.item_key, i.position, i.status, i.owner, i.due_date, i.notes, n)
                    for i, n in session.execute(query).all()]

    def update_item(self, item_id: str, **values) -> dict:
        if "status" in values and values["status"] not in STATUSES:
            raise PilotError("bad_status", str(values["status"]))
        return self._update(ChecklistItem, item_id, values, ITEM_FIELDS, "unknown_item")

    def template_upgrade(self, checklist_id: str) -> list[tuple[str, str]]:
        """(section id, item id) of items a newer template adds that this checklist lacks."""
        with self.sessions() as session:
            checklist = session.get(Checklist, checklist_id)
            have = set(session.scalars(select(ChecklistItem.item_key).where(ChecklistItem.checklist_id == checklist_id)))
        template = self.templates.checklists.get(checklist.template_id)
        if template is None or template.version <= checklist.template_version:
            return []
        return [(section.id, item.id) for section, item in template.items() if item.id not in have]

    def apply_template_upgrade(self, checklist_id: str) -> int:
        """Add the new items (as 'to do'), keep every entry, and move to the new version."""
        new_items = self.template_upgrade(checklist_id)
        with self.sessions.begin() as session:
            checklist = session.get(Checklist, checklist_id)
            template = self.templates.checklists[checklist.template_id]
            order = {item.id: position for position, (_s, item) in enumerate(template.items())}
            for section_id, item_id in new_items:
                session.add(ChecklistItem(checklist_id=checklist_id, section_key=section_id, item_key=item_id,
                                          position=order[item_id], status="todo", owner="", notes=""))
            # Renumber everything in the template's order; items the template no longer has go last.
            for item in session.scalars(select(ChecklistItem).where(ChecklistItem.checklist_id == checklist_id)):
                item.position = order.get(item.item_key, len(order) + item.position)
            checklist.template_version = template.version
        return len(new_items)

    def due_items(self, until: dt.date) -> list[tuple[str, str, str, str, dt.date]]:
        """Open items due on or before ``until`` in active projects:
        (project id, project name, checklist template id, item id, due date), soonest first."""
        query = (select(Project.id, Project.name, Checklist.template_id, ChecklistItem.item_key, ChecklistItem.due_date)
                 .join(Checklist, Checklist.project_id == Project.id)
                 .join(ChecklistItem, ChecklistItem.checklist_id == Checklist.id)
                 .where(Project.deleted.is_(False), Project.archived.is_(False),
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
        with self.sessions.begin() as session:
            attachment = Attachment(item_id=item_id, sha256=sha, name=source.name, size=source.stat().st_size, mime=mime)
            session.add(attachment)
            session.flush()
            return AttachmentInfo(attachment.id, sha, attachment.name, attachment.size, mime)

    def attachments(self, item_id: str) -> list[AttachmentInfo]:
        with self.sessions() as session:
            return [AttachmentInfo(a.id, a.sha256, a.name, a.size, a.mime) for a in
                    session.scalars(select(Attachment).where(Attachment.item_id == item_id).order_by(Attachment.created_at))]

    def remove_attachment(self, attachment_id: str) -> None:
        with self.sessions.begin() as session:
            session.execute(delete(Attachment).where(Attachment.id == attachment_id))

    # --- feasibility ------------------------------------------------------------------------

    def feasibility(self, project_id: str) -> tuple[str, dict[str, FeasibilityScore], dict, str]:
        """(feasibility id, criterion id → score row, weight overrides, recommendation)."""
        with self.sessions() as session:
            record = session.scalar(select(Feasibility).where(Feasibility.project_id == project_id))
            if record is None:
                raise PilotError("unknown_project")
            scores = {s.criterion_key: s for s in session.scalars(
                select(FeasibilityScore).where(FeasibilityScore.feasibility_id == record.id))}
            return record.id, scores, dict(record.weights or {}), record.recommendation

    def set_criterion(self, feasibility_id: str, dimension_key: str, criterion_key: str, **values) -> dict:
        """Set score (1-5 or None), evidence or risk of a criterion; returns previous values."""
        if "score" in values and values["score"] is not None and values["score"] not in (1, 2, 3, 4, 5):
            raise PilotError("score_out_of_range")
        with self.sessions.begin() as session:
            row = session.scalar(select(FeasibilityScore).where(FeasibilityScore.feasibility_id == feasibility_id,
                                                                FeasibilityScore.criterion_key == criterion_key))
            if row is None:
                row = FeasibilityScore(feasibility_id=feasibility_id, dimension_key=dimension_key,
                                       criterion_key=criterion_key, score=None, evidence="", risk="")
                session.add(row)
            previous = {key: getattr(row, key) for key in values}
            for key, value in values.items():
                setattr(row, key, value)
            return previous

    def set_feasibility(self, feasibility_id: str, weights: dict | None = None,
                        recommendation: str | None = None) -> dict:
        with self.sessions.begin() as session:
            record = session.get(Feasibility, feasibility_id)
            previous = {}
            if weights is not None:
                if any(not isinstance(w, (int, float)) or w < 0 or w > 10 for w in weights.values()):
                    raise PilotError("weight_out_of_range")
                previous["weights"] = dict(record.weights or {})
                record.weights = dict(weights)
            if recommendation is not None:
                previous["recommendation"] = record.recommendation
                record.recommendation = recommendation
            return previous

    # --- business case ----------------------------------------------------------------------

    def _add_business_case(self, session, project_id: str, template_id: str | None, language: str,
                           rate: Decimal | None = None) -> str:
        template = self.templates.business_cases.get(template_id) if template_id else None
        case = BusinessCase(project_id=project_id, template_id=template.id if template else None,
                            horizon_years=template.horizon_years if template else 5,
                            discount_rate=template.discount_rate if template else "0.08",
                            insurees=template.insurees if template else 1)
        session.add(case)
        session.flush()
        for position, line in enumerate(template.lines if template else ()):
            session.add(BusinessLine(business_case_id=case.id, side=line.side, category=line.category, kind=line.kind,
                                     description=line.description.get(language),
                                     unit_cost=_converted(line.unit_cost, rate),
                                     quantity=line.quantity, years=list(line.years), position=position))
        return case.id

    def business_case(self, project_id: str) -> tuple[CaseRow, list[LineRow]]:
        with self.sessions() as session:
            case = session.scalar(select(BusinessCase).where(BusinessCase.project_id == project_id))
            if case is None:
                raise PilotError("unknown_project")
            lines = session.scalars(select(BusinessLine).where(BusinessLine.business_case_id == case.id)
                                    .order_by(BusinessLine.side, BusinessLine.position))
            return (CaseRow(case.id, case.template_id, case.horizon_years, case.discount_rate, case.insurees),
                    [_line_row(line) for line in lines])

    def update_case(self, case_id: str, **values) -> dict:
        return self._update(BusinessCase, case_id, values, CASE_FIELDS, "unknown_case")

    def add_line(self, case_id: str, side: str, category: str, kind: str = "recurring", description: str = "",
                 unit_cost: str = "0", quantity: str = "1", years: list[int] | None = None,
                 line_id: str | None = None) -> str:
        if side not in ("cost", "benefit"):
            raise PilotError("bad_side", side)
        with self.sessions.begin() as session:
            position = session.scalar(select(func.coalesce(func.max(BusinessLine.position), -1) + 1)
                                      .where(BusinessLine.business_case_id == case_id))
            line = BusinessLine(id=line_id or new_uuid(), business_case_id=case_id, side=side, category=category,
                                kind=kind, description=description, unit_cost=unit_cost, quantity=quantity,
                                years=list(years or []), position=position)
            session.add(line)
            return line.id

    def update_line(self, line_id: str, **values) -> dict:
        return self._update(BusinessLine, line_id, values, LINE_FIELDS, "unknown_line")

    def delete_line(self, line_id: str) -> LineRow:
        """Remove a line; returns it whole so an undo can put it back."""
        with self.sessions.begin() as session:
            line = session.get(BusinessLine, line_id)
            if line is None:
                raise PilotError("unknown_line")
            row = _line_row(line)
            session.delete(line)
            return row

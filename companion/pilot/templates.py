"""Pilot templates (checklists, feasibility, business case): versioned YAML data files under
resources/templates/ with every text in English and French. See docs/templates-format.md."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from companion.config import resources_dir
from companion.content.loader import ContentError, load_yaml, read_text
from companion.content.safe_yaml import TEMPLATE_LIMITS


class TemplateError(ValueError):
    """A template file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Text:
    en: str
    fr: str

    def get(self, language: str) -> str:
        return self.fr if language == "fr" and self.fr else self.en


@dataclass(frozen=True)
class ChecklistItemTemplate:
    id: str
    title: Text
    guidance: Text


@dataclass(frozen=True)
class SectionTemplate:
    id: str
    title: Text
    items: tuple[ChecklistItemTemplate, ...]


@dataclass(frozen=True)
class ChecklistTemplate:
    id: str
    version: int
    title: Text
    description: Text
    sections: tuple[SectionTemplate, ...]

    def items(self) -> list[tuple[SectionTemplate, ChecklistItemTemplate]]:
        return [(section, item) for section in self.sections for item in section.items]


@dataclass(frozen=True)
class CriterionTemplate:
    id: str
    title: Text
    guidance: Text


@dataclass(frozen=True)
class DimensionTemplate:
    id: str
    title: Text
    description: Text
    weight: float
    criteria: tuple[CriterionTemplate, ...]


@dataclass(frozen=True)
class FeasibilityTemplate:
    id: str
    version: int
    title: Text
    description: Text
    levels: dict[int, Text]
    dimensions: tuple[DimensionTemplate, ...]

    def dimension(self, dimension_id: str) -> DimensionTemplate | None:
        return next((d for d in self.dimensions if d.id == dimension_id), None)


@dataclass(frozen=True)
class LineTemplate:
    id: str
    side: str  # "cost" | "benefit"
    category: str
    kind: str
    description: Text
    unit_cost: str
    quantity: str
    years: tuple[int, ...]


@dataclass(frozen=True)
class BusinessCaseTemplate:
    id: str
    version: int
    title: Text
    description: Text
    currency: str
    horizon_years: int
    discount_rate: str
    insurees: int
    lines: tuple[LineTemplate, ...]


@dataclass(frozen=True)
class Templates:
    checklists: dict[str, ChecklistTemplate]
    feasibility: dict[str, FeasibilityTemplate]
    business_cases: dict[str, BusinessCaseTemplate]


def _text(value, where: str) -> Text:
    if not isinstance(value, dict) or not value.get("en") or not value.get("fr"):
        raise TemplateError(f"{where}: needs an English and a French text ({{en: ..., fr: ...}})")
    return Text(str(value["en"]).strip(), str(value["fr"]).strip())


def _unique(ids: list[str], where: str) -> None:
    seen = set()
    for identifier in ids:
        if identifier in seen:
            raise TemplateError(f"{where}: the id '{identifier}' is used twice")
        seen.add(identifier)


def _header(data: dict, kind: str, where: str) -> tuple[str, int, Text, Text]:
    if not isinstance(data, dict) or data.get("kind") != kind:
        raise TemplateError(f"{where}: expected a template of kind '{kind}'")
    version = data.get("version")
    if not isinstance(version, int) or version < 1:
        raise TemplateError(f"{where}: 'version' must be a whole number from 1")
    return str(data["id"]), version, _text(data.get("title"), f"{where}: title"), \
        _text(data.get("description"), f"{where}: description")


def parse_checklist(data: dict, where: str) -> ChecklistTemplate:
    identifier, version, title, description = _header(data, "checklist", where)
    sections = []
    for section in data.get("sections") or []:
        items = tuple(ChecklistItemTemplate(str(item["id"]), _text(item.get("title"), f"{where}: {item['id']}"),
                                            _text(item.get("guidance"), f"{where}: {item['id']} guidance"))
                      for item in section.get("items") or [])
        sections.append(SectionTemplate(str(section["id"]), _text(section.get("title"), f"{where}: {section['id']}"),
                                        items))
    template = ChecklistTemplate(identifier, version, title, description, tuple(sections))
    _unique([s.id for s in template.sections], where)
    _unique([i.id for _s, i in template.items()], where)
    if not template.items():
        raise TemplateError(f"{where}: the checklist has no items")
    return template


def parse_feasibility(data: dict, where: str) -> FeasibilityTemplate:
    identifier, version, title, description = _header(data, "feasibility", where)
    levels = {int(level): _text(text, f"{where}: level {level}") for level, text in (data.get("levels") or {}).items()}
    if sorted(levels) != [1, 2, 3, 4, 5]:
        raise TemplateError(f"{where}: 'levels' must describe the scores 1 to 5")
    dimensions = []
    for dimension in data.get("dimensions") or []:
        criteria = tuple(CriterionTemplate(str(c["id"]), _text(c.get("title"), f"{where}: {c['id']}"),
                                           _text(c.get("guidance"), f"{where}: {c['id']} guidance"))
                         for c in dimension.get("criteria") or [])
        if not criteria:
            raise TemplateError(f"{where}: the dimension '{dimension['id']}' has no criteria")
        dimensions.append(DimensionTemplate(str(dimension["id"]), _text(dimension.get("title"), f"{where}: {dimension['id']}"),
                                            _text(dimension.get("description"), f"{where}: {dimension['id']} description"),
                                            float(dimension.get("weight", 1)), criteria))
    template = FeasibilityTemplate(identifier, version, title, description, levels, tuple(dimensions))
    _unique([d.id for d in template.dimensions], where)
    _unique([c.id for d in template.dimensions for c in d.criteria], where)
    return template


def parse_business_case(data: dict, where: str) -> BusinessCaseTemplate:
    identifier, version, title, description = _header(data, "business_case", where)
    lines = []
    for side, key in (("cost", "cost_lines"), ("benefit", "benefit_lines")):
        for line in data.get(key) or []:
            lines.append(LineTemplate(str(line["id"]), side, str(line["category"]), str(line.get("kind", "recurring")),
                                      _text(line.get("description"), f"{where}: {line['id']}"),
                                      str(line["unit_cost"]), str(line.get("quantity", "1")),
                                      tuple(int(year) for year in line.get("years") or [])))
    _unique([line.id for line in lines], where)
    return BusinessCaseTemplate(identifier, version, title, description, str(data.get("currency", "USD")),
                                int(data.get("horizon_years", 5)), str(data.get("discount_rate", "0")),
                                int(data.get("insurees", 1)), tuple(lines))


def _load(path: Path) -> dict:
    try:
        return load_yaml(read_text(path, TEMPLATE_LIMITS.max_bytes), str(path), TEMPLATE_LIMITS)
    except ContentError as error:  # bad UTF-8, aliases, tags, too large...: the message names the file
        raise TemplateError(str(error)) from None


def _parse(parse, path: Path):
    """``parse`` on the file's data; a field missing or of the wrong kind is a TemplateError naming the file."""
    try:
        return parse(_load(path), str(path))
    except TemplateError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as error:
        detail = f"the field {error} is missing" if isinstance(error, KeyError) else f"a field has the wrong kind of value ({error})"
        raise TemplateError(f"{path}: {detail}") from None


def load_templates(root: Path | None = None) -> Templates:
    root = root or resources_dir() / "templates"
    checklists = {t.id: t for t in (_parse(parse_checklist, p) for p in sorted((root / "checklists").glob("*.yaml")))}
    feasibility = {t.id: t for t in (_parse(parse_feasibility, p) for p in sorted((root / "feasibility").glob("*.yaml")))}
    cases = {t.id: t for t in (_parse(parse_business_case, p) for p in sorted((root / "business-case").glob("*.yaml")))}
    return Templates(checklists, feasibility, cases)


@lru_cache(maxsize=1)
def bundled_templates() -> Templates:
    return load_templates()

"""The project dashboard: checklist progress by section, overdue items, feasibility
readiness and the business case's headline figures."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QProgressBar, QScrollArea, QVBoxLayout, QWidget

from companion.i18n import _, current_language, format_date, format_number, format_percent, ngettext, translated
from companion.pilot.feasibility import READINGS, readiness
from companion.pilot.progress import checklist_progress, overdue
from ui.screens.pilot.base import PilotContext, PilotTab


class DashboardTab(PilotTab):
    def __init__(self, context: PilotContext, parent=None) -> None:
        super().__init__(context, parent)
        self.setObjectName("dashboardTab")
        self.checklist_box = QGroupBox()
        self.checklist_box.setObjectName("dashboardChecklist")
        self.checklist_layout = QGridLayout(self.checklist_box)
        self.overdue_box = QGroupBox()
        self.overdue_label = QLabel()
        self.overdue_label.setObjectName("dashboardOverdue")
        self.overdue_label.setWordWrap(True)
        QVBoxLayout(self.overdue_box).addWidget(self.overdue_label)
        self.feasibility_box = QGroupBox()
        self.feasibility_label = QLabel()
        self.feasibility_label.setObjectName("dashboardReadiness")
        self.feasibility_label.setWordWrap(True)
        self.feasibility_label.setTextFormat(Qt.TextFormat.PlainText)  # user text: never markup
        QVBoxLayout(self.feasibility_box).addWidget(self.feasibility_label)
        self.case_box = QGroupBox()
        self.case_label = QLabel()
        self.case_label.setObjectName("dashboardBusinessCase")
        self.case_label.setWordWrap(True)
        QVBoxLayout(self.case_box).addWidget(self.case_label)

        content = QWidget()
        grid = QGridLayout(content)
        grid.addWidget(self.checklist_box, 0, 0, 2, 1)
        grid.addWidget(self.feasibility_box, 0, 1)
        grid.addWidget(self.case_box, 1, 1)
        grid.addWidget(self.overdue_box, 2, 0, 1, 2)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(3, 1)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("dashboardScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll)
        self.retranslate()

    def tab_title(self) -> str:
        return _("Dashboard")

    def retranslate(self) -> None:
        self.setAccessibleName(_("Project dashboard"))
        self.scroll.setAccessibleName(_("Project dashboard"))  # it takes the focus, to scroll with the keys
        self.checklist_box.setTitle(_("Checklist progress"))
        self.overdue_box.setTitle(_("Overdue items"))
        self.feasibility_box.setTitle(_("Feasibility"))
        self.case_box.setTitle(_("Business case"))

    def refresh(self) -> None:
        if not self.project_id:
            return
        language = current_language()
        self._show_checklists(language)
        self._show_feasibility(language)
        self._show_business_case(language)

    def _show_checklists(self, language: str) -> None:
        while self.checklist_layout.count():
            widget = self.checklist_layout.takeAt(0).widget()
            if widget:
                widget.deleteLater()
        row, late = 0, []
        for checklist_id, template_id, _version in self.store.checklists(self.project_id):
            template = self.context.templates.checklists.get(template_id)
            items = self.store.items(checklist_id)
            overall, sections = checklist_progress(template, items)
            title = QLabel(f"<b>{html.escape(template.title.get(language) if template else template_id)}</b>")
            self.checklist_layout.addWidget(title, row, 0, 1, 2)
            row += 1
            titles = {s.id: s.title.get(language) for s in template.sections} if template else {}
            for progress in [overall, *sections]:
                label = QLabel(titles.get(progress.key, _("All items")) if progress.key else _("All items"))
                label.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
                bar = QProgressBar()
                bar.setObjectName(f"progress_{checklist_id[:8]}_{progress.key or 'all'}")
                bar.setRange(0, max(progress.applicable, 1))
                bar.setValue(progress.done)
                bar.setFormat(_("{done} of {total} done").format(done=format_number(progress.done),
                                                                 total=format_number(progress.applicable)))
                bar.setAccessibleName(label.text())
                self.checklist_layout.addWidget(label, row, 0)
                self.checklist_layout.addWidget(bar, row, 1)
                row += 1
            item_titles = {i.id: (s, i) for s, i in template.items()} if template else {}
            for item in overdue(items, dt.date.today()):
                entry = item_titles.get(item.item_key)
                name = entry[1].title.get(language) if entry else item.item_key
                late.append((item.due_date, name, item.owner))
        late.sort()
        if late:
            lines = [_("{title} — due {date}").format(title=name, date=format_date(due))
                     + (f" ({owner})" if owner else "") for due, name, owner in late[:8]]
            more = len(late) - 8
            text = ngettext("{count} item is overdue:", "{count} items are overdue:", len(late)).format(
                count=format_number(len(late)))
            self.overdue_label.setText(text + "<br>" + "<br>".join(html.escape(line) for line in lines)
                                       + (f"<br>" + html.escape(_("and {count} more").format(count=more)) if more > 0 else ""))
        else:
            self.overdue_label.setText(_("Nothing is overdue."))

    def _show_feasibility(self, language: str) -> None:
        template = self.context.templates.feasibility.get("readiness")
        feasibility_id, scores, weights, recommendation = self.store.feasibility(self.project_id)
        result = readiness(template, {key: row.score for key, row in scores.items()}, weights)
        scored = sum(d.scored for d in result.dimensions)
        total = sum(d.criteria for d in result.dimensions)
        if result.overall is None:
            text = _("No criterion scored yet ({total} to score).").format(total=format_number(total))
        else:
            text = _("Readiness {score} out of 5 ({percent}): {reading}.").format(
                score=format_number(round(result.overall, 1)), percent=format_percent(result.percent / 100),
                reading=translated(READINGS[result.reading]))
            text += " " + _("{scored} of {total} criteria scored.").format(scored=format_number(scored),
                                                                           total=format_number(total))
            if result.weak_dimensions:
                names = [template.dimension(d).title.get(language) for d in result.weak_dimensions]
                text += " " + _("Weakest: {names}.").format(names=", ".join(names))
        self.feasibility_label.setText(text)

    def _show_business_case(self, language: str) -> None:
        from ui.screens.pilot.case_summary import headline  # the business case figures, formatted

        self.case_label.setText(headline(self.store, self.project_id, language))

"""The feasibility assessment of a project: score each criterion 1-5 with its evidence and
risk, weigh the dimensions, read the overall readiness, see the chart, write the recommendation.

Left: the overall readiness (large, coloured, with a sentence) and the list of dimensions with
their score and weight. Right: the criteria of the chosen dimension, or (first row of the list)
the chart and the team's recommendation. Every change is saved at once and can be undone.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QLocale, QSignalBlocker, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QPalette, QValidator
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QDoubleSpinBox, QFrame, QGridLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPlainTextEdit, QScrollArea, QSizePolicy,
                               QSplitter, QStackedWidget, QToolButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
                               QWidget)

from companion.i18n import _, current_language, format_number, translated
from companion.pilot.feasibility import CONDITIONS, NOT_SCORED, NOT_YET, READINGS, READY, Readiness, readiness
from companion.pilot.store import READINESS, WEIGHT_MAX, WEIGHT_MIN, WEIGHT_STEP, PilotError
from companion.pilot.templates import CriterionTemplate, DimensionTemplate, FeasibilityTemplate
from ui.screens.pilot.base import PilotContext, PilotTab
from ui.undo import save_edit
from ui.widgets.readiness_chart import ReadinessChart
from ui.widgets.plain_text import plain_tooltip


TEXT_SAVE_DELAY_MS = 600  # typing pauses this long → the text is saved
SUMMARY = "__summary__"  # the first row of the list: chart and recommendation
KEY_ROLE = Qt.ItemDataRole.UserRole
ROW_HEIGHT = 26  # list rows tall enough to read and to click
SCORE_BUTTON_STYLE = """
QToolButton[score="true"] { padding: 3px 9px; border: 1px solid palette(mid); border-radius: 3px;
                            background: palette(button); color: palette(button-text); }
QToolButton[score="true"]:hover { border-color: palette(highlight); }
QToolButton[score="true"]:checked { background: palette(highlight); color: palette(highlighted-text);
                                    border-color: palette(highlight); font-weight: bold; }
QToolButton[score="true"]:focus { border: 2px solid palette(link); }
"""

# Reading → (colour on a light palette, colour on a dark palette).
READING_COLOURS = {
    READY: ("#1b7a35", "#6fd68a"),
    CONDITIONS: ("#9a5b00", "#f0b050"),
    NOT_YET: ("#b42318", "#ff8a80"),
}


def _dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def reading_colour(reading: str, palette: QPalette) -> QColor:
    if reading not in READING_COLOURS:
        return palette.color(QPalette.ColorRole.PlaceholderText)
    light, dark = READING_COLOURS[reading]
    return QColor(dark if _dark(palette) else light)


def score_text(score: float | None) -> str:
    return "—" if score is None else format_number(round(score, 1))


def reading_sentence(result: Readiness, template: FeasibilityTemplate, language: str) -> str:
    """One or two plain sentences that say what the reading means and what to do next."""
    if result.reading == NOT_SCORED:
        return _("Score the criteria of each dimension to see how ready the project is for a pilot.")
    sentence = {
        READY: _("The basics for a pilot are in place. Keep the evidence up to date."),
        CONDITIONS: _("A pilot can start once the weak points are dealt with."),
        NOT_YET: _("Too many basics are missing. Work on the weakest dimensions first, then score again."),
    }[result.reading]
    if result.weak_dimensions:
        names = [template.dimension(d).title.get(language) for d in result.weak_dimensions if template.dimension(d)]
        sentence += " " + _("Weak points: {names}.").format(names=", ".join(names))
    unscored = [d for d in result.dimensions if d.score is None]
    if unscored:
        sentence += " " + _("{count} of {total} dimensions are not scored yet.").format(
            count=format_number(len(unscored)), total=format_number(len(result.dimensions)))
    return sentence


class WeightSpinBox(QDoubleSpinBox):
    """A weight from 0 to 5. A number out of range stays visible (not silently refused) so the
    tab can say what is wrong; it is never stored, and leaving the field puts the saved weight back."""

    def validate(self, text: str, position: int):
        state, fixed, position = super().validate(text, position)
        if state == QValidator.State.Invalid and any(ch.isdigit() for ch in text) and len(text) <= 8:
            return QValidator.State.Intermediate, text, position
        return state, fixed, position


class CriterionEditor(QFrame):
    """One criterion: its question, guidance, a 1-5 score (or not scored), evidence and risk."""

    def __init__(self, tab: "FeasibilityTab", dimension: DimensionTemplate, criterion: CriterionTemplate,
                 template: FeasibilityTemplate, language: str) -> None:
        super().__init__()
        self.tab, self.dimension, self.criterion, self.template = tab, dimension, criterion, template
        self.language = language
        self.setObjectName(f"criterion_{criterion.id}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        title = criterion.title.get(language)
        self.title = QLabel(f"<b>{html.escape(title)}</b>")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.guidance = QLabel(criterion.guidance.get(language))
        self.guidance.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
        self.guidance.setWordWrap(True)
        self.guidance.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        # The chosen score stands out in the highlight colour of the palette (light or dark).
        self.setStyleSheet(SCORE_BUTTON_STYLE)
        self.buttons = QButtonGroup(self)
        self.buttons.setExclusive(True)
        score_row = QHBoxLayout()
        score_row.setSpacing(2)
        for value in range(0, 6):
            button = QToolButton()
            button.setObjectName(f"score_{criterion.id}_{value}")
            button.setCheckable(True)
            button.setProperty("score", True)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            if value:
                button.setText(format_number(value))
                button.setMinimumWidth(34)
                meaning = template.levels[value].get(language)
                button.setToolTip(plain_tooltip(meaning))
                button.setAccessibleName(_("{criterion}: score {score}").format(criterion=title, score=value))
                button.setAccessibleDescription(meaning)
            else:
                button.setText(_("Not scored"))
                button.setToolTip(_("Remove the score"))
                button.setAccessibleName(_("{criterion}: not scored").format(criterion=title))
            self.buttons.addButton(button, value)
            score_row.addWidget(button)
        self.buttons.idClicked.connect(self._score_clicked)
        self.meaning = QLabel()
        self.meaning.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
        self.meaning.setObjectName(f"meaning_{criterion.id}")
        self.meaning.setWordWrap(True)
        self.meaning.setMinimumWidth(160)
        score_row.addSpacing(10)
        score_row.addWidget(self.meaning, 1)

        self.evidence = QLineEdit()
        self.evidence.setObjectName(f"evidence_{criterion.id}")
        self.evidence.setPlaceholderText(_("What shows it: a document, a meeting, figures…"))
        self.evidence.setAccessibleName(_("Evidence for: {criterion}").format(criterion=title))
        self.risk = QLineEdit()
        self.risk.setObjectName(f"risk_{criterion.id}")
        self.risk.setPlaceholderText(_("What could go wrong, and what to do about it"))
        self.risk.setAccessibleName(_("Risk for: {criterion}").format(criterion=title))
        self.timers = {}
        for field, edit in (("evidence", self.evidence), ("risk", self.risk)):
            timer = QTimer(self, singleShot=True, interval=TEXT_SAVE_DELAY_MS)
            timer.timeout.connect(lambda f=field: self.save_text(f))
            edit.textEdited.connect(timer.start)
            edit.editingFinished.connect(lambda f=field: self.save_text(f))
            self.timers[field] = timer
        evidence_label, risk_label = QLabel(_("Evidence")), QLabel(_("Risk"))
        evidence_label.setBuddy(self.evidence)
        risk_label.setBuddy(self.risk)

        fields = QGridLayout()
        fields.setColumnStretch(1, 1)
        fields.addWidget(evidence_label, 0, 0)
        fields.addWidget(self.evidence, 0, 1)
        fields.addWidget(risk_label, 1, 0)
        fields.addWidget(self.risk, 1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.guidance)
        layout.addLayout(score_row)
        layout.addLayout(fields)
        self.score: int | None = None

    def show_row(self, row) -> None:
        """Show the stored values (without saving them again); keeps the cursor when unchanged."""
        self.score = row.score if row is not None else None
        with QSignalBlocker(self.buttons):
            self.buttons.button(self.score or 0).setChecked(True)
        self._show_meaning()
        for field, edit in (("evidence", self.evidence), ("risk", self.risk)):
            value = (getattr(row, field) if row is not None else "") or ""
            if edit.text() != value and not self.timers[field].isActive():  # never overwrite what is being typed
                edit.setText(value)

    def _show_meaning(self) -> None:
        if self.score:
            self.meaning.setText(_("{score} — {meaning}").format(
                score=format_number(self.score), meaning=self.template.levels[self.score].get(self.language)))
        else:
            self.meaning.setText(_("Not scored yet. Hover over a number to see what it means."))

    def _score_clicked(self, value: int) -> None:
        score = value or None
        if score == self.score:
            return
        if self.tab.save_criterion(self.dimension.id, self.criterion.id, {"score": score},
                                   _("Score “{criterion}”").format(criterion=self.criterion.title.get(self.language))):
            self.score = score
            self._show_meaning()
        else:
            with QSignalBlocker(self.buttons):
                self.buttons.button(self.score or 0).setChecked(True)

    def save_text(self, field: str) -> None:
        self.timers[field].stop()
        edit = self.evidence if field == "evidence" else self.risk
        label = _("Edit the evidence") if field == "evidence" else _("Edit the risk")
        self.tab.save_criterion(self.dimension.id, self.criterion.id, {field: edit.text().strip()}, label,
                                quiet_if_same=True)

    def flush(self) -> None:
        """Save text still waiting for the typing pause."""
        for field, timer in self.timers.items():
            if timer.isActive():
                self.save_text(field)


class FeasibilityTab(PilotTab):
    def __init__(self, context: PilotContext, parent=None) -> None:
        super().__init__(context, parent)
        self.setObjectName("feasibilityTab")
        self.feasibility_id: str | None = None
        self.scores: dict = {}
        self.weights: dict = {}
        self.result: Readiness | None = None
        self.editors: dict[str, CriterionEditor] = {}
        self._built_for: tuple | None = None  # (project, dimension, language) the editors show
        self._tree_language: str | None = None

        # --- left: the overall readiness and the dimensions ---
        self.overall_box = QGroupBox()
        self.overall_box.setObjectName("feasibilityOverallBox")
        self.overall_score = QLabel()
        self.overall_score.setObjectName("feasibilityOverallScore")
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 2.4)
        big.setBold(True)
        self.overall_score.setFont(big)
        self.reading = QLabel()
        self.reading.setObjectName("feasibilityReading")
        self.reading.setWordWrap(True)
        reading_font = QFont(self.font())
        reading_font.setPointSizeF(reading_font.pointSizeF() * 1.35)
        reading_font.setBold(True)
        self.reading.setFont(reading_font)
        self.sentence = QLabel()
        self.sentence.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
        self.sentence.setObjectName("feasibilitySentence")
        self.sentence.setWordWrap(True)
        overall_layout = QVBoxLayout(self.overall_box)
        overall_layout.addWidget(self.overall_score)
        overall_layout.addWidget(self.reading)
        overall_layout.addWidget(self.sentence)

        self.dimensions = QTreeWidget()
        self.dimensions.setObjectName("feasibilityDimensions")
        self.dimensions.setColumnCount(3)
        self.dimensions.setRootIsDecorated(False)
        self.dimensions.setUniformRowHeights(True)
        self.dimensions.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.dimensions.setAlternatingRowColors(True)
        header = self.dimensions.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.dimensions.currentItemChanged.connect(self._dimension_chosen)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.overall_box)
        left_layout.addWidget(self.dimensions, 1)

        # --- right, page 1: the chosen dimension ---
        self.dimension_title = QLabel()
        self.dimension_title.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
        self.dimension_title.setObjectName("feasibilityDimensionTitle")
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.3)
        title_font.setBold(True)
        self.dimension_title.setFont(title_font)
        self.dimension_title.setWordWrap(True)
        self.dimension_description = QLabel()
        self.dimension_description.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
        self.dimension_description.setObjectName("feasibilityDimensionDescription")
        self.dimension_description.setWordWrap(True)
        self.dimension_score = QLabel()
        self.dimension_score.setObjectName("feasibilityDimensionScore")
        self.dimension_score.setWordWrap(True)
        self.weight_label = QLabel()
        self.weight = WeightSpinBox()
        self.weight.setObjectName("feasibilityWeight")
        self.weight.setRange(WEIGHT_MIN, WEIGHT_MAX)
        self.weight.setSingleStep(WEIGHT_STEP)
        self.weight.setDecimals(1)
        self.weight.setKeyboardTracking(False)  # store on Enter, leaving the field or the arrows
        self.weight.setCorrectionMode(QDoubleSpinBox.CorrectionMode.CorrectToPreviousValue)
        self.weight.setMinimumWidth(90)
        self.weight.valueChanged.connect(self._weight_changed)
        self.weight.lineEdit().textEdited.connect(self._weight_typed)
        self.weight_label.setBuddy(self.weight)
        self.weight_hint = QLabel()
        self.weight_hint.setObjectName("feasibilityWeightHint")
        self.weight_hint.setWordWrap(True)
        self.weight_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.weight_error = QLabel()
        self.weight_error.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
        self.weight_error.setObjectName("feasibilityWeightError")
        self.weight_error.setWordWrap(True)
        self.weight_error.hide()
        weight_row = QHBoxLayout()
        weight_row.addWidget(self.weight_label)
        weight_row.addWidget(self.weight)
        weight_row.addWidget(self.weight_hint, 1)

        self.criteria_area = QScrollArea()
        self.criteria_area.setObjectName("feasibilityCriteria")
        self.criteria_area.setWidgetResizable(True)
        self.criteria_area.setFrameShape(QFrame.Shape.NoFrame)
        self.criteria_widget = QWidget()
        self.criteria_layout = QVBoxLayout(self.criteria_widget)
        self.criteria_layout.setContentsMargins(0, 0, 8, 0)
        self.criteria_area.setWidget(self.criteria_widget)

        dimension_page = QWidget()
        dimension_layout = QVBoxLayout(dimension_page)
        dimension_layout.setContentsMargins(0, 0, 0, 0)
        dimension_layout.addWidget(self.dimension_title)
        dimension_layout.addWidget(self.dimension_description)
        dimension_layout.addWidget(self.dimension_score)
        dimension_layout.addLayout(weight_row)
        dimension_layout.addWidget(self.weight_error)
        dimension_layout.addWidget(self.criteria_area, 1)

        # --- right, page 2: the chart and the recommendation ---
        self.chart = ReadinessChart()
        self.recommendation_label = QLabel()
        self.recommendation_label.setObjectName("feasibilityRecommendationLabel")
        self.recommendation_label.setWordWrap(True)
        self.recommendation = QPlainTextEdit()
        self.recommendation.setObjectName("feasibilityRecommendation")
        self.recommendation.setTabChangesFocus(True)
        self.recommendation.setMinimumHeight(90)
        self.recommendation.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.recommendation_label.setBuddy(self.recommendation)
        self._recommendation_timer = QTimer(self, singleShot=True, interval=TEXT_SAVE_DELAY_MS)
        self._recommendation_timer.timeout.connect(self._save_recommendation)
        self.recommendation.textChanged.connect(self._recommendation_typed)
        self.recommendation.installEventFilter(self)
        self._showing_recommendation = False
        summary_page = QWidget()
        summary_layout = QVBoxLayout(summary_page)
        summary_layout.setContentsMargins(0, 0, 0, 0)
        summary_layout.addWidget(self.chart, 3)
        summary_layout.addWidget(self.recommendation_label)
        summary_layout.addWidget(self.recommendation, 1)

        self.pages = QStackedWidget()
        self.pages.setObjectName("feasibilityPages")
        self.pages.addWidget(dimension_page)
        self.pages.addWidget(summary_page)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("feasibilitySplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.pages)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([380, 760])
        left.setMinimumWidth(300)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        self.retranslate()

    # --- texts ------------------------------------------------------------------------------

    def tab_title(self) -> str:
        return _("Feasibility")

    def retranslate(self) -> None:
        self.setAccessibleName(_("Feasibility assessment"))
        self.overall_box.setTitle(_("Overall readiness"))
        self.overall_score.setAccessibleName(_("Overall readiness score"))
        self.reading.setAccessibleName(_("Reading of the readiness"))
        self.dimensions.setHeaderLabels([_("Dimension"), _("Score"), _("Weight")])
        self.dimensions.setAccessibleName(_("Dimensions of the assessment"))
        self.dimensions.setToolTip(_("Choose a dimension to score its criteria"))
        self.weight_label.setText(_("Weight:"))
        self.weight.setLocale(QLocale())  # 1,5 in French; the default follows the UI language
        self.weight.setAccessibleName(_("Weight of this dimension"))
        self.weight.setToolTip(_("From 0 to 5. 0 leaves the dimension out of the overall score."))
        self.weight_hint.setText(_("How much this dimension counts in the overall score (0 to 5; 0 leaves it out)."))
        self.criteria_area.setAccessibleName(_("Criteria of the dimension"))
        self.chart.setAccessibleName(_("Chart of the readiness per dimension"))
        self.recommendation_label.setText(_("Recommendation of the team (for decision-makers):"))
        self.recommendation.setAccessibleName(_("Recommendation of the team"))
        self.recommendation.setPlaceholderText(
            _("For example: start the pilot in two districts once the decree is signed and the hosting is chosen."))
        self._built_for = self._tree_language = None  # re-labelled in refresh()

    # --- loading ----------------------------------------------------------------------------

    @property
    def template(self) -> FeasibilityTemplate | None:
        return self.context.templates.feasibility.get(READINESS)

    def show_project(self, project_id: str) -> None:
        self.flush()
        super().show_project(project_id)

    def refresh(self) -> None:
        """Re-read the assessment and show it; editors are rebuilt only when needed."""
        template = self.template
        if not self.project_id or template is None:
            return
        language = current_language()
        self.feasibility_id, self.scores, self.weights, recommendation = self.store.feasibility(self.project_id)
        self._fill_dimensions(template, language)
        current = self.current_dimension()
        if current == SUMMARY:
            self.pages.setCurrentIndex(1)
        else:
            self.pages.setCurrentIndex(0)
            self._show_dimension(template, current, language)
        if self.recommendation.toPlainText() != recommendation and not self._recommendation_timer.isActive():
            self._showing_recommendation = True
            self.recommendation.setPlainText(recommendation)
            self._showing_recommendation = False
        self._show_results(template, language)

    def current_dimension(self) -> str:
        item = self.dimensions.currentItem()
        return item.data(0, KEY_ROLE) if item else SUMMARY

    def select_dimension(self, dimension_id: str) -> None:
        """Show a dimension (or ``SUMMARY``: the chart and recommendation)."""
        for row in range(self.dimensions.topLevelItemCount()):
            item = self.dimensions.topLevelItem(row)
            if item.data(0, KEY_ROLE) == dimension_id:
                self.dimensions.setCurrentItem(item)
                return

    def _fill_dimensions(self, template: FeasibilityTemplate, language: str) -> None:
        """One row per dimension after the summary row; built once per language, then updated."""
        wanted = [SUMMARY] + [d.id for d in template.dimensions]
        have = [self.dimensions.topLevelItem(r).data(0, KEY_ROLE) for r in range(self.dimensions.topLevelItemCount())]
        if have != wanted or self._tree_language != language:
            self._tree_language = language
            current = self.current_dimension() if have else template.dimensions[0].id
            with QSignalBlocker(self.dimensions):
                self.dimensions.clear()
                summary = QTreeWidgetItem([_("Chart and recommendation")])
                summary.setData(0, KEY_ROLE, SUMMARY)
                summary.setSizeHint(0, QSize(0, ROW_HEIGHT))
                font = summary.font(0)
                font.setBold(True)
                summary.setFont(0, font)
                self.dimensions.addTopLevelItem(summary)
                summary.setFirstColumnSpanned(True)
                for dimension in template.dimensions:
                    item = QTreeWidgetItem([dimension.title.get(language), "", ""])
                    item.setData(0, KEY_ROLE, dimension.id)
                    item.setSizeHint(0, QSize(0, ROW_HEIGHT))
                    item.setToolTip(0, plain_tooltip(dimension.description.get(language)))
                    for column in (1, 2):
                        item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    self.dimensions.addTopLevelItem(item)
                self.select_dimension(current if current in wanted else template.dimensions[0].id)

    def _show_dimension(self, template: FeasibilityTemplate, dimension_id: str, language: str) -> None:
        dimension = template.dimension(dimension_id)
        key = (self.project_id, dimension_id, language)
        if key != self._built_for:
            self._build_editors(template, dimension, language)
            self._built_for = key
        self.dimension_title.setText(dimension.title.get(language))
        self.dimension_description.setText(dimension.description.get(language))
        weight = float(self.weights.get(dimension.id, dimension.weight))
        if self.weight.value() != weight or self.weight.lineEdit().text() != self.weight.textFromValue(weight):
            with QSignalBlocker(self.weight):
                self.weight.setValue(weight)
        self.weight_error.hide()
        for criterion in dimension.criteria:
            self.editors[criterion.id].show_row(self.scores.get(criterion.id))

    def _build_editors(self, template: FeasibilityTemplate, dimension: DimensionTemplate, language: str) -> None:
        self.flush()
        while self.criteria_layout.count():
            widget = self.criteria_layout.takeAt(0).widget()
            if widget:
                widget.hide()
                widget.deleteLater()
        self.editors = {}
        for criterion in dimension.criteria:
            editor = CriterionEditor(self, dimension, criterion, template, language)
            self.editors[criterion.id] = editor
            self.criteria_layout.addWidget(editor)
        self.criteria_layout.addStretch(1)
        for editor in self.editors.values():
            editor.show()  # now, not at the next turn of the event loop
        self.criteria_layout.activate()
        self.criteria_area.verticalScrollBar().setValue(0)

    def _show_results(self, template: FeasibilityTemplate, language: str) -> None:
        """The scores computed from what is stored: overall, per dimension, the chart."""
        result = readiness(template, {key: row.score for key, row in self.scores.items()}, self.weights)
        self.result = result
        colour = reading_colour(result.reading, self.palette())
        if result.overall is None:
            self.overall_score.setText(_("— out of 5"))
        else:
            self.overall_score.setText(_("{score} out of 5").format(score=score_text(result.overall)))
        self.reading.setText(translated(READINGS[result.reading]))
        for label in (self.overall_score, self.reading):
            palette = label.palette()
            palette.setColor(QPalette.ColorRole.WindowText, colour)
            label.setPalette(palette)
        self.overall_score.setAccessibleDescription(self.overall_score.text())
        self.sentence.setText(reading_sentence(result, template, language))

        by_id = {d.dimension_id: d for d in result.dimensions}
        for row in range(self.dimensions.topLevelItemCount()):
            item = self.dimensions.topLevelItem(row)
            key = item.data(0, KEY_ROLE)
            if key in by_id:
                score = by_id[key]
                item.setText(1, score_text(score.score))
                item.setText(2, format_number(score.weight))
                item.setToolTip(1, _("{scored} of {total} criteria scored").format(
                    scored=format_number(score.scored), total=format_number(score.criteria)))
        current = by_id.get(self.current_dimension())
        if current is not None:
            if current.score is None:
                text = _("Dimension score: not scored yet ({total} criteria to score).").format(
                    total=format_number(current.criteria))
            else:
                text = _("Dimension score: {score} out of 5 ({scored} of {total} criteria scored).").format(
                    score=score_text(current.score), scored=format_number(current.scored),
                    total=format_number(current.criteria))
            self.dimension_score.setText(text)
        self.chart.show_readiness(result, template, language)

    # --- saving -----------------------------------------------------------------------------

    def _undone(self, dimension_id: str) -> None:
        """After undo/redo: show the dimension that changed, re-read, tell the other tabs."""
        if self.project_id is None:
            return
        if self.current_dimension() != dimension_id:
            self.select_dimension(dimension_id)
        self.refresh()
        self.changed.emit()

    def _save(self, text: str, apply, new: dict, dimension_id: str) -> bool:
        try:
            save_edit(self.context.undo_stack, text, apply, new, lambda: self._undone(dimension_id))
        except PilotError as error:
            self.message.emit(_("Not saved: {reason}").format(reason=error_text(error)))
            return False
        _id, self.scores, self.weights, _recommendation = self.store.feasibility(self.project_id)
        template = self.template
        if template is not None:
            self._show_results(template, current_language())
        self.changed.emit()
        return True

    def save_criterion(self, dimension_id: str, criterion_id: str, values: dict, text: str,
                       quiet_if_same: bool = False) -> bool:
        if self.feasibility_id is None:
            return False
        row = self.scores.get(criterion_id)
        if quiet_if_same and all((getattr(row, k, None) or "") == v for k, v in values.items()):
            return True
        feasibility_id, store = self.feasibility_id, self.store
        return self._save(text, lambda v: store.set_criterion(feasibility_id, dimension_id, criterion_id, **v),
                          values, dimension_id)

    def _weight_typed(self, text: str) -> None:
        value = self._parse_weight(text)
        if value is None:
            self._show_weight_error(_("“{text}” is not a weight. Type a number from 0 to 5, for example 1.5.")
                                    .format(text=text))
        elif not WEIGHT_MIN <= value <= WEIGHT_MAX:
            self._show_weight_error(_("A weight goes from 0 to 5. {value} is not saved.").format(
                value=format_number(value)))
        else:
            self.weight_error.hide()

    def _parse_weight(self, text: str) -> float | None:
        cleaned = text.strip().replace(self.weight.locale().groupSeparator(), "")
        value, ok = self.weight.locale().toDouble(cleaned)
        if not ok:
            try:
                value, ok = float(cleaned.replace(",", ".")), True
            except ValueError:
                return None
        return value if ok else None

    def _show_weight_error(self, text: str) -> None:
        self.weight_error.setText(text)
        palette = self.weight_error.palette()
        palette.setColor(QPalette.ColorRole.WindowText, reading_colour(NOT_YET, self.palette()))
        self.weight_error.setPalette(palette)
        self.weight_error.show()

    def _weight_changed(self, value: float) -> None:
        template, dimension_id = self.template, self.current_dimension()
        if template is None or self.feasibility_id is None or dimension_id == SUMMARY:
            return
        if not WEIGHT_MIN <= value <= WEIGHT_MAX:  # the spin box keeps to its range; say so if not
            self._show_weight_error(_("A weight goes from 0 to 5. {value} is not saved.").format(
                value=format_number(value)))
            return
        self.weight_error.hide()
        weights = dict(self.weights)
        weights[dimension_id] = float(value)
        dimension = template.dimension(dimension_id)
        feasibility_id, store = self.feasibility_id, self.store
        self._save(_("Change the weight of “{dimension}”").format(dimension=dimension.title.get(current_language())),
                   lambda v: store.set_feasibility(feasibility_id, **v), {"weights": weights}, dimension_id)

    def _recommendation_typed(self) -> None:
        if not self._showing_recommendation:
            self._recommendation_timer.start()

    def _save_recommendation(self) -> None:
        self._recommendation_timer.stop()
        if self.feasibility_id is None:
            return
        text = self.recommendation.toPlainText()
        feasibility_id, store = self.feasibility_id, self.store
        if store.feasibility(self.project_id)[3] == text:
            return
        self._save(_("Edit the recommendation"), lambda v: store.set_feasibility(feasibility_id, **v),
                   {"recommendation": text}, SUMMARY)

    def flush(self) -> None:
        """Save any text still waiting for the typing pause (before switching or closing)."""
        if self._recommendation_timer.isActive():
            self._save_recommendation()
        for editor in self.editors.values():
            editor.flush()

    # --- events -----------------------------------------------------------------------------

    def _dimension_chosen(self, current: QTreeWidgetItem | None, _previous=None) -> None:
        if current is None or not self.project_id:
            return
        self.flush()
        template = self.template
        if template is None:
            return
        language = current_language()
        if current.data(0, KEY_ROLE) == SUMMARY:
            self.pages.setCurrentIndex(1)
        else:
            self.pages.setCurrentIndex(0)
            self._show_dimension(template, current.data(0, KEY_ROLE), language)
        self._show_results(template, language)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.recommendation and event.type() == QEvent.Type.FocusOut:
            if self._recommendation_timer.isActive():
                self._save_recommendation()
        return super().eventFilter(watched, event)

    def hideEvent(self, event) -> None:
        self.flush()
        super().hideEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.result is not None and self.template is not None:
            self._show_results(self.template, current_language())


def error_text(error: PilotError) -> str:
    return {
        "weight_out_of_range": _("a weight goes from 0 to 5."),
        "score_out_of_range": _("a score goes from 1 to 5."),
        "unknown_project": _("this project no longer exists."),
    }.get(error.key, str(error))

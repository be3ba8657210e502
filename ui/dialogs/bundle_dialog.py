"""Bundle files: export a workspace or one pilot project to a ``.cbundle`` file, or import one, seeing what
it will change before anything changes. Reading, checking and writing run off the window's thread."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                               QListWidget, QPushButton, QTabWidget, QVBoxLayout, QWidget)

from companion.i18n import N_, _, format_datetime, format_number, ngettext, translated
from sync.bundle import SUFFIX, BundleError, ImportPreview, apply_import, export_workspace, preview_import
from ui.runner import run_in_background
from ui.screens.conflicts import TYPE_NAMES

# Why a bundle was refused, in the user's words (sync.bundle's codes).
REFUSALS = {
    "damaged": N_("The file is damaged or incomplete (perhaps the copy was interrupted)."),
    "unreadable": N_("The file cannot be read."),
    "hash-mismatch": N_("The file's contents do not match its own checksums: it was changed or damaged."),
    "unsafe-path": N_("The file contains a path that would write outside its folder: it is unsafe."),
    "unexpected-file": N_("The file contains something a Companion bundle never holds."),
    "too-large": N_("The file would unpack to an absurd size: it is unsafe."),
    "wrong-version": N_("The file was made by another version of the Companion."),
    "bad-change": N_("The file contains an entry that is not valid."),
    "bad-workspace": N_("That is not a workspace that can be exported."),
}


def workspace_label(workspace: str) -> str:
    if workspace == "library":
        return _("Library")
    if workspace.startswith("personal-"):
        return _("My bookmarks and reading positions")
    if workspace == "local":
        return _("Only on this laptop (not shared yet)")
    return _("Team: {name}").format(name=workspace)


def _made_when(stamp: str) -> str:
    """The manifest's UTC time, shown in this laptop's time and the interface language."""
    try:
        moment = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
    except ValueError:
        return stamp or "?"
    return format_datetime(moment.astimezone().replace(tzinfo=None), "medium_short")


class BundleDialog(QDialog):
    imported = Signal(object)  # the replica's Applied

    def __init__(self, replica: Any, created_by: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bundleDialog")
        self.replica = replica
        self.created_by = created_by
        self.preview: ImportPreview | None = None
        self.busy = False
        self.setMinimumSize(560, 420)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("bundleTabs")

        # Export.
        export = QWidget()
        self.export_intro = QLabel()
        self.export_intro.setWordWrap(True)
        self.workspace_box = QComboBox()
        self.workspace_box.setObjectName("bundleWorkspace")
        self.workspace_box.currentIndexChanged.connect(self._workspace_chosen)
        self.project_box = QComboBox()
        self.project_box.setObjectName("bundleProject")
        self.export_button = QPushButton()
        self.export_button.setObjectName("exportBundle")
        self.export_button.clicked.connect(self._choose_export_file)
        self.export_message = QLabel()
        self.export_message.setObjectName("exportMessage")
        self.export_message.setWordWrap(True)
        self.workspace_label, self.project_label = QLabel(), QLabel()
        self.workspace_label.setBuddy(self.workspace_box)
        self.project_label.setBuddy(self.project_box)
        form = QFormLayout()
        form.addRow(self.workspace_label, self.workspace_box)
        form.addRow(self.project_label, self.project_box)
        export_layout = QVBoxLayout(export)
        export_layout.addWidget(self.export_intro)
        export_layout.addLayout(form)
        export_layout.addWidget(self.export_button)
        export_layout.addWidget(self.export_message)
        export_layout.addStretch(1)

        # Import.
        imports = QWidget()
        self.import_intro = QLabel()
        self.import_intro.setWordWrap(True)
        self.choose_button = QPushButton()
        self.choose_button.setObjectName("chooseBundle")
        self.choose_button.clicked.connect(self._choose_import_file)
        self.summary = QLabel()
        self.summary.setObjectName("bundleSummary")
        self.summary.setWordWrap(True)
        self.changes_list = QListWidget()
        self.changes_list.setObjectName("bundleChanges")
        self.import_button = QPushButton()
        self.import_button.setObjectName("importBundle")
        self.import_button.clicked.connect(self.apply)
        self.import_message = QLabel()
        self.import_message.setObjectName("importMessage")
        self.import_message.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.choose_button)
        row.addStretch(1)
        row.addWidget(self.import_button)
        import_layout = QVBoxLayout(imports)
        import_layout.addWidget(self.import_intro)
        import_layout.addWidget(self.summary)
        import_layout.addWidget(self.changes_list, 1)
        import_layout.addWidget(self.import_message)
        import_layout.addLayout(row)

        self.tabs.addTab(export, "")
        self.tabs.addTab(imports, "")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self._fill_workspaces()
        self.retranslate()
        self._show_preview()

    # --- export ---------------------------------------------------------------------------------

    def _fill_workspaces(self) -> None:
        self.workspace_box.blockSignals(True)
        self.workspace_box.clear()
        for workspace in self.replica.workspaces():
            self.workspace_box.addItem(workspace_label(workspace), workspace)
        self.workspace_box.blockSignals(False)
        self._workspace_chosen()

    def _workspace_chosen(self, *_args: Any) -> None:
        workspace = self.workspace_box.currentData()
        self.project_box.clear()
        self.project_box.addItem(_("Everything in this workspace"), None)
        if workspace and workspace != "library" and not workspace.startswith("personal-"):
            projects = [r for r in self.replica.records_of(workspace) if r.type == "project"
                        and not r.fields.get("_deleted", {}).get("v")]
            for record in sorted(projects, key=lambda r: str(r.fields.get("name", {}).get("v", ""))):
                self.project_box.addItem(_("Pilot project: {name}").format(name=record.fields.get("name", {}).get("v", "")),
                                         record.id)
        self.project_box.setEnabled(self.project_box.count() > 1)
        self.export_button.setEnabled(workspace is not None and not self.busy)

    def _choose_export_file(self) -> None:
        from ui.preferences import last_folder, remember_folder

        folder = last_folder("bundles") or Path.home()
        path, _filter = QFileDialog.getSaveFileName(self, _("Export a bundle file"), str(folder / ("companion" + SUFFIX)),
                                                    _("Companion bundles (*{suffix})").format(suffix=SUFFIX))
        if path:
            remember_folder("bundles", Path(path).parent)
            self.export_to(Path(path if path.endswith(SUFFIX) else path + SUFFIX))

    def export_to(self, path: Path) -> None:
        workspace, project = self.workspace_box.currentData(), self.project_box.currentData()
        self.busy = True
        self.export_button.setEnabled(False)
        self.export_message.setText(_("Writing the bundle…"))
        run_in_background(lambda _p: export_workspace(self.replica, workspace, path, project, self.created_by),
                          on_success=lambda report: self._exported(path, report), on_failure=self._export_failed)

    def _exported(self, path: Path, report: Any) -> None:
        self.busy = False
        self.export_button.setEnabled(True)
        text = ngettext("{count} record", "{count} records", report.changes).format(count=format_number(report.changes))
        files = ngettext("{count} file", "{count} files", report.blobs).format(count=format_number(report.blobs))
        self.export_message.setText(_("Saved {file}: {records} and {files}.").format(file=path.name, records=text,
                                                                                     files=files))

    def _export_failed(self, error: BaseException) -> None:
        self.busy = False
        self.export_button.setEnabled(True)
        self.export_message.setText(_("The bundle could not be written: {reason}").format(reason=error))

    # --- import ---------------------------------------------------------------------------------

    def _choose_import_file(self) -> None:
        from ui.preferences import last_folder, remember_folder

        folder = last_folder("bundles")
        path, _filter = QFileDialog.getOpenFileName(self, _("Import a bundle file"), str(folder) if folder else "",
                                                    _("Companion bundles (*{suffix})").format(suffix=SUFFIX))
        if path:
            remember_folder("bundles", Path(path).parent)
            self.preview_file(Path(path))

    def preview_file(self, path: Path) -> None:
        self.preview = None
        self.busy = True
        self._show_preview()
        self.import_message.setToolTip("")
        self.import_message.setText(_("Checking {file}…").format(file=path.name))
        run_in_background(lambda _p: preview_import(self.replica, path), on_success=self._previewed,
                          on_failure=lambda error: self._refused(path, error))

    def _previewed(self, preview: ImportPreview) -> None:
        self.busy = False
        self.preview = preview
        self.import_message.setText("")
        self._show_preview()

    def _refused(self, path: Path, error: BaseException) -> None:
        self.busy = False
        self.preview = None
        self._show_preview()
        if isinstance(error, BundleError):
            reason = translated(REFUSALS.get(error.code, REFUSALS["damaged"]))
            self.import_message.setText(_("{file} was refused; nothing was changed. {reason}").format(
                file=path.name, reason=reason))
            self.import_message.setToolTip(error.message)  # the technical detail, for support staff
        else:
            self.import_message.setText(_("{file} could not be read: {reason}").format(file=path.name, reason=error))

    def _show_preview(self) -> None:
        self.changes_list.clear()
        preview = self.preview
        self.import_button.setEnabled(preview is not None and not self.busy and preview.applied.records > 0)
        self.choose_button.setEnabled(not self.busy)
        if preview is None:
            self.summary.setText(_("Choose a bundle file to see what it would change."))
            return
        bundle, applied = preview.bundle, preview.applied
        made = _("Made by {who} on {when}.").format(who=bundle.created_by or _("someone"),
                                                     when=_made_when(bundle.created_at))
        self.summary.setText(_("{workspace}. {made}").format(workspace=workspace_label(bundle.workspace), made=made))
        if not applied.records:
            self.changes_list.addItem(_("Nothing new: this laptop already has everything in the file."))
        for kind, count in sorted(applied.by_type.items(), key=lambda item: -item[1]):
            name = translated(TYPE_NAMES[kind]) if kind in TYPE_NAMES else kind
            self.changes_list.addItem(ngettext("{count} new or changed: {kind}", "{count} new or changed: {kind}",
                                               count).format(count=format_number(count), kind=name))
        if applied.conflicts:
            self.changes_list.addItem(ngettext(
                "{count} edit clashes with one made here: both are kept for you to review.",
                "{count} edits clash with ones made here: both are kept for you to review.",
                applied.conflicts).format(count=format_number(applied.conflicts)))
        if preview.new_blobs:
            self.changes_list.addItem(ngettext("{count} new file (evidence, images)", "{count} new files (evidence, images)",
                                               preview.new_blobs).format(count=format_number(preview.new_blobs)))

    def apply(self) -> None:
        if self.preview is None or self.busy:
            return
        bundle = self.preview.bundle
        self.busy = True
        self._show_preview()
        self.import_message.setText(_("Importing…"))
        run_in_background(lambda _p: apply_import(self.replica, bundle), on_success=self._applied,
                          on_failure=self._apply_failed)

    def _applied(self, applied: Any) -> None:
        self.busy = False
        self.preview = None
        self._show_preview()
        self.import_message.setText(ngettext("Imported: {count} record new or changed.", "Imported: {count} records new or changed.",
                                             applied.records).format(count=format_number(applied.records)))
        self._fill_workspaces()
        self.imported.emit(applied)

    def _apply_failed(self, error: BaseException) -> None:
        self.busy = False
        self._show_preview()
        self.import_message.setText(_("The import failed and nothing was changed: {reason}").format(reason=error))

    # --- words ----------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(_("Bundle files"))
        self.tabs.setAccessibleName(_("Bundle files"))
        self.tabs.setTabText(0, _("Export"))
        self.tabs.setTabText(1, _("Import"))
        self.export_intro.setText(_("A bundle file carries a workspace, or one pilot project, to a laptop or a server "
                                    "with no network (on a USB stick, by e-mail)."))
        self.workspace_label.setText(_("&Workspace:"))
        self.project_label.setText(_("&What:"))
        self.workspace_box.setAccessibleName(_("Workspace to export"))
        self.project_box.setAccessibleName(_("What to export"))
        self.export_button.setText(_("Export to a file…"))
        self.export_button.setAccessibleName(_("Export to a bundle file"))
        self.import_intro.setText(_("Importing merges the file with what is on this laptop: nothing is lost, and "
                                    "edits that clash are kept for review."))
        self.choose_button.setText(_("Choose a file…"))
        self.choose_button.setAccessibleName(_("Choose a bundle file to import"))
        self.import_button.setText(_("Import"))
        self.import_button.setAccessibleName(_("Import the bundle file"))
        self.changes_list.setAccessibleName(_("What the import will change"))
        self.close_button.setText(_("Close"))
        for index in range(self.workspace_box.count()):
            self.workspace_box.setItemText(index, workspace_label(self.workspace_box.itemData(index)))
        self._workspace_chosen()
        self._show_preview()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

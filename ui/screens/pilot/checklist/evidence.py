"""Evidence files of the chosen item: attach (big files copied off the window's thread), open, remove."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QListWidgetItem

from companion.i18n import _
from companion.pilot.store import AttachmentInfo
from companion.records import Edit
from ui.icons import icon
from ui.runner import run_in_background
from ui.screens.pilot.checklist.common import ATTACHMENT_ROLE, BACKGROUND_ATTACH_BYTES, file_size
from ui.widgets.plain_text import plain_tooltip


class EvidenceFiles:
    """Attachments of the chosen item, kept in the content-addressed blob store."""

    def _show_attachments(self, item_id: str) -> None:
        current = self.attachments.currentItem().data(ATTACHMENT_ROLE).id if self.attachments.currentItem() else None
        self.attachments.clear()
        for info in self.store.attachments(item_id):
            entry = QListWidgetItem(icon("guide"), f"{info.name}  ({file_size(info.size)})")
            entry.setData(ATTACHMENT_ROLE, info)
            entry.setToolTip(plain_tooltip(info.name))
            self.attachments.addItem(entry)
            if info.id == current:
                self.attachments.setCurrentItem(entry)
        if self.attachments.count() and self.attachments.currentRow() < 0:
            self.attachments.setCurrentRow(0)
        if not self.attachments.count():
            placeholder = QListWidgetItem(_("No evidence attached yet."))
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.attachments.addItem(placeholder)
        self._update_evidence_buttons()


    # --- evidence -----------------------------------------------------------------------------

    def choose_files(self) -> None:
        if not self._detail_id:
            return
        paths, _filter = QFileDialog.getOpenFileNames(self, _("Attach evidence"), str(self._last_dir()))
        if paths:
            from ui.preferences import remember_folder

            remember_folder("attachments", Path(paths[0]).parent)
            self.attach_files([Path(p) for p in paths])


    def _last_dir(self) -> Path:
        from ui.preferences import last_folder

        return self._last_folder or last_folder("attachments") or Path.home()


    def attach_files(self, paths: list[Path]) -> None:
        item_id = self._detail_id
        if not item_id:
            return
        for path in paths:
            if not path.is_file():
                self._show_error(_("“{name}” is not a file that can be attached.").format(name=path.name))
                continue
            self._last_folder = path.parent
            try:
                size = path.stat().st_size
            except OSError as error:
                self._show_error(_("Could not read “{name}”: {reason}")
                                 .format(name=path.name, reason=error.strerror))
                continue
            if size > BACKGROUND_ATTACH_BYTES:
                self._busy += 1
                self.attach_progress.show()
                self.attach_button.setEnabled(False)
                # Captured on the worker thread, made undoable on the window's.
                run_in_background(lambda _progress, p=path: self.store.records.capture(
                                      lambda: self.store.attach(item_id, p)),
                                  on_success=lambda done, p=path: self._attached(item_id, *done, p),
                                  on_failure=lambda error, p=path: self._attach_failed(p, error))
            else:
                try:
                    info, edit = self.store.records.capture(lambda p=path: self.store.attach(item_id, p))
                except OSError as error:
                    self._attach_failed(path, error)
                    continue
                self._attached(item_id, info, edit, path, background=False)


    def _attach_done(self) -> None:
        self._busy = max(0, self._busy - 1)
        if not self._busy:
            self.attach_progress.hide()
            self.attach_button.setEnabled(True)


    def _attached(self, item_id: str, info: AttachmentInfo, edit: Edit, path: Path, background: bool = True) -> None:
        if background:
            self._attach_done()
        self.context.undo_stack.push_edit(_("Attach {name}").format(name=info.name), edit, self._after_undo)
        self._show_error("")
        self._load_checklist()
        self.changed.emit()
        self.message.emit(_("Attached “{name}”.").format(name=info.name))


    def _attach_failed(self, path: Path, error: BaseException) -> None:
        if isinstance(error, OSError) and getattr(error, "strerror", None):
            reason = error.strerror
        else:
            reason = str(error)
        if self._busy:
            self._attach_done()
        self._show_error(_("Could not attach “{name}”: {reason}").format(name=path.name, reason=reason))


    def remove_attachment(self, entry: QListWidgetItem | None) -> None:
        info = entry.data(ATTACHMENT_ROLE) if entry is not None else None
        item_id = self._detail_id
        if info is None or not item_id:
            return
        self.context.undo_stack.record(_("Remove {name}").format(name=info.name),
                                       lambda: self.store.remove_attachment(info.id), self._after_undo)
        self._load_checklist()
        self.changed.emit()
        self.message.emit(_("Removed “{name}”. Press Ctrl+Z to bring it back.").format(name=info.name))


    def open_attachment(self, entry: QListWidgetItem | None) -> None:
        info = entry.data(ATTACHMENT_ROLE) if entry is not None else None
        if info is None:
            return
        blob = self.store.blob_path(info.sha256)
        if not blob.is_file():
            self._show_error(_("The file “{name}” is missing from the data folder.").format(name=info.name))
            return
        # A copy under the original name, so the system knows what kind of file it is.
        if self._open_dir is None:
            self._open_dir = Path(tempfile.mkdtemp(prefix="companion-open-"))
        folder = self._open_dir / info.id
        folder.mkdir(parents=True, exist_ok=True)
        copy = folder / Path(info.name).name
        try:
            shutil.copyfile(blob, copy)
        except OSError as error:
            self._show_error(_("Could not open “{name}”: {reason}").format(name=info.name, reason=error.strerror))
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(copy))):
            self._show_error(_("No program on this computer opens “{name}”.").format(name=info.name))

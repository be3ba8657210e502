"""The checklists of a pilot project: items by section with status, owner, due date and evidence;
an editor for the chosen item (every change saved at once and undoable); filters; progress; and
the offer of new items when a template gets a newer version.

The tab is put together from named pieces: ``layout`` (widgets and labels), ``items_view``
(what is shown: tree, progress, filters), ``item_editor`` (saving the chosen item's fields),
``evidence`` (its files), ``common`` (roles, columns and helpers they share)."""

from ui.screens.pilot.checklist.common import (
                                               COLUMN_DUE,
                                               COLUMN_EVIDENCE,
                                               COLUMN_OWNER,
                                               COLUMN_STATUS,
                                               COLUMN_TITLE,
                                               ITEM_ROLE,
                                               OVERDUE_ROLE,
                                               SECTION_ROLE,
)
from ui.screens.pilot.checklist.tab import ChecklistTab

__all__ = ["COLUMN_DUE", "COLUMN_EVIDENCE", "COLUMN_OWNER", "COLUMN_STATUS", "COLUMN_TITLE", "ITEM_ROLE", "OVERDUE_ROLE",
           "SECTION_ROLE", "ChecklistTab"]

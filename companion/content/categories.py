"""The library's categories. Labels are marked for translation and translated where shown."""

from companion.i18n import N_

# Order is the order shown in the library.
CATEGORIES: dict[str, str] = {
    "onboarding": N_("Welcome package"),
    "topics": N_("Topics"),  # the knowledge base: one guide per topic the community asked about
    "pilot": N_("Pilot implementation"),
    "feasibility": N_("Feasibility and business case"),
    "training": N_("Training"),
    "community": N_("Community and support"),
}
CATEGORY_KEYS = tuple(CATEGORIES)
TOPICS = "topics"

# Lessons of the training modules are kept in the guide table too (see companion/training/importer.py):
# search finds them, the library's category list does not show them (the Training screen does).
LESSON_CATEGORY = "lesson"
SEARCH_CATEGORIES: dict[str, str] = {**CATEGORIES, LESSON_CATEGORY: N_("Training lessons")}

"""The library's categories. Labels are marked for translation and translated where shown."""

from companion.i18n import N_

# Order is the order shown in the library.
CATEGORIES: dict[str, str] = {
    "onboarding": N_("Welcome package"),
    "pilot": N_("Pilot implementation"),
    "feasibility": N_("Feasibility and business case"),
    "training": N_("Training"),
    "community": N_("Community and support"),
}
CATEGORY_KEYS = tuple(CATEGORIES)

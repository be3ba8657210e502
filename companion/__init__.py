"""The openIMIS Implementer Companion core: storage, content, i18n and the CLI. No Qt, no HTTP."""

__version__ = "0.1.0"

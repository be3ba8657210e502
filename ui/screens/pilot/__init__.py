"""The pilot project screens: one module per tab of a project."""

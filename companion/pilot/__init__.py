"""Pilot projects: templates, checklists, feasibility, business case (no Qt)."""

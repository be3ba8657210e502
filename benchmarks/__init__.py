"""Benchmarks: commands that print figures against the budgets in DESIGN.md (not timed tests)."""

"""The central sync server: ``companion-server`` (FastAPI + SQLAlchemy; SQLite by default, PostgreSQL in production)."""

"""Training: modules, lessons, quiz questions, sessions, participants, attendance.

Revision ID: 0004_training
Revises: 0003_pilot
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_training"
down_revision = "0003_pilot"
branch_labels = None
depends_on = None


def _synced(*columns: sa.Column) -> list[sa.Column]:
    """Columns every synced row has, then the table's own."""
    return [sa.Column("id", sa.String(36), primary_key=True),
            sa.Column("workspace", sa.String(64), nullable=False), *columns]


def _parent(table: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{table}.id", ondelete="CASCADE")


def _flags() -> list[sa.Column]:
    return [sa.Column("deleted", sa.Boolean(), nullable=False),
            sa.Column("updated_at", sa.DateTime(), nullable=False)]


def upgrade() -> None:
    op.create_table("training_module", *_synced(
        sa.Column("slug", sa.String(128), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("based_on", sa.String(128), nullable=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("audience", sa.String(300), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("pass_mark", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("translation_of", sa.String(8), nullable=True),
        sa.Column("source_revision", sa.Integer(), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("slug", "language", name="uq_training_module_slug_language")))
    op.create_table("training_lesson", *_synced(
        sa.Column("module_id", sa.String(36), _parent("training_module"), nullable=False),
        sa.Column("lesson_key", sa.String(128), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("body_markdown", sa.Text(), nullable=False),
        *_flags(),
        sa.UniqueConstraint("module_id", "lesson_key", name="uq_training_lesson_key")))
    op.create_index("ix_training_lesson_module_id", "training_lesson", ["module_id"])
    op.create_table("training_question", *_synced(
        sa.Column("module_id", sa.String(36), _parent("training_module"), nullable=False),
        sa.Column("question_key", sa.String(128), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("answer", sa.Integer(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        *_flags(),
        sa.UniqueConstraint("module_id", "question_key", name="uq_training_question_key")))
    op.create_index("ix_training_question_module_id", "training_question", ["module_id"])
    op.create_table("training_session", *_synced(
        sa.Column("module_slug", sa.String(128), nullable=False),
        sa.Column("module_title", sa.String(300), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(300), nullable=False),
        sa.Column("trainer", sa.String(300), nullable=False),
        sa.Column("quiz_size", sa.Integer(), nullable=False),
        sa.Column("quiz_fingerprint", sa.String(64), nullable=False),
        sa.Column("pass_mark", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False)))
    op.create_table("training_participant", *_synced(
        sa.Column("session_id", sa.String(36), _parent("training_session"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.Column("role", sa.String(200), nullable=False),
        sa.Column("sex", sa.String(16), nullable=False),
        sa.Column("contact", sa.String(200), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("pre_score", sa.Integer(), nullable=True),
        sa.Column("post_score", sa.Integer(), nullable=True),
        sa.Column("pre_answers", sa.JSON(), nullable=True),
        sa.Column("post_answers", sa.JSON(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False)))
    op.create_index("ix_training_participant_session_id", "training_participant", ["session_id"])
    op.create_table("training_attendance", *_synced(
        sa.Column("participant_id", sa.String(36), _parent("training_participant"), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("participant_id", "day", name="uq_training_attendance_day")))
    op.create_index("ix_training_attendance_participant_id", "training_attendance", ["participant_id"])


def downgrade() -> None:
    for table in ("training_attendance", "training_participant", "training_session", "training_question",
                  "training_lesson", "training_module"):
        op.drop_table(table)

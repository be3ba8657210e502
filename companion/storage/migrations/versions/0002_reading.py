"""What the reader makes: bookmarks and reading positions (with UUIDs and a workspace, for sync).

Revision ID: 0002_reading
Revises: 0001_library
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_reading"
down_revision = "0001_library"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bookmark",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("guide_slug", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("guide_slug", name="uq_bookmark_guide"),
    )
    op.create_table(
        "reading_state",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("guide_slug", sa.String(128), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("position", sa.Float(), nullable=False),
        sa.Column("last_opened_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("guide_slug", "language", name="uq_reading_state_guide"),
    )
    op.create_index("ix_reading_state_opened", "reading_state", ["last_opened_at"])


def downgrade() -> None:
    op.drop_table("reading_state")
    op.drop_table("bookmark")

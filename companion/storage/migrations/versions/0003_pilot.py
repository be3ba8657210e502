"""Pilot projects: checklists with evidence, feasibility scores, costed business cases.

Revision ID: 0003_pilot
Revises: 0002_reading
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_pilot"
down_revision = "0002_reading"
branch_labels = None
depends_on = None


def _synced(*columns: sa.Column) -> list[sa.Column]:
    """Columns every synced row has, then the table's own."""
    return [sa.Column("id", sa.String(36), primary_key=True),
            sa.Column("workspace", sa.String(64), nullable=False), *columns]


def _parent(table: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{table}.id", ondelete="CASCADE")


def _updated_at() -> sa.Column:
    return sa.Column("updated_at", sa.DateTime(), nullable=False)


def upgrade() -> None:
    op.create_table("project", *_synced(
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("country", sa.String(100), nullable=False),
        sa.Column("scheme", sa.String(200), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("usd_rate", sa.String(40), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("team", sa.JSON(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _updated_at()))
    op.create_table("checklist", *_synced(
        sa.Column("project_id", sa.String(36), _parent("project"), nullable=False),
        sa.Column("template_id", sa.String(100), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=False),
        _updated_at()))
    op.create_index("ix_checklist_project_id", "checklist", ["project_id"])
    op.create_table("checklist_item", *_synced(
        sa.Column("checklist_id", sa.String(36), _parent("checklist"), nullable=False),
        sa.Column("section_key", sa.String(100), nullable=False),
        sa.Column("item_key", sa.String(100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        _updated_at(),
        sa.UniqueConstraint("checklist_id", "item_key", name="uq_checklist_item_key")))
    op.create_index("ix_checklist_item_checklist_id", "checklist_item", ["checklist_id"])
    op.create_table("attachment", *_synced(
        sa.Column("item_id", sa.String(36), _parent("checklist_item"), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("mime", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False)))
    op.create_index("ix_attachment_item_id", "attachment", ["item_id"])
    op.create_table("feasibility", *_synced(
        sa.Column("project_id", sa.String(36), _parent("project"), nullable=False),
        sa.Column("template_id", sa.String(100), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("recommendation", sa.Text(), nullable=False),
        _updated_at()))
    op.create_index("ix_feasibility_project_id", "feasibility", ["project_id"])
    op.create_table("feasibility_score", *_synced(
        sa.Column("feasibility_id", sa.String(36), _parent("feasibility"), nullable=False),
        sa.Column("dimension_key", sa.String(100), nullable=False),
        sa.Column("criterion_key", sa.String(100), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("risk", sa.Text(), nullable=False),
        _updated_at(),
        sa.UniqueConstraint("feasibility_id", "criterion_key", name="uq_feasibility_criterion")))
    op.create_index("ix_feasibility_score_feasibility_id", "feasibility_score", ["feasibility_id"])
    op.create_table("business_case", *_synced(
        sa.Column("project_id", sa.String(36), _parent("project"), nullable=False),
        sa.Column("template_id", sa.String(100), nullable=True),
        sa.Column("horizon_years", sa.Integer(), nullable=False),
        sa.Column("discount_rate", sa.String(40), nullable=False),
        sa.Column("insurees", sa.Integer(), nullable=False),
        _updated_at()))
    op.create_index("ix_business_case_project_id", "business_case", ["project_id"])
    op.create_table("business_line", *_synced(
        sa.Column("business_case_id", sa.String(36), _parent("business_case"), nullable=False),
        sa.Column("side", sa.String(8), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("unit_cost", sa.String(40), nullable=False),
        sa.Column("quantity", sa.String(40), nullable=False),
        sa.Column("years", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _updated_at()))
    op.create_index("ix_business_line_business_case_id", "business_line", ["business_case_id"])


def downgrade() -> None:
    for table in ("business_line", "business_case", "feasibility_score", "feasibility", "attachment",
                  "checklist_item", "checklist", "project"):
        op.drop_table(table)

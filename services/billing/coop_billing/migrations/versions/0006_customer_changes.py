"""the history of rectified customer fields (who, when, old and new value, sealed)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "customer_changes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("cooperative_id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("changed_by_key_id", sa.String(length=36), nullable=True),
        sa.Column("changed_by_role", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_customer_changes_cooperative_id", "customer_changes", ["cooperative_id"], unique=False
    )
    op.create_index("ix_customer_changes_customer_id", "customer_changes", ["customer_id"], unique=False)


def downgrade():
    op.drop_index("ix_customer_changes_customer_id", table_name="customer_changes")
    op.drop_index("ix_customer_changes_cooperative_id", table_name="customer_changes")
    op.drop_table("customer_changes")

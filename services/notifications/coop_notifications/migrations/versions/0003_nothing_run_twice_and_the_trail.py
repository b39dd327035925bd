"""nothing run twice and the trail: the answers of create methods, who made each record

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 09:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    # docs/adr/021-nothing-run-twice-and-the-trail.md
    op.create_table('idempotency',
    sa.Column('scope', sa.String(length=120), nullable=False),
    sa.Column('method', sa.String(length=80), nullable=False),
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('answer', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'method', 'key')
    )
    with op.batch_alter_table('idempotency', schema=None) as batch_op:
        batch_op.create_index('ix_idempotency_created_at', ['created_at'], unique=False)

    with op.batch_alter_table('webhooks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_by', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('removed_by', sa.String(length=60), nullable=True))


def downgrade():
    with op.batch_alter_table('webhooks', schema=None) as batch_op:
        batch_op.drop_column('removed_by')
        batch_op.drop_column('created_by')
    op.drop_table('idempotency')

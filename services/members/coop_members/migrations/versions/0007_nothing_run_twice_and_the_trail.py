"""nothing run twice and the trail: the answers of create methods, who made each record

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 09:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = "0007"
down_revision = "0006"
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

    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issued_by', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('revoked_by', sa.String(length=60), nullable=True))

    op.create_table('audit_log',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('cooperative_id', sa.String(length=36), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('service', sa.String(length=20), nullable=False),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('subject_id', sa.String(length=60), nullable=True),
    sa.Column('key_id', sa.String(length=36), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_cooperative_occurred', ['cooperative_id', 'occurred_at'], unique=False)


def downgrade():
    op.drop_table('audit_log')
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_column('revoked_by')
        batch_op.drop_column('issued_by')
    op.drop_table('idempotency')

"""nothing run twice and the trail: the answers of create methods, who made each record

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 09:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = "0006"
down_revision = "0005"
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

    with op.batch_alter_table('payroll_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prepared_by', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('closed_by', sa.String(length=60), nullable=True))

    with op.batch_alter_table('payslips', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paid_for', sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column('created_by', sa.String(length=60), nullable=True))
        # a member is paid once per period and kind (docs/adr/021-nothing-run-twice-and-the-trail.md)
        batch_op.create_unique_constraint('uq_payslips_paid_once', ['cooperative_id', 'member_id', 'paid_for', 'kind'])


def downgrade():
    with op.batch_alter_table('payslips', schema=None) as batch_op:
        batch_op.drop_constraint('uq_payslips_paid_once', type_='unique')
        batch_op.drop_column('created_by')
        batch_op.drop_column('paid_for')
    with op.batch_alter_table('payroll_runs', schema=None) as batch_op:
        batch_op.drop_column('closed_by')
        batch_op.drop_column('prepared_by')
    op.drop_table('idempotency')

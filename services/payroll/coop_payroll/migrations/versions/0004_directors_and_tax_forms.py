"""directors and tax forms: the quarterly payments to the directors' social insurance fund

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 07:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('social_fund_payments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('cooperative_id', sa.String(length=36), nullable=False),
    sa.Column('run_id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('member_name', sa.String(length=140), nullable=False),
    sa.Column('quarter', sa.String(length=7), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('reference', sa.String(length=12), nullable=True),
    sa.Column('payslip_ids', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['payroll_runs.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('cooperative_id', 'member_id', 'quarter', 'run_id')
    )
    with op.batch_alter_table('social_fund_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_social_fund_payments_cooperative_id'), ['cooperative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_social_fund_payments_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_social_fund_payments_run_id'), ['run_id'], unique=False)


def downgrade():
    with op.batch_alter_table('social_fund_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_social_fund_payments_run_id'))
        batch_op.drop_index(batch_op.f('ix_social_fund_payments_member_id'))
        batch_op.drop_index(batch_op.f('ix_social_fund_payments_cooperative_id'))

    op.drop_table('social_fund_payments')

"""runs payslips settings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 19:13:50.091876
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('payroll_runs',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('cooperative_id', sa.String(length=36), nullable=False),
    sa.Column('cooperative_slug', sa.String(length=40), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('payer', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('payroll_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payroll_runs_cooperative_id'), ['cooperative_id'], unique=False)

    op.create_table('payroll_settings',
    sa.Column('cooperative_id', sa.String(length=36), nullable=False),
    sa.Column('social_fund_name', sa.String(length=140), nullable=True),
    sa.Column('social_fund_iban', sa.String(length=34), nullable=True),
    sa.Column('social_fund_bic', sa.String(length=11), nullable=True),
    sa.Column('social_fund_fee_rate', sa.Numeric(precision=7, scale=6), nullable=False),
    sa.PrimaryKeyConstraint('cooperative_id')
    )
    op.create_table('payslips',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('run_id', sa.String(length=36), nullable=False),
    sa.Column('cooperative_id', sa.String(length=36), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('activity_id', sa.String(length=36), nullable=False),
    sa.Column('member', sa.JSON(), nullable=False),
    sa.Column('status_model', sa.String(length=40), nullable=False),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('gross', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('net_to_pay', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('total_cost', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('lines', sa.JSON(), nullable=False),
    sa.Column('payments', sa.JSON(), nullable=False),
    sa.Column('notes', sa.JSON(), nullable=False),
    sa.Column('rules_version', sa.String(length=100), nullable=False),
    sa.Column('balance_before', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('balance_after', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['payroll_runs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('payslips', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payslips_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payslips_cooperative_id'), ['cooperative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payslips_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payslips_period'), ['period'], unique=False)
        batch_op.create_index(batch_op.f('ix_payslips_run_id'), ['run_id'], unique=False)

    op.create_table('run_problems',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('run_id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('activity_id', sa.String(length=36), nullable=True),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['payroll_runs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('run_problems', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_run_problems_run_id'), ['run_id'], unique=False)



def downgrade():
    with op.batch_alter_table('run_problems', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_run_problems_run_id'))

    op.drop_table('run_problems')
    with op.batch_alter_table('payslips', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payslips_run_id'))
        batch_op.drop_index(batch_op.f('ix_payslips_period'))
        batch_op.drop_index(batch_op.f('ix_payslips_member_id'))
        batch_op.drop_index(batch_op.f('ix_payslips_cooperative_id'))
        batch_op.drop_index(batch_op.f('ix_payslips_activity_id'))

    op.drop_table('payslips')
    op.drop_table('payroll_settings')
    with op.batch_alter_table('payroll_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payroll_runs_cooperative_id'))

    op.drop_table('payroll_runs')

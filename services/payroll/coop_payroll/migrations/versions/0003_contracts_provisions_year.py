"""contracts provisions year

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 07:12:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('payroll_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('workers', sa.Integer(), nullable=True))

    with op.batch_alter_table('payslips', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=30), nullable=False, server_default='monthly'))
        batch_op.add_column(sa.Column('provisions', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('draws_on', sa.String(length=30), nullable=True))
        batch_op.add_column(
            sa.Column('from_provision', sa.Numeric(precision=14, scale=2), nullable=False, server_default='0')
        )


def downgrade():
    with op.batch_alter_table('payslips', schema=None) as batch_op:
        batch_op.drop_column('from_provision')
        batch_op.drop_column('draws_on')
        batch_op.drop_column('provisions')
        batch_op.drop_column('kind')

    with op.batch_alter_table('payroll_settings', schema=None) as batch_op:
        batch_op.drop_column('workers')

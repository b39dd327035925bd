"""invoice content: supply date or period, units, renovation declaration, billing settings

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 07:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('supply_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('period_start', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('period_end', sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column('renovation_declaration', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit', sa.String(length=3), nullable=False, server_default='C62'))
        batch_op.add_column(sa.Column('supply_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('period_start', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('period_end', sa.Date(), nullable=True))
    op.create_table('billing_settings',
    sa.Column('cooperative_id', sa.String(length=36), nullable=False),
    sa.Column('consumer_interest', sa.Boolean(), nullable=False),
    sa.Column('consumer_lump_sum', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('cooperative_id')
    )


def downgrade():
    op.drop_table('billing_settings')
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_column('period_end')
        batch_op.drop_column('period_start')
        batch_op.drop_column('supply_date')
        batch_op.drop_column('unit')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_column('renovation_declaration')
        batch_op.drop_column('period_end')
        batch_op.drop_column('period_start')
        batch_op.drop_column('supply_date')

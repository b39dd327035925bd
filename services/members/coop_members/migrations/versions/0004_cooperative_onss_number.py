"""cooperative onss number

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
    with op.batch_alter_table('cooperatives', schema=None) as batch_op:
        batch_op.add_column(sa.Column('onss_number', sa.String(length=12), nullable=True))


def downgrade():
    with op.batch_alter_table('cooperatives', schema=None) as batch_op:
        batch_op.drop_column('onss_number')

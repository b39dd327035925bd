"""cooperative legal form and register

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 19:00:16.282263
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cooperatives', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legal_form', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('register', sa.String(length=60), nullable=True))



def downgrade():
    with op.batch_alter_table('cooperatives', schema=None) as batch_op:
        batch_op.drop_column('register')
        batch_op.drop_column('legal_form')


"""bank statements

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 20:14:01.935008
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bank_statements',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('cooperative_id', sa.String(length=36), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('account_iban', sa.String(length=34), nullable=True),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('opening_balance', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('opening_date', sa.Date(), nullable=True),
    sa.Column('closing_balance', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('closing_date', sa.Date(), nullable=True),
    sa.Column('movements', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('cooperative_id', 'content_sha256')
    )
    with op.batch_alter_table('bank_statements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_statements_account_iban'), ['account_iban'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_statements_cooperative_id'), ['cooperative_id'], unique=False)



def downgrade():
    with op.batch_alter_table('bank_statements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_statements_cooperative_id'))
        batch_op.drop_index(batch_op.f('ix_bank_statements_account_iban'))

    op.drop_table('bank_statements')

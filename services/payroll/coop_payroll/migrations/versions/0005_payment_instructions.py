"""payment instructions: a closed run's payments handed to the bank, once

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    # docs/adr/015-accounting-from-events.md: the books clear 455x and 459 from this fact
    op.create_table('payment_instructions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('cooperative_id', sa.String(length=36), nullable=False),
    sa.Column('run_id', sa.String(length=36), nullable=False),
    sa.Column('execution_date', sa.Date(), nullable=False),
    sa.Column('transfers', sa.Integer(), nullable=False),
    sa.Column('control_sum', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['payroll_runs.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('cooperative_id', 'run_id')
    )
    with op.batch_alter_table('payment_instructions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_instructions_cooperative_id'), ['cooperative_id'], unique=False)


def downgrade():
    with op.batch_alter_table('payment_instructions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_instructions_cooperative_id'))
    op.drop_table('payment_instructions')

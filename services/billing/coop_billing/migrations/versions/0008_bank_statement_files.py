"""bank statement files: each statement's file kept as received (bytes, name, SHA-256)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 10:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    # docs/adr/015-accounting-from-events.md: the accountant's period pack holds the statements as received
    op.create_table('bank_statement_files',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('cooperative_id', sa.String(length=36), nullable=False),
    sa.Column('statement_id', sa.String(length=36), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['statement_id'], ['bank_statements.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('statement_id')
    )
    with op.batch_alter_table('bank_statement_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_statement_files_cooperative_id'), ['cooperative_id'], unique=False)


def downgrade():
    with op.batch_alter_table('bank_statement_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_statement_files_cooperative_id'))
    op.drop_table('bank_statement_files')

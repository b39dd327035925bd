"""status history documents lifecycle

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 19:13:49.342703
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('documents',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('cooperative_id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('labour_market', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], ),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_cooperative_id'), ['cooperative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_valid_until'), ['valid_until'], unique=False)

    op.create_table('lifecycle_changes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=False),
    sa.Column('to_state', sa.String(length=20), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('lifecycle_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lifecycle_changes_member_id'), ['member_id'], unique=False)

    op.create_table('member_statuses',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('cooperative_id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('status_model', sa.String(length=40), nullable=False),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], ),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('member_statuses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_statuses_cooperative_id'), ['cooperative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_statuses_member_id'), ['member_id'], unique=False)

    op.create_table('document_notices',
    sa.Column('document_id', sa.String(length=36), nullable=False),
    sa.Column('days_before', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.PrimaryKeyConstraint('document_id', 'days_before')
    )


def downgrade():
    op.drop_table('document_notices')
    with op.batch_alter_table('member_statuses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_statuses_member_id'))
        batch_op.drop_index(batch_op.f('ix_member_statuses_cooperative_id'))

    op.drop_table('member_statuses')
    with op.batch_alter_table('lifecycle_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lifecycle_changes_member_id'))

    op.drop_table('lifecycle_changes')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_valid_until'))
        batch_op.drop_index(batch_op.f('ix_documents_member_id'))
        batch_op.drop_index(batch_op.f('ix_documents_cooperative_id'))

    op.drop_table('documents')

"""peppol delivery and purchase documents

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 07:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('peppol_settings',
    sa.Column('cooperative_id', sa.String(length=36), nullable=False),
    sa.Column('access_point', sa.String(length=40), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('secrets', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('cooperative_id')
    )
    op.create_table('invoice_deliveries',
    sa.Column('invoice_id', sa.String(length=36), nullable=False),
    sa.Column('cooperative_id', sa.String(length=36), nullable=False),
    sa.Column('cooperative_slug', sa.String(length=40), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=2000), nullable=True),
    sa.Column('receiver', sa.String(length=60), nullable=True),
    sa.Column('access_point', sa.String(length=40), nullable=True),
    sa.Column('message_id', sa.String(length=100), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('failures_in_row', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=2000), nullable=True),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], ),
    sa.PrimaryKeyConstraint('invoice_id')
    )
    with op.batch_alter_table('invoice_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_deliveries_cooperative_id'), ['cooperative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_deliveries_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_deliveries_status'), ['status'], unique=False)

    op.create_table('purchase_documents',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('cooperative_id', sa.String(length=36), nullable=False),
    sa.Column('access_point', sa.String(length=40), nullable=False),
    sa.Column('inbound_id', sa.String(length=200), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=True),
    sa.Column('number', sa.String(length=100), nullable=True),
    sa.Column('issue_date', sa.Date(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('supplier_name', sa.String(length=200), nullable=True),
    sa.Column('supplier_vat', sa.String(length=30), nullable=True),
    sa.Column('supplier_endpoint', sa.String(length=60), nullable=True),
    sa.Column('total_excl_vat', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('total_vat', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('total_incl_vat', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('ubl', sa.LargeBinary(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('pdf_filename', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('findings', sa.JSON(), nullable=False),
    sa.Column('accepted_by', sa.String(length=100), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('activity_id', sa.String(length=36), nullable=True),
    sa.Column('expense_id', sa.String(length=36), nullable=True),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['expense_id'], ['expenses.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('cooperative_id', 'content_sha256')
    )
    with op.batch_alter_table('purchase_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_documents_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_documents_cooperative_id'), ['cooperative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_purchase_documents_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('purchase_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_documents_status'))
        batch_op.drop_index(batch_op.f('ix_purchase_documents_cooperative_id'))
        batch_op.drop_index(batch_op.f('ix_purchase_documents_activity_id'))
    op.drop_table('purchase_documents')
    with op.batch_alter_table('invoice_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_deliveries_status'))
        batch_op.drop_index(batch_op.f('ix_invoice_deliveries_next_attempt_at'))
        batch_op.drop_index(batch_op.f('ix_invoice_deliveries_cooperative_id'))
    op.drop_table('invoice_deliveries')
    op.drop_table('peppol_settings')

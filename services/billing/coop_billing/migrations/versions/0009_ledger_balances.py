"""ledger balances and known payers: the running balance of each activity account, the entry
date on postings, the IBANs that paid each customer, the PDF of each issued document

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ledger_postings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entry_date', sa.Date(), nullable=True))
    # the entry date of every posting booked before, from its transaction
    op.execute(
        "UPDATE ledger_postings SET entry_date = (SELECT t.entry_date FROM ledger_transactions t "
        "WHERE t.id = ledger_postings.transaction_id)"
    )
    with op.batch_alter_table('ledger_postings', schema=None) as batch_op:
        batch_op.alter_column('entry_date', existing_type=sa.Date(), nullable=False)
        batch_op.create_index('ix_ledger_postings_account_date', ['account', 'entry_date', 'id'], unique=False)
    op.create_table('ledger_balances',
    sa.Column('cooperative_id', sa.String(length=36), nullable=False),
    sa.Column('account', sa.String(length=60), nullable=False),
    sa.Column('balance', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.PrimaryKeyConstraint('cooperative_id', 'account')
    )
    # the balances of the accounts booked before: the sums of their postings
    op.execute(
        "INSERT INTO ledger_balances (cooperative_id, account, balance) "
        "SELECT cooperative_id, account, SUM(amount) FROM ledger_postings "
        "WHERE account LIKE 'activity:%' OR account LIKE 'provision:%' GROUP BY cooperative_id, account"
    )


    op.create_table('known_payers',
    sa.Column('cooperative_id', sa.String(length=36), nullable=False),
    sa.Column('iban', sa.String(length=34), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('cooperative_id', 'iban', 'customer_id')
    )
    # every IBAN that paid an invoice before, with the invoice's customer
    op.execute(
        "INSERT INTO known_payers (cooperative_id, iban, customer_id) "
        "SELECT DISTINCT p.cooperative_id, p.counterparty_iban, i.customer_id FROM payments p "
        "JOIN payment_allocations a ON a.payment_id = p.id JOIN invoices i ON i.id = a.invoice_id "
        "WHERE p.counterparty_iban IS NOT NULL"
    )
    op.create_table('invoice_pdfs',
    sa.Column('invoice_id', sa.String(length=36), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('epc_qr_payload', sa.Text(), nullable=True),
    sa.Column('rendered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], ),
    sa.PrimaryKeyConstraint('invoice_id')
    )


def downgrade():
    op.drop_table('invoice_pdfs')
    op.drop_table('known_payers')
    op.drop_table('ledger_balances')
    with op.batch_alter_table('ledger_postings', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_postings_account_date')
        batch_op.drop_column('entry_date')

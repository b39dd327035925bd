"""bank statement file pieces: a statement file's bytes kept compressed, in pieces (issue 18)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 16:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    # A file kept before stays whole in `content`; the files kept from now on have it empty and
    # their bytes in pieces (orm.BankStatementFilePiece), so a 20 MB file is never one query.
    op.create_table('bank_statement_file_pieces',
    sa.Column('file_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['bank_statement_files.id'], ),
    sa.PrimaryKeyConstraint('file_id', 'position')
    )
    with op.batch_alter_table('bank_statement_files', schema=None) as batch_op:
        batch_op.alter_column('content', existing_type=sa.LargeBinary(), nullable=True)


def downgrade():
    # Each file kept in pieces is put back whole into `content` before the pieces go.
    import zlib

    connection = op.get_bind()
    pieces = sa.table('bank_statement_file_pieces', sa.column('file_id'), sa.column('position'), sa.column('data'))
    files = sa.table('bank_statement_files', sa.column('id'), sa.column('content'))
    ids = connection.execute(sa.select(files.c.id).where(files.c.content.is_(None))).scalars().all()
    for file_id in ids:
        decompressor = zlib.decompressobj()
        rows = connection.execute(
            sa.select(pieces.c.data).where(pieces.c.file_id == file_id).order_by(pieces.c.position)
        ).scalars()
        content = b"".join(decompressor.decompress(data) for data in rows) + decompressor.flush()
        connection.execute(sa.update(files).where(files.c.id == file_id).values(content=content))
    op.drop_table('bank_statement_file_pieces')
    with op.batch_alter_table('bank_statement_files', schema=None) as batch_op:
        batch_op.alter_column('content', existing_type=sa.LargeBinary(), nullable=False)

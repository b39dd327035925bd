"""national numbers sealed at rest with their keyed hash; the history of rectified member fields

The data step encrypts every national number still in clear with the key of the environment
(`COOP_DATA_KEY`, coop_shared.settings.data_keys: refused in production when unset) and writes
its search hash (docs/adr/017-personal-data-at-rest-and-rectification.md).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from coop_shared import personal_data

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

PURPOSE = "members.national_number"  # the purpose coop_members.orm.Member.national_number seals with

members = sa.table(
    "members",
    sa.column("id", sa.String),
    sa.column("national_number", sa.String),
    sa.column("national_number_hash", sa.String),
)


def upgrade():
    with op.batch_alter_table("members") as batch:
        batch.alter_column("national_number", existing_type=sa.String(length=11), type_=sa.String(length=255))
        batch.add_column(sa.Column("national_number_hash", sa.String(length=64), nullable=True))
        batch.create_index("ix_members_national_number_hash", ["national_number_hash"], unique=False)
    op.create_table(
        "member_changes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("cooperative_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("changed_by_key_id", sa.String(length=36), nullable=True),
        sa.Column("changed_by_role", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["cooperative_id"], ["cooperatives.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_member_changes_cooperative_id", "member_changes", ["cooperative_id"], unique=False)
    op.create_index("ix_member_changes_member_id", "member_changes", ["member_id"], unique=False)
    seal_clear_national_numbers(op.get_bind(), personal_data.KeyRing.from_config(None))


def seal_clear_national_numbers(connection, ring) -> int:
    """Seal every national number not yet sealed under the ring's current key (a clear one, or
    one sealed under a retired key) and write its hash; returns how many rows changed. Run
    again after a key rotation, it re-encrypts what the retired key sealed."""
    rows = connection.execute(
        sa.select(members.c.id, members.c.national_number).where(members.c.national_number.is_not(None))
    ).all()
    changed = 0
    for member_id, stored in rows:
        if not ring.needs_reseal(stored):
            continue
        number = ring.open(stored, PURPOSE)
        connection.execute(
            members.update()
            .where(members.c.id == member_id)
            .values(national_number=ring.seal(number, PURPOSE), national_number_hash=ring.index(number))
        )
        changed += 1
    return changed


def downgrade():
    ring = personal_data.KeyRing.from_config(None)
    connection = op.get_bind()
    for member_id, stored in connection.execute(
        sa.select(members.c.id, members.c.national_number).where(members.c.national_number.is_not(None))
    ).all():
        connection.execute(
            members.update()
            .where(members.c.id == member_id)
            .values(national_number=ring.open(stored, PURPOSE))
        )
    op.drop_index("ix_member_changes_member_id", table_name="member_changes")
    op.drop_index("ix_member_changes_cooperative_id", table_name="member_changes")
    op.drop_table("member_changes")
    with op.batch_alter_table("members") as batch:
        batch.drop_index("ix_members_national_number_hash")
        batch.drop_column("national_number_hash")
        batch.alter_column("national_number", existing_type=sa.String(length=255), type_=sa.String(length=11))

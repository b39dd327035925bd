"""national numbers sealed in the member snapshots of payslips prepared before they were sealed

Payslips prepared before payroll sealed the national number kept it in clear in their
`payslips.member` JSON snapshot. This data step seals every clear one with the key of the
environment (`COOP_DATA_KEY`, coop_shared.settings.data_keys: refused in production when unset),
as members' migration 0006 does for `members.national_number`
(docs/adr/017-personal-data-at-rest-and-rectification.md). The code opens both forms, so it may
run while payroll runs. No table changes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 11:15:00.000000
"""

import sqlalchemy as sa
from alembic import op

from coop_shared import personal_data

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The purpose coop_payroll.handlers.payslips.SEALED_NATIONAL_NUMBER seals with; written here
# because a migration keeps the value it was written with.
PURPOSE = "payroll.payslips.member.national_number"

payslips = sa.table("payslips", sa.column("id", sa.String), sa.column("member", sa.JSON))


def upgrade():
    seal_clear_snapshot_numbers(op.get_bind(), personal_data.KeyRing.from_config(None))


def seal_clear_snapshot_numbers(connection, ring) -> int:
    """Seal every snapshot's national number not yet sealed under the ring's current key (a
    clear one, or one sealed under a retired key); a snapshot without a number (none known, or
    erased) stays as it is. Returns how many payslips changed."""
    changed = 0
    for payslip_id, member in connection.execute(sa.select(payslips.c.id, payslips.c.member)).all():
        if not isinstance(member, dict) or not ring.needs_reseal(member.get("national_number")):
            continue
        number = ring.open(member["national_number"], PURPOSE)
        connection.execute(
            payslips.update()
            .where(payslips.c.id == payslip_id)
            .values(member=dict(member, national_number=ring.seal(number, PURPOSE)))
        )
        changed += 1
    return changed


def downgrade():
    # The numbers opened again, as members' 0006 does on its way down.
    ring = personal_data.KeyRing.from_config(None)
    connection = op.get_bind()
    for payslip_id, member in connection.execute(sa.select(payslips.c.id, payslips.c.member)).all():
        if isinstance(member, dict) and personal_data.is_sealed(member.get("national_number")):
            connection.execute(
                payslips.update()
                .where(payslips.c.id == payslip_id)
                .values(member=dict(member, national_number=ring.open(member["national_number"], PURPOSE)))
            )

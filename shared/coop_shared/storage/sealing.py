"""Resealing a sealed column under the current data key: after a key rotation, or for rows a
migration sealed with the development key by mistake
(docs/adr/017-personal-data-at-rest-and-rectification.md, "Rotation")."""

from __future__ import annotations

import sqlalchemy as sa

from coop_shared.personal_data import KeyRing

# (table, id column, sealed column, purpose, hash column or None) of every sealed column, per
# service; the purposes are those of the orm.py columns (EncryptedString / EncryptedText).
SEALED_COLUMNS = {
    "members": (
        ("members", "id", "national_number", "members.national_number", "national_number_hash"),
        ("member_changes", "id", "old_value", "member_changes.value", None),
        ("member_changes", "id", "new_value", "member_changes.value", None),
        ("people", "id", "totp_secret", "people.totp_secret", None),  # docs/adr/024-accounts-for-people.md
    ),
    "billing": (
        ("customer_changes", "id", "old_value", "customer_changes.value", None),
        ("customer_changes", "id", "new_value", "customer_changes.value", None),
    ),
}

# (table, id column, JSON column, key in its object, purpose) of every value sealed inside a JSON
# snapshot; the purposes are those the handlers seal with (payroll: handlers/payslips.py
# SEALED_NATIONAL_NUMBER, the number kept in a payslip's member snapshot).
SEALED_SNAPSHOT_FIELDS = {
    "payroll": (("payslips", "id", "member", "national_number", "payroll.payslips.member.national_number"),),
}

# The services `coop data-key reseal` knows.
SERVICES = tuple(sorted({*SEALED_COLUMNS, *SEALED_SNAPSHOT_FIELDS}))


def reseal_column(
    connection, table: str, id_column: str, column: str, purpose: str, ring: KeyRing, hash_column=None
):
    """Seal under the ring's current key every value of `table.column` that is clear or sealed
    under another key, and rewrite its search hash; returns how many rows changed."""
    rows = sa.table(
        table, sa.column(id_column), sa.column(column), *([sa.column(hash_column)] if hash_column else [])
    )
    changed = 0
    found = connection.execute(
        sa.select(rows.c[id_column], rows.c[column]).where(rows.c[column].is_not(None))
    ).all()
    for row_id, stored in found:
        if not ring.needs_reseal(stored):
            continue
        clear = ring.open(stored, purpose)
        values = {column: ring.seal(clear, purpose)}
        if hash_column:
            values[hash_column] = ring.index(clear)
        connection.execute(rows.update().where(rows.c[id_column] == row_id).values(**values))
        changed += 1
    return changed


def reseal_snapshot_field(
    connection, table: str, id_column: str, column: str, key: str, purpose: str, ring: KeyRing
):
    """Seal under the ring's current key the value at `key` of every JSON object in
    `table.column` that is clear or sealed under another key; returns how many rows changed. A
    snapshot without the key, or with null there (an erased one), is left as it is."""
    rows = sa.table(table, sa.column(id_column), sa.column(column, sa.JSON))
    changed = 0
    for row_id, snapshot in connection.execute(sa.select(rows.c[id_column], rows.c[column])).all():
        if not isinstance(snapshot, dict) or not ring.needs_reseal(snapshot.get(key)):
            continue
        clear = ring.open(snapshot[key], purpose)
        resealed = dict(snapshot, **{key: ring.seal(clear, purpose)})
        connection.execute(rows.update().where(rows.c[id_column] == row_id).values(**{column: resealed}))
        changed += 1
    return changed


def reseal_service(engine, service: str, ring: KeyRing) -> dict[str, int]:
    """{"table.column": rows resealed} for every sealed column of `service` (and
    {"table.column.key": ...} for every sealed snapshot field), in one transaction."""
    out = {}
    with engine.begin() as connection:
        for table, id_column, column, purpose, hash_column in SEALED_COLUMNS.get(service, ()):
            out[f"{table}.{column}"] = reseal_column(
                connection, table, id_column, column, purpose, ring, hash_column
            )
        for table, id_column, column, key, purpose in SEALED_SNAPSHOT_FIELDS.get(service, ()):
            out[f"{table}.{column}.{key}"] = reseal_snapshot_field(
                connection, table, id_column, column, key, purpose, ring
            )
    return out

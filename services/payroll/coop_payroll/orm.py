"""Tables of the payroll service (its own database; no other service reads it)."""

from sqlalchemy.orm import DeclarativeBase

from coop_shared.storage.messaging_tables import inbox_table, outbox_table


class Base(DeclarativeBase):
    pass


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)

"""Use cases of the members service, one module per subject.

Each takes the unit of work (`coop_shared.unit_of_work.UnitOfWork` over `MembersRepository`),
the caller's identity and a validated payload; it checks the caller's role, applies the rules,
stores through `uow.repo` and records its events with `uow.emit`. Whatever else it needs (today's
date, a client of another service) service.py passes in.

    cooperatives   create and read cooperatives (the platform's work)
    api_keys       issue, revoke and resolve the keys of a cooperative
    members        register, read and list members
    activities     the activities a member invoices and is paid under
    status_models  a member's status model over time
    lifecycle      candidate, active, suspended, exited
    documents      identity and right-to-work documents, their expiry reminders
    programmes     accompaniment programmes: phases, funders, eligibility, capacity, coaches
    enrolments     a member on a programme: phases, launch gate, appointments, attendance
    coaching       coaching notes (coach and admins only) and the log of their reads
    contribution_rates  dated contribution rates per activity
    funder_reports the report of a programme for its funders
"""

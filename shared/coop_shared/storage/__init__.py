"""SQLAlchemy pieces every service uses: column types, the outbox and inbox tables, migrations."""

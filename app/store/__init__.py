"""Every SQL statement: repositories, the outbox, the keyset paginator, the audit chain."""

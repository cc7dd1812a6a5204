"""Delivering the outbox: claim due messages, send them, retry, dead-letter."""

"""Simulated agency services (customs, inspection and quarantine, tax, forex).

Each will run as its own HTTP service with real rules; the single window reaches them
through the outbox written with every accepted declaration."""

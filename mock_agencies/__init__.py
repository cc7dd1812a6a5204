"""Simulated agency services: customs, inspection and quarantine, tax and forex.

Each agency is a real HTTP service (``service.create_app``) with real rules
(``rules/``, pure functions over the declaration's documents), its own SQLite file,
signed callbacks and fault knobs. ``python -m mock_agencies --agency customs`` runs one;
``runner.run_all()`` runs all four as separate processes. The wire format is the single
window's own: ``app.agencies.wire`` and ``app.agencies.signing``."""

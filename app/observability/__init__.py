"""What operators see of the running service: Prometheus metrics (``metrics``, with the
figures read from the database at scrape time in ``gauges``) and log lines as JSON
(``logs``)."""

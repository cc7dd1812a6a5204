"""The performance benchmark of the single window: ``make bench`` (see bench/README.md)."""

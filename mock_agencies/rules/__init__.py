"""The agencies' decisions as pure functions: documents in, a ``Decision`` out."""

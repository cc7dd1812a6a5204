"""Talking to the agencies: the wire format, signatures, and one adapter per agency."""

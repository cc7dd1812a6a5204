"""The one way a declaration enters: parse, read facts, decide, write in one transaction."""

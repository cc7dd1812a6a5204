"""The rules of clearance as pure functions and values: no I/O, no SQL, no HTTP."""

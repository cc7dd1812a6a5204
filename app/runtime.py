"""Settings of the Python runtime for the long-running processes."""

import gc

# Young objects collected after this many allocations (Python's default is 700). A
# declaration allocates thousands of short-lived objects as it is parsed, checked and
# stored; with the default, collections ran several times per request and, since the
# heap is large, the older generations often enough to stall every thread for tens of
# milliseconds (profiled under the benchmark's load).
YOUNG_THRESHOLD = 50_000


def tune_gc() -> None:
    """Move everything made so far (modules, the app, its routes) out of the collector's
    way for good, and collect less often."""
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, 50, 100)

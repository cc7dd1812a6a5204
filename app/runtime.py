"""Settings of the Python runtime for the long-running processes, and their lifetime."""

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time

# Young objects collected after this many allocations (Python's default is 700). A
# declaration allocates thousands of short-lived objects as it is parsed, checked and
# stored; with the default, collections ran several times per request and, since the
# heap is large, the older generations often enough to stall every thread for tens of
# milliseconds (profiled under the benchmark's load). Much higher (50,000) let garbage
# in reference cycles pile up between collections: the outbox worker grew to 250 MB at
# 400 declarations/s and the API to 400 MB when overloaded, where at 5,000 both stay
# under 160 MB, and the overloaded API answered more (570/s against 430/s at 800/s
# offered) instead of timing out (measured with the benchmark).
YOUNG_THRESHOLD = 5_000


# How long a thread that wants the interpreter waits for the one that holds it. The
# database writer gives it up at every statement and wants it back when the statement is
# done; at the default 5 ms, each of a group's statements waited behind the event loop
# (profiled: a group of five statements held the writer's turn 10-25 ms at peak).
SWITCH_INTERVAL_SECONDS = 0.0005


def tune_gc() -> None:
    """Move everything made so far (modules, the app, its routes) out of the collector's
    way for good, and collect less often."""
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, 50, 100)
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)


PARENT_CHECK_SECONDS = 1.0


def exit_with_parent() -> None:
    """Stop this process (as by SIGTERM) when the process that started it goes away, so
    that the workers and replicas ``serve`` starts never outlive a parent that was killed."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_supervisor() -> None:
    """In a process a supervisor started (uvicorn's workers): be killed at once when the
    supervisor dies. The workers share its listening socket; had they outlived a
    supervisor that was killed, its restart could not bind the port they still hold."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    if sys.platform != "linux":
        exit_with_parent()
        return
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent.pid:  # it died before we asked
        os._exit(1)

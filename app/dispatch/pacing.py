"""Pacing: the worker steps aside while a peak of declarations arrives.

Intake answers platforms while they wait; the worker's work (deriving rows, delivering
to the agencies, applying what they answer) can wait a minute without anyone waiting on
it. While declarations arrive faster than ``yield_above`` a second, the worker defers its
rounds, for at most ``max_defer`` seconds at a stretch; after that it runs one round a
second, so that a peak that never ends still drains. The arrival rate is read from the
store: the declarations accepted since the last round, over the time since."""

import time
from dataclasses import dataclass, field


@dataclass
class Pacing:
    yield_above: float  # declarations a second
    max_defer: float  # seconds
    paced_every: float = 1.0  # seconds between rounds once deferring ran out
    # A peak is over only when arrivals stayed below yield_above this long: a round taken
    # too early holds the database writer, intake slows, fewer arrivals are counted, and
    # more rounds follow (measured: stalls of half a second and more at 1,400/s).
    calm: float = 5.0
    rate: float = 0.0  # the last arrival rate measured
    _deferring_since: float | None = None
    _last_peak: float | None = None
    _last_round: float = field(default=0.0)

    def defer(self, arrived: int, seconds: float, now: float | None = None) -> bool:
        """Whether to skip this round, given the declarations accepted in the last
        ``seconds``."""
        now = time.monotonic() if now is None else now
        if seconds > 0:
            self.rate = arrived / seconds
        if self.rate > self.yield_above:
            self._last_peak = now
        if self._last_peak is None or now - self._last_peak >= self.calm:
            self._deferring_since = None
            return False
        if self._deferring_since is None:
            self._deferring_since = now
        if now - self._deferring_since < self.max_defer:
            return True
        if now - self._last_round >= self.paced_every:
            self._last_round = now
            return False
        return True

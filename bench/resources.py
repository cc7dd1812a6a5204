"""CPU and memory of the service's process tree (the API, its outbox worker and the four
agencies), of the generator, of PostgreSQL and of the whole machine, read from /proc
(Linux)."""

import os
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
PROC = Path("/proc")


@dataclass(frozen=True, slots=True)
class ProcessStat:
    pid: int
    ppid: int
    pgrp: int
    state: str
    comm: str
    cpu_seconds: float
    reaped_children_cpu_seconds: float  # of its children that have exited
    rss_bytes: int


def read_stat(pid: int) -> ProcessStat | None:
    """``/proc/<pid>/stat``, or None when the process is gone."""
    try:
        raw = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces or parentheses itself.
    comm = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    # fields[0] is stat's field 3 (state): utime is field 14, stime 15, cutime 16,
    # cstime 17, rss 24.
    return ProcessStat(
        pid=pid,
        ppid=int(fields[1]),
        pgrp=int(fields[2]),
        state=fields[0],
        comm=comm,
        cpu_seconds=(int(fields[11]) + int(fields[12])) / CLOCK_TICKS,
        reaped_children_cpu_seconds=(int(fields[13]) + int(fields[14])) / CLOCK_TICKS,
        rss_bytes=int(fields[21]) * PAGE_BYTES,
    )


def all_processes() -> list[ProcessStat]:
    stats = (read_stat(int(p.name)) for p in PROC.iterdir() if p.name.isdigit())
    return [s for s in stats if s is not None]


def process_tree(root: int, processes: list[ProcessStat]) -> list[ProcessStat]:
    children: dict[int, list[ProcessStat]] = defaultdict(list)
    for stat in processes:
        children[stat.ppid].append(stat)
    tree = [s for s in processes if s.pid == root]
    for stat in tree:  # grows while it is walked: breadth first
        tree.extend(children[stat.pid])
    return tree


def live_group_members(pgrp: int) -> list[ProcessStat]:
    """Processes of a process group that still run (zombies have already stopped)."""
    return [s for s in all_processes() if s.pgrp == pgrp and s.state != "Z"]


SERVING_ROLES = ("api", "callbacks")
KNOWN_ROLES = (*SERVING_ROLES, "worker", "all", "customs", "inspection", "tax", "forex")


def role_of(pid: int) -> str:
    """``api``, ``callbacks`` (the API process that takes the agencies' receipts),
    ``worker`` (an outbox worker), an agency's name, or the command name."""
    try:
        argv = (PROC / str(pid) / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return "gone"
    words = [a.decode(errors="replace") for a in argv]
    if "--agency" in words and words.index("--agency") + 1 < len(words):
        return words[words.index("--agency") + 1]
    if "worker" in words[1:4]:
        return "worker"
    if "serve" in words[1:4] and "--exit-with-parent" in words:
        return "callbacks"
    if any(w.endswith("singlewindow") for w in words[:2]):
        return "api"
    return Path(words[0]).name if words and words[0] else "?"


def own_runqueue_wait() -> float:
    """Seconds this process's threads have waited for a CPU while runnable (schedstat):
    a generator late on its schedule while using little CPU is being starved by others."""
    total = 0
    for task in (PROC / "self" / "task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total / 1e9


def machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine since boot."""
    first = (PROC / "stat").read_text().splitlines()[0].split()[1:]
    values = [int(v) for v in first[:8]]  # user nice system idle iowait irq softirq steal
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


@dataclass(frozen=True)
class ResourceUsage:
    seconds: float  # the window CPU is averaged over
    server_cpu_percent: float  # of one core: 100 = one core busy
    cpu_percent_by_role: dict[str, float]  # api, callbacks, worker, customs, …
    server_peak_rss_mb: float  # the whole tree at its largest, over the whole step
    peak_rss_mb_by_role: dict[str, float]  # each role's processes together
    largest_process_rss_mb: float  # the largest single process at its largest
    generator_cpu_percent: float  # the benchmark's own process
    postgres_cpu_percent: float | None  # every postgres process on the machine
    machine_cpu_percent: float  # of all cores, whoever used them
    cores: int


@dataclass(frozen=True, slots=True)
class _Sample:
    at: float  # time.monotonic()
    cpu_by_pid: dict[int, float]
    rss_by_role: dict[str, int]
    largest_process_rss: int
    machine: tuple[int, int]
    own_cpu: float
    postgres_cpu: float  # cumulative, of every postgres process there is or was


class ResourceSampler:
    """Samples in a thread every ``interval`` seconds inside its ``with`` block;
    ``usage(window)`` then averages CPU over a window and takes the peak memory of all.
    (A sample reads all of /proc, a few ms of the generator's CPU: not too often.)"""

    def __init__(self, server_pid: int, *, postgres: bool, interval: float = 0.5) -> None:
        self.server_pid = server_pid
        self.postgres = postgres
        self.interval = interval
        self.samples: list[_Sample] = []
        self.roles: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="resource-sampler", daemon=True)

    def __enter__(self) -> "ResourceSampler":
        self.samples.append(self._sample())
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append(self._sample())

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.samples.append(self._sample())

    def _sample(self) -> _Sample:
        processes = all_processes()
        cpu: dict[int, float] = {}
        rss: dict[str, int] = defaultdict(int)
        largest = 0
        for stat in process_tree(self.server_pid, processes):
            role = self.roles.get(stat.pid)
            if role is None:
                role = role_of(stat.pid)
                if role not in KNOWN_ROLES and self.roles.get(stat.ppid) in SERVING_ROLES:
                    # uvicorn's worker processes serve for the process that started them.
                    role = self.roles[stat.ppid]
                self.roles[stat.pid] = role
            cpu[stat.pid] = stat.cpu_seconds
            rss[role] += stat.rss_bytes
            largest = max(largest, stat.rss_bytes)
        # Backends come and go (the API's pool opens overflow connections): those that
        # exited live on in their parent's reaped-children CPU, so the sum only grows.
        postgres = sum(
            s.cpu_seconds + s.reaped_children_cpu_seconds
            for s in processes
            if self.postgres and s.comm == "postgres"
        )
        times = os.times()
        return _Sample(
            time.monotonic(),
            cpu,
            dict(rss),
            largest,
            machine_ticks(),
            times.user + times.system,
            postgres,
        )

    def usage(self, window: tuple[float, float] | None = None) -> ResourceUsage:
        """CPU over ``window`` (monotonic times; default: all), peak memory over all."""
        first, last = self.samples[0], self.samples[-1]
        if window is not None:
            # The samples just around the window: it is measured a little wider, exactly.
            first = max((s for s in self.samples if s.at <= window[0]), key=_at, default=first)
            last = min((s for s in self.samples if s.at >= window[1]), key=_at, default=last)
        seconds = last.at - first.at
        cpu_by_role: dict[str, float] = defaultdict(float)
        for pid, cpu in last.cpu_by_pid.items():
            # A process that started inside the window counts from its first sample.
            since = first.cpu_by_pid.get(pid, _first_seen(pid, self.samples, cpu))
            cpu_by_role[self.roles[pid]] += cpu - since
        postgres = last.postgres_cpu - first.postgres_cpu
        busy, total = (b - a for b, a in zip(last.machine, first.machine, strict=True))
        peak_by_role: dict[str, int] = defaultdict(int)
        for sample in self.samples:
            for role, rss in sample.rss_by_role.items():
                peak_by_role[role] = max(peak_by_role[role], rss)
        return ResourceUsage(
            seconds=round(seconds, 2),
            server_cpu_percent=_percent(sum(cpu_by_role.values()), seconds),
            cpu_percent_by_role={r: _percent(c, seconds) for r, c in sorted(cpu_by_role.items())},
            server_peak_rss_mb=_mb(max(sum(s.rss_by_role.values()) for s in self.samples)),
            peak_rss_mb_by_role={r: _mb(b) for r, b in sorted(peak_by_role.items())},
            largest_process_rss_mb=_mb(max(s.largest_process_rss for s in self.samples)),
            generator_cpu_percent=_percent(last.own_cpu - first.own_cpu, seconds),
            postgres_cpu_percent=_percent(postgres, seconds) if self.postgres else None,
            machine_cpu_percent=round(100 * busy / total, 1) if total else 0.0,
            cores=os.cpu_count() or 1,
        )


def _at(sample: _Sample) -> float:
    return sample.at


def _first_seen(pid: int, samples: list[_Sample], default: float) -> float:
    for sample in samples:
        if pid in sample.cpu_by_pid:
            return sample.cpu_by_pid[pid]
    return default


def _percent(cpu_seconds: float, seconds: float) -> float:
    return round(100 * cpu_seconds / seconds, 1) if seconds > 0 else 0.0


def _mb(size: int) -> float:
    return round(size / 1024 / 1024, 1)

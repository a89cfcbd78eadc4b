"""Run a process with the share of a CPU that Lambda gives a function of a given memory size.

AWS: "At 1,769 MB, a function has the equivalent of one vCPU", in proportion below that
(docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html). A 256 MB function gets
about a seventh of a CPU, so a start that takes 0.4 s on a whole core here takes about
2.7 s there. A CFS quota in a cgroup (v1 "cpu" or v2 "cpu.max") gives a process the same
share, which is what `python -m skill bench --lambda-memory` measures with.

Needs a cgroup hierarchy it may write (root, as on this project's machines); otherwise
CpuShareUnavailable says why, and the benchmark says so and goes on without it.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

ONE_VCPU_MB = 1769
PERIOD_US = 100_000  # the kernel's default CFS period
_V1 = Path("/sys/fs/cgroup/cpu")
_V2 = Path("/sys/fs/cgroup")

# us-east-1, arm64, on-demand (aws.amazon.com/lambda/pricing, December 2026), before the free tier.
USD_PER_GB_SECOND = 0.0000133334
USD_PER_REQUEST = 0.20 / 1_000_000


class CpuShareUnavailable(RuntimeError):
    pass


def share_of_cpu(memory_mb: int) -> float:
    """The vCPUs Lambda gives a function of `memory_mb`, up to the one a Python process uses."""
    return min(1.0, memory_mb / ONE_VCPU_MB)


def usd(memory_mb: int, billed_ms: float, requests: int = 1) -> float:
    """What `requests` invocations of `billed_ms` each cost (Lambda bills whole milliseconds)."""
    return requests * (math.ceil(billed_ms) / 1000 * memory_mb / 1024 * USD_PER_GB_SECOND + USD_PER_REQUEST)


class CpuShare:
    """A cgroup whose processes get `share` of one CPU, for as long as the `with` lasts.

    Pass `enter` as a subprocess's preexec_fn: the child joins the cgroup before it runs.
    """

    def __init__(self, share: float, name: str = "cramp-coach-bench"):
        self.share = share
        self.name = f"{name}-{os.getpid()}-{round(share * 1000)}"
        self.path: Path | None = None

    def __enter__(self) -> CpuShare:
        quota = max(1000, round(PERIOD_US * self.share))
        if (_V1 / "cpu.cfs_quota_us").exists():
            self.path = self._make(_V1)
            self._write("cpu.cfs_period_us", str(PERIOD_US))
            self._write("cpu.cfs_quota_us", str(quota))
        elif "cpu" in _read(_V2 / "cgroup.controllers").split():
            self.path = self._make(_V2)
            self._write("cpu.max", f"{quota} {PERIOD_US}")
        else:
            raise CpuShareUnavailable("no cgroup CPU controller here (neither v1 cpu nor v2 cpu.max)")
        return self

    def enter(self) -> None:
        (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def __exit__(self, *exc) -> None:
        if self.path is not None:
            try:
                self.path.rmdir()  # its processes have ended, so it is empty
            except OSError:
                pass
            self.path = None

    def _make(self, root: Path) -> Path:
        path = root / self.name
        try:
            path.mkdir(exist_ok=True)
        except OSError as error:
            raise CpuShareUnavailable(f"can't make a cgroup under {root} ({error.strerror}); run as root") from error
        return path

    def _write(self, name: str, value: str) -> None:
        try:
            (self.path / name).write_text(value)
        except OSError as error:
            self.__exit__()
            raise CpuShareUnavailable(f"can't set {name} ({error.strerror})") from error


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""

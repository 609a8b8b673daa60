"""How long the process has been running, for start-up timing."""

from __future__ import annotations

import os
import time

_IMPORTED_AT = time.monotonic()


def seconds_since_start() -> float:
    """Seconds elapsed since the process started.

    On Linux both the process's start and the present are read as times since
    boot from ``/proc`` (10 ms resolution), so interpreter start-up and imports
    are included; elsewhere it counts from this module's first import.
    """
    try:
        with open("/proc/self/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22 of proc(5)
        with open("/proc/uptime", encoding="ascii") as fh:
            now = float(fh.read().split()[0])
        return max(0.0, now - started)
    except (OSError, ValueError, IndexError, AttributeError):
        return time.monotonic() - _IMPORTED_AT

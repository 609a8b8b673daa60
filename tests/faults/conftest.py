"""Fault injection: several processes, kills and full disks against the real save paths.

Workers run in fresh interpreters (``spawn``): the test process may hold Qt and
threads, which a ``fork`` would copy in an undefined state.
"""

from __future__ import annotations

import multiprocessing

import pytest


@pytest.fixture(scope="session")
def spawn():
    """The multiprocessing context the fault tests start their workers in."""
    return multiprocessing.get_context("spawn")

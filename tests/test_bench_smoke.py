"""The benchmark suite runs (small sizes, one run each); it checks that it runs, not how fast."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_suite_runs_and_reports_every_figure(tmp_path):
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--smoke", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**__import__("os").environ, "BSR_MAP_SETTINGS_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(out.read_text())
    names = [r["name"] for r in report["results"]]
    assert names[0] == "start to first painted map" and len(names) == 21
    assert "open + filter 200 agencies, PostGIS store" in names  # ./run-tests installs PostgreSQL
    assert all(r["median"] > 0 and r["min"] <= r["median"] <= r["max"] for r in report["results"])
    assert "benchmark" in result.stdout and "budget" in result.stdout

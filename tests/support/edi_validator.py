"""The independent EDI validator (Bots grammars run by botscore), installed by scripts/test."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

HOME = Path(os.environ.get("GRIDLINK_EDI_VALIDATOR", "/tmp/bots-validator"))


def available() -> bool:
    """True when the validator is installed."""
    return (HOME / "venv" / "bin" / "python").exists() and (HOME / "edi_validate.py").exists()


def require() -> None:
    """Skip (or under CI=true fail) when the validator is not installed."""
    if available():
        return
    message = f"independent EDI validator not installed in {HOME}: run scripts/test (it installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def check(documents: dict[str, bytes]) -> dict[str, list[str]]:
    """Validate several documents in one run; returns the errors of each (empty: it passed)."""
    require()
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for name, data in documents.items():
            path = Path(tmp) / f"{name}.edi"
            path.write_bytes(data)
            paths[str(path)] = name
        run = subprocess.run(
            [str(HOME / "venv" / "bin" / "python"), str(HOME / "edi_validate.py"), "--json", *paths],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    results: dict[str, list[str]] = {}
    for line in run.stdout.splitlines():
        if line.startswith("{"):
            item = json.loads(line)
            results[paths[item["file"]]] = item["errors"]
    missing = set(documents) - set(results)
    assert not missing, f"validator gave no verdict for {missing}: {run.stderr[-2000:]}"
    return results

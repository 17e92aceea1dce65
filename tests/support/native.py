"""Which EDI modules run compiled, and whether a compiled module is older than its source."""

from __future__ import annotations

import importlib.machinery
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def native_sources() -> list[Path]:
    """The sources pyproject.toml names for compilation with mypyc."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return [ROOT / name for name in config["tool"]["gridlink"]["native"]]


def compiled(source: Path) -> Path | None:
    """The extension built from `source`, if there is one next to it."""
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        candidate = source.with_suffix(suffix)
        if candidate.exists():
            return candidate
    return None


def stale() -> list[str]:
    """Sources edited after they were compiled: Python would import the old extension instead."""
    out = []
    for source in native_sources():
        ext = compiled(source)
        if ext is not None and source.stat().st_mtime > ext.stat().st_mtime:
            out.append(str(source.relative_to(ROOT)))
    return out
